package render

import (
	"image"
	"math"
)

// NewCPU returns the software renderer: no GL needed, same picture as the
// GL backend within a small tolerance (antialiasing differs: CPU
// supersamples where GL multisamples).
func NewCPU() Renderer { return &renderer{b: &cpuBackend{}} }

// maxSupersamples bounds the supersampled buffers of the CPU backend and of GL on a software
// rasteriser (2^26 samples: about 20 bytes a sample on the CPU, 12 with GL); a larger picture gets
// fewer samples per pixel rather than gigabytes of buffers (16384×8192 pixels at 16 samples asked
// for 8 GiB: issue 20).
const maxSupersamples = 1 << 26

// supersampling returns the factor per axis a w×h picture is drawn larger by to antialias with
// samples per pixel: round(√samples), lowered until the buffer holds at most maxSupersamples.
func supersampling(w, h, samples int) int {
	ss := max(int(math.Round(math.Sqrt(float64(samples)))), 1)
	for ss > 1 && int64(w)*int64(h)*int64(ss*ss) > maxSupersamples {
		ss--
	}
	return ss
}

// MemoryNeed estimates the host memory Render takes besides the picture itself for a w×h picture
// with samples per pixel: a second picture under the axes, and about 20 bytes per supersample
// (supersampling) for the colour and depth buffers (the CPU raster's, or a software GL's
// framebuffers and read-back; a GPU's multisampled buffers live in its own memory).
func MemoryNeed(w, h, samples int) int64 {
	px := int64(w) * int64(h)
	ss := int64(supersampling(w, h, samples))
	return 4*px + 20*px*ss*ss
}

// cpuBackend draws the surface with raster; its buffers are reused.
type cpuBackend struct {
	r   raster
	buf []uint8 // supersampled colour, RGBA
	why string  // why New fell back to the CPU, if it did
}

func (c *cpuBackend) name() string {
	if c.why != "" {
		return "cpu (no GL: " + c.why + ")"
	}
	return "cpu"
}
func (c *cpuBackend) close() error { return nil }

// surface draws f into dst at round(√samples) times the resolution in each
// direction and box-filters it down.
func (c *cpuBackend) surface(dst *image.RGBA, f *frame) error {
	ss := supersampling(f.w, f.h, f.st.samples)
	w, h := f.w*ss, f.h*ss
	c.r.setup(f.mesh, f.view.mvp, w, h)
	c.r.visibility()
	sh := &shader{
		cmap:      f.st.cmap,
		eye:       f32x3(f.view.eye),
		light:     f32x3(f.view.light),
		contours:  float32(f.scene.Contours),
		wire:      f.scene.Wireframe,
		lineScale: float32(ss),
		wireStep:  float32(f.st.step),
	}
	if f.scene.Categorical {
		sh.classes, sh.nx, sh.ny = f.mesh.classes, f.mesh.nx, f.mesh.ny
		sh.palette = paletteTable(f.scene.Palette)
	}
	pix, stride, off := dst.Pix, dst.Stride, dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y)
	if ss > 1 {
		if cap(c.buf) < 4*w*h {
			c.buf = make([]uint8, 4*w*h)
		}
		c.buf = c.buf[:4*w*h]
		pix, stride, off = c.buf, 4*w, 0
	}
	bg := f.st.bg
	if f.transparent {
		bg.A = 0
	}
	forEach(len(c.r.bands), func(b int) {
		y0 := b * rowsPerBand
		y1 := min(y0+rowsPerBand, h)
		for y := y0; y < y1; y++ {
			p := pix[off+y*stride : off+y*stride+4*w]
			for x := 0; x < w; x++ {
				i := y*w + x
				q := p[4*x : 4*x+4 : 4*x+4]
				if c.r.tri[i] < 0 {
					q[0], q[1], q[2], q[3] = bg.R, bg.G, bg.B, bg.A
					continue
				}
				col := c.shadePixel(sh, i, x, y)
				q[0], q[1], q[2], q[3] = to8(col[0]), to8(col[1]), to8(col[2]), 255
			}
		}
	})
	if ss > 1 {
		downsample(dst, c.buf, w, ss)
	}
	return nil
}

// shadePixel interpolates the attributes of pixel i's triangle perspective
// correctly, with their screen-space gradients, and shades it.
func (c *cpuBackend) shadePixel(sh *shader, i, x, y int) [3]float32 {
	r := &c.r
	t := r.tri[i]
	k := [3]int32{r.tris[t], r.tris[t+1], r.tris[t+2]}
	v := [3]svert{r.scr[k[0]], r.scr[k[1]], r.scr[k[2]]}
	b := [3]float32{1 - r.bar[i][0] - r.bar[i][1], r.bar[i][0], r.bar[i][1]}

	area := (v[1].x-v[0].x)*(v[2].y-v[0].y) - (v[2].x-v[0].x)*(v[1].y-v[0].y)
	inv := 1 / area
	// d(barycentric)/dx and /dy, constant over the triangle
	dbx := [3]float32{-(v[2].y - v[1].y) * inv, -(v[0].y - v[2].y) * inv, -(v[1].y - v[0].y) * inv}
	dby := [3]float32{(v[2].x - v[1].x) * inv, (v[0].x - v[2].x) * inv, (v[1].x - v[0].x) * inv}

	var lam, dlx, dly [3]float32
	var q float32
	for n := 0; n < 3; n++ {
		lam[n] = b[n] * v[n].invw
		dlx[n] = dbx[n] * v[n].invw
		dly[n] = dby[n] * v[n].invw
		q += lam[n]
	}
	var a [3][]float32
	for n := 0; n < 3; n++ {
		a[n] = r.verts[int(k[n])*vertexFloats : int(k[n]+1)*vertexFloats]
	}
	// interp returns the attribute at the pixel and its gradient.
	interp := func(j int) (val float32, g [2]float32) {
		for n := 0; n < 3; n++ {
			val += lam[n] * a[n][j]
		}
		val /= q
		for n := 0; n < 3; n++ {
			d := a[n][j] - val
			g[0] += dlx[n] * d
			g[1] += dly[n] * d
		}
		g[0] /= q
		g[1] /= q
		return val, g
	}
	var in shadeInput
	for j := 0; j < 3; j++ {
		for n := 0; n < 3; n++ {
			in.pos[j] += lam[n] * a[n][j]
			in.normal[j] += lam[n] * a[n][3+j]
		}
		in.pos[j] /= q
	}
	for n := 0; n < 3; n++ {
		in.t += lam[n] * a[n][6]
	}
	in.t /= q
	levels := sh.contours + 1
	h, gh := interp(7)
	in.s, in.gs = h*levels, [2]float32{gh[0] * levels, gh[1] * levels}
	if sh.wire || sh.classes != nil {
		in.u, in.gu = interp(8)
		in.v, in.gv = interp(9)
	}
	return sh.shade(&in)
}

// downsample box-filters the ss x ss supersampled buffer src (width w) into dst.
func downsample(dst *image.RGBA, src []uint8, w, ss int) {
	b := dst.Bounds()
	n := uint32(ss * ss)
	forEach(b.Dy(), func(y int) {
		row := dst.Pix[dst.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < b.Dx(); x++ {
			var s [4]uint32
			for dy := 0; dy < ss; dy++ {
				p := src[4*((y*ss+dy)*w+x*ss):]
				for dx := 0; dx < ss; dx++ {
					s[0] += uint32(p[4*dx])
					s[1] += uint32(p[4*dx+1])
					s[2] += uint32(p[4*dx+2])
					s[3] += uint32(p[4*dx+3])
				}
			}
			row[4*x] = uint8((s[0] + n/2) / n)
			row[4*x+1] = uint8((s[1] + n/2) / n)
			row[4*x+2] = uint8((s[2] + n/2) / n)
			row[4*x+3] = uint8((s[3] + n/2) / n)
		}
	})
}

func f32x3(v vec3) [3]float32 { return [3]float32{float32(v[0]), float32(v[1]), float32(v[2])} }
