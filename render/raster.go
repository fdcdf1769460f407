package render

import (
	"context"
	"math"

	"github.com/surfscope/surfscope/internal/parallel"
)

// The CPU backend is a deferred rasteriser: a visibility pass stores, per
// pixel, the nearest triangle and its screen-space barycentrics (z-buffer
// test as glDepthFunc(GL_LESS)); a shading pass then shades each covered
// pixel once with perspective-correct attributes (shader.shade). Pixel
// centres, the near plane and the clip-to-window mapping follow OpenGL so
// the two backends produce the same picture.

// svert is a vertex in window coordinates: x right, y down, z in NDC.
type svert struct{ x, y, z, invw float32 }

// raster is the CPU backend's per-frame state, reused between frames.
type raster struct {
	w, h int

	// vertices: the mesh's, then those made by near-plane clipping
	verts []float32 // attributes, vertexFloats each
	scr   []svert
	clip  [][4]float64 // clip coordinates of the mesh's vertices
	tris  []int32      // three vertex indices per triangle
	bands [][]int32

	depth []float32
	tri   []int32
	bar   [][2]float32 // barycentrics of the triangle's 2nd and 3rd vertex
}

const rowsPerBand = 16

// setup transforms and clips the mesh for a w x h target.
func (r *raster) setup(m *mesh, mvp mat4, w, h int) {
	r.w, r.h = w, h
	nv := len(m.verts) / vertexFloats
	r.verts = append(r.verts[:0], m.verts...)
	if cap(r.scr) < nv {
		r.scr = make([]svert, nv)
	}
	r.scr = r.scr[:nv]
	if cap(r.clip) < nv {
		r.clip = make([][4]float64, nv)
	}
	clip := r.clip[:nv]
	fw, fh := float64(w), float64(h)
	for k := 0; k < nv; k++ {
		v := m.verts[k*vertexFloats:]
		c := mvp.apply(vec3{float64(v[0]), float64(v[1]), float64(v[2])})
		clip[k] = c
		r.scr[k] = toWindow(c, fw, fh)
	}
	r.tris = r.tris[:0]
	for t := 0; t+2 < len(m.idx); t += 3 {
		a, b, c := m.idx[t], m.idx[t+1], m.idx[t+2]
		da, db, dc := clip[a][2]+clip[a][3], clip[b][2]+clip[b][3], clip[c][2]+clip[c][3]
		if da >= 0 && db >= 0 && dc >= 0 {
			r.tris = append(r.tris, int32(a), int32(b), int32(c))
			continue
		}
		if da < 0 && db < 0 && dc < 0 {
			continue
		}
		r.clipNear([3]int32{int32(a), int32(b), int32(c)}, [3][4]float64{clip[a], clip[b], clip[c]}, fw, fh)
	}

	nb := (h + rowsPerBand - 1) / rowsPerBand
	if cap(r.bands) < nb {
		r.bands = make([][]int32, nb)
	}
	r.bands = r.bands[:nb]
	for i := range r.bands {
		r.bands[i] = r.bands[i][:0]
	}
	for t := 0; t < len(r.tris); t += 3 {
		y0, y1 := r.scr[r.tris[t]].y, r.scr[r.tris[t]].y
		for _, k := range r.tris[t+1 : t+3] {
			y0, y1 = min(y0, r.scr[k].y), max(y1, r.scr[k].y)
		}
		if y1 < 0 || y0 > float32(h) || y0 != y0 || y1 != y1 {
			continue
		}
		b0 := max(int(y0-0.5)/rowsPerBand, 0)
		b1 := min(int(y1+0.5)/rowsPerBand, nb-1)
		for b := b0; b <= b1; b++ {
			r.bands[b] = append(r.bands[b], int32(t))
		}
	}
}

func toWindow(c [4]float64, w, h float64) svert {
	iw := 1 / c[3]
	return svert{
		x:    float32((c[0]*iw + 1) * 0.5 * w),
		y:    float32((1 - c[1]*iw) * 0.5 * h),
		z:    float32(c[2] * iw),
		invw: float32(iw),
	}
}

// clipNear clips a triangle against the near plane z = −w
// (Sutherland–Hodgman) and adds the fan of what is left.
func (r *raster) clipNear(idx [3]int32, c [3][4]float64, w, h float64) {
	type pv struct {
		k    int32
		clip [4]float64
	}
	var out []pv
	for i := 0; i < 3; i++ {
		j := (i + 1) % 3
		di, dj := c[i][2]+c[i][3], c[j][2]+c[j][3]
		if di >= 0 {
			out = append(out, pv{idx[i], c[i]})
		}
		if (di >= 0) != (dj >= 0) {
			t := di / (di - dj)
			var cc [4]float64
			for q := range cc {
				cc[q] = c[i][q] + t*(c[j][q]-c[i][q])
			}
			k := int32(len(r.verts) / vertexFloats)
			a := r.verts[int(idx[i])*vertexFloats : int(idx[i]+1)*vertexFloats]
			b := r.verts[int(idx[j])*vertexFloats : int(idx[j]+1)*vertexFloats]
			var nv [vertexFloats]float32
			for q := range nv {
				nv[q] = a[q] + float32(t)*(b[q]-a[q])
			}
			r.verts = append(r.verts, nv[:]...)
			r.scr = append(r.scr, toWindow(cc, w, h))
			out = append(out, pv{k, cc})
		}
	}
	for i := 1; i+1 < len(out); i++ {
		r.tris = append(r.tris, out[0].k, out[i].k, out[i+1].k)
	}
}

// visibility runs the z-buffer pass over all bands in parallel.
func (r *raster) visibility() {
	n := r.w * r.h
	if cap(r.depth) < n {
		r.depth = make([]float32, n)
		r.tri = make([]int32, n)
		r.bar = make([][2]float32, n)
	}
	r.depth, r.tri, r.bar = r.depth[:n], r.tri[:n], r.bar[:n]
	forEach(len(r.bands), func(b int) {
		y0 := b * rowsPerBand
		y1 := min(y0+rowsPerBand, r.h)
		for i := y0 * r.w; i < y1*r.w; i++ {
			r.depth[i] = float32(math.Inf(1))
			r.tri[i] = -1
		}
		for _, t := range r.bands[b] {
			r.rasterize(t, y0, y1)
		}
	})
}

// rasterize scans triangle t within rows [y0, y1).
func (r *raster) rasterize(t int32, y0, y1 int) {
	v0, v1, v2 := r.scr[r.tris[t]], r.scr[r.tris[t+1]], r.scr[r.tris[t+2]]
	area := float64(v1.x-v0.x)*float64(v2.y-v0.y) - float64(v2.x-v0.x)*float64(v1.y-v0.y)
	if !(area != 0) || math.IsInf(area, 0) {
		return
	}
	minx := max(int(math.Floor(float64(min(v0.x, v1.x, v2.x))-0.5)), 0)
	maxx := min(int(math.Ceil(float64(max(v0.x, v1.x, v2.x))-0.5)), r.w-1)
	miny := max(int(math.Floor(float64(min(v0.y, v1.y, v2.y))-0.5)), y0)
	maxy := min(int(math.Ceil(float64(max(v0.y, v1.y, v2.y))-0.5)), y1-1)
	if minx > maxx || miny > maxy {
		return
	}
	inv := 1 / area
	// Edge functions, normalised so they are the barycentrics directly.
	x0, y0f, x1, y1f, x2, y2f := float64(v0.x), float64(v0.y), float64(v1.x), float64(v1.y), float64(v2.x), float64(v2.y)
	a0, b0 := -(y2f-y1f)*inv, (x2-x1)*inv
	a1, b1 := -(y0f-y2f)*inv, (x0-x2)*inv
	a2, b2 := -(y1f-y0f)*inv, (x1-x0)*inv
	c0 := -(a0*x1 + b0*y1f)
	c1 := -(a1*x2 + b1*y2f)
	c2 := -(a2*x0 + b2*y0f)
	z0, z1, z2 := float64(v0.z), float64(v1.z), float64(v2.z)
	const eps = -1e-9
	for y := miny; y <= maxy; y++ {
		py := float64(y) + 0.5
		px := float64(minx) + 0.5
		w0 := a0*px + b0*py + c0
		w1 := a1*px + b1*py + c1
		w2 := a2*px + b2*py + c2
		row := y * r.w
		for x := minx; x <= maxx; x++ {
			if w0 >= eps && w1 >= eps && w2 >= eps {
				z := float32(w0*z0 + w1*z1 + w2*z2)
				i := row + x
				if z < r.depth[i] && z >= -1 && z <= 1 {
					r.depth[i] = z
					r.tri[i] = t
					r.bar[i] = [2]float32{float32(w1), float32(w2)}
				}
			}
			w0 += a0
			w1 += a1
			w2 += a2
		}
	}
}

// forEach runs f(0..n-1) on GOMAXPROCS goroutines, each taking the next index as it becomes free,
// and waits.
func forEach(n int, f func(i int)) {
	parallel.Chunks(context.Background(), n, 1, 0, func(_, i, _ int) { f(i) })
}
