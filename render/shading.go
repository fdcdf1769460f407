package render

import (
	"image/color"
	"math"
)

// Shading constants, shared by both backends: the GL fragment shader
// (internal/gl/surface.frag) receives them as uniforms and shadeCPU below
// does the same arithmetic.
var (
	// ambient, diffuse, specular, shininess (Blinn-Phong: J. F. Blinn,
	// "Models of light reflection for computer synthesized pictures",
	// SIGGRAPH 1977).
	material = [4]float32{0.38, 0.67, 0.22, 40}
	// contour lines: rgb, strength; half width in pixels
	contourStyle     = [4]float32{0.05, 0.05, 0.05, 0.6}
	contourHalfWidth = float32(0.6)
	// wireframe lines: rgb, strength; half width in pixels
	wireStyle     = [4]float32{0.05, 0.05, 0.05, 0.35}
	wireHalfWidth = float32(0.45)
	// class boundaries: rgb, strength; half width in pixels
	boundaryStyle     = [4]float32{0.02, 0.02, 0.02, 0.85}
	boundaryHalfWidth = float32(0.7)
)

// paletteTable expands a class palette to the 256 entries both backends
// index with class mod 256.
func paletteTable(p []color.Color) *[256][3]float32 {
	var t [256][3]float32
	for e := range t {
		var c color.Color
		if len(p) == 0 {
			c = Tab10[e%len(Tab10)]
		} else {
			c = p[e%len(p)]
		}
		r, g, b, _ := c.RGBA()
		t[e] = [3]float32{float32(r) / 0xffff, float32(g) / 0xffff, float32(b) / 0xffff}
	}
	return &t
}

// classIndex is the palette entry of class k (mod 256, never negative).
func classIndex(k float32) int {
	return ((int(k) % 256) + 256) % 256
}

// shadeInput is what a pixel of the surface needs, interpolated.
type shadeInput struct {
	pos, normal [3]float32
	t, s        float32    // colour in [0,1]; contour parameter h·(N+1)
	u, v        float32    // grid coordinates
	gs, gu, gv  [2]float32 // screen-space gradients of s, u, v per pixel
}

// shader holds a frame's constants for shadeCPU.
type shader struct {
	cmap     *Colormap
	wireStep float32
	// categorical scenes: class per field point and the palette
	classes   []float32
	nx, ny    int
	palette   *[256][3]float32
	eye       [3]float32
	light     [3]float32
	contours  float32
	wire      bool
	lineScale float32 // pixels of the drawn buffer per output pixel
}

func lineAlpha(s float32, g [2]float32, halfWidth float32) float32 {
	gl := float32(math.Sqrt(float64(g[0]*g[0] + g[1]*g[1])))
	if !(gl > 1e-6) {
		return 0
	}
	d := float32(math.Abs(float64(s - float32(math.Floor(float64(s+0.5))))))
	a := halfWidth + 0.5 - d/gl
	return min(max(a, 0), 1)
}

func normalize3(v [3]float32) [3]float32 {
	l := float32(math.Sqrt(float64(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])))
	if l == 0 {
		return v
	}
	return [3]float32{v[0] / l, v[1] / l, v[2] / l}
}

func dot3(a, b [3]float32) float32 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func mix3(a, b [3]float32, t float32) [3]float32 {
	return [3]float32{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1]), a[2] + t*(b[2]-a[2])}
}

// shade is surface.frag in Go: Blinn-Phong lighting of the colormap colour
// with contour and wireframe lines blended over it.
func (sh *shader) shade(in *shadeInput) [3]float32 {
	n := normalize3(in.normal)
	v := normalize3([3]float32{sh.eye[0] - in.pos[0], sh.eye[1] - in.pos[1], sh.eye[2] - in.pos[2]})
	if dot3(n, v) < 0 {
		n = [3]float32{-n[0], -n[1], -n[2]}
	}
	var r, g, b float32
	var boundary float32
	if sh.classes != nil {
		r, g, b, boundary = sh.classColor(in)
	} else {
		r, g, b = sh.cmap.rgb(in.t)
	}
	diff := max(dot3(n, sh.light), 0)
	h := normalize3([3]float32{sh.light[0] + v[0], sh.light[1] + v[1], sh.light[2] + v[2]})
	spec := specular(max(dot3(n, h), 0), material[3])
	k := material[0] + material[1]*diff
	c := [3]float32{
		min(r*k+material[2]*spec, 1),
		min(g*k+material[2]*spec, 1),
		min(b*k+material[2]*spec, 1),
	}

	if sh.contours > 0 {
		lv := float32(math.Floor(float64(in.s + 0.5)))
		if lv >= 1 && lv <= sh.contours {
			a := lineAlpha(in.s, in.gs, contourHalfWidth*sh.lineScale)
			c = mix3(c, [3]float32(contourStyle[:3]), contourStyle[3]*a)
		}
	}
	if sh.wire {
		ws := sh.wireStep
		a := max(lineAlpha(in.u/ws, [2]float32{in.gu[0] / ws, in.gu[1] / ws}, wireHalfWidth*sh.lineScale),
			lineAlpha(in.v/ws, [2]float32{in.gv[0] / ws, in.gv[1] / ws}, wireHalfWidth*sh.lineScale))
		c = mix3(c, [3]float32(wireStyle[:3]), wireStyle[3]*a)
	}
	return mix3(c, [3]float32(boundaryStyle[:3]), boundaryStyle[3]*boundary)
}

// edgeAlpha covers a line at distance d (field index units) given the
// gradient of the index per pixel.
func edgeAlpha(d float32, g [2]float32, halfWidth float32) float32 {
	gl := float32(math.Sqrt(float64(g[0]*g[0] + g[1]*g[1])))
	if !(gl > 1e-6) {
		return 0
	}
	return min(max(halfWidth+0.5-d/gl, 0), 1)
}

// classColor is the colour of the nearest field point's class and the
// coverage of a boundary line towards a neighbour of another class.
func (sh *shader) classColor(in *shadeInput) (r, g, b, boundary float32) {
	cx := min(max(int(math.Floor(float64(in.u+0.5))), 0), sh.nx-1)
	cy := min(max(int(math.Floor(float64(in.v+0.5))), 0), sh.ny-1)
	k := sh.classes[cy*sh.nx+cx]
	c := sh.palette[classIndex(k)]
	dx, dy := in.u-float32(cx), in.v-float32(cy)
	nx := cx + 1
	if dx < 0 {
		nx = cx - 1
	}
	ny := cy + 1
	if dy < 0 {
		ny = cy - 1
	}
	hw := boundaryHalfWidth * sh.lineScale
	if nx >= 0 && nx < sh.nx && sh.classes[cy*sh.nx+nx] != k {
		boundary = max(boundary, edgeAlpha(0.5-float32(math.Abs(float64(dx))), in.gu, hw))
	}
	if ny >= 0 && ny < sh.ny && sh.classes[ny*sh.nx+cx] != k {
		boundary = max(boundary, edgeAlpha(0.5-float32(math.Abs(float64(dy))), in.gv, hw))
	}
	return c[0], c[1], c[2], boundary
}

// specular is x^shininess; the shininess of 40 the scenes use is done by
// squaring (x^32·x^8), the same number math.Pow gives, four times faster.
func specular(x, shininess float32) float32 {
	if shininess != 40 {
		return float32(math.Pow(float64(x), float64(shininess)))
	}
	x2 := x * x
	x4 := x2 * x2
	x8 := x4 * x4
	x16 := x8 * x8
	return x16 * x16 * x8
}
