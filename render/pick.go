package render

import (
	"image"
	"math"
)

// Pick returns the field point drawn at pixel (x, y) of a w×h picture of s, as the renderers
// draw it: the grid indices (i, j) of the nearest field point and its coordinates. In a heatmap
// it is the data point under the pixel in the plot area; on a 3D surface it is the nearest
// visible point of the surface the ray through the pixel meets: every grid cell is projected
// with the scene's camera and the cell under the pixel nearest to the eye wins (the same
// occlusion the depth buffer gives). ok is false off the data, for lines and for text.
func Pick(s *Scene, w, h int, x, y float64) (i, j int, ok bool) {
	if s == nil || s.Field == nil || w <= 0 || h <= 0 {
		return 0, 0, false
	}
	st := resolve(s)
	var m mesh
	switch s.View {
	case ViewHeatmap:
		if err := m.measure(s, &st); err != nil {
			return 0, 0, false
		}
		f := &frame{scene: s, st: st, mesh: &m, w: w, h: h}
		f.lay = layoutFor(f)
		a := placePlot(w, h, f.lay.fontSize, f.lay.top, f.lay.right, [4]float64{m.xmin, m.xmax, m.ymin, m.ymax}, !s.Stretch, s.XLabel, s.YLabel)
		if x < a.x0 || x > a.x1 || y < a.y0 || y > a.y1 {
			return 0, 0, false
		}
		nx, ny := s.Field.Dims()
		i = nearestIndex(nx, a.dataX(x), func(k int) float64 { return fieldX(s.Field, k) })
		j = nearestIndex(ny, a.dataY(y), func(k int) float64 { return fieldY(s.Field, k) })
		return i, j, true
	case ViewSurface:
		if err := m.build(s, &st); err != nil {
			return 0, 0, false
		}
		f := &frame{scene: s, st: st, mesh: &m, w: w, h: h}
		f.lay = layoutFor(f)
		ax, ay := (m.xmax-m.xmin)/2*m.sx, (m.ymax-m.ymin)/2*m.sy
		f.view = s.Camera.viewFor(w, h, fitTo(ax, ay, m.zscale, w, h, s.Camera.FOV, f.lay.region))
		return pickSurface(f, x, y)
	}
	return 0, 0, false
}

// nearestIndex returns the index k < n whose coordinate at(k) is nearest to v.
func nearestIndex(n int, v float64, at func(int) float64) int {
	best, bd := 0, math.Inf(1)
	for k := 0; k < n; k++ {
		if d := math.Abs(at(k) - v); d < bd {
			best, bd = k, d
		}
	}
	return best
}

// pickSurface finds the grid cell under pixel (x, y) nearest to the eye and returns its corner
// nearest to the pixel.
func pickSurface(f *frame, x, y float64) (int, int, bool) {
	s, m := f.scene, f.mesh
	nx, ny := s.Field.Dims()
	type pt struct {
		x, y, depth float64
		ok          bool
	}
	proj := make([]pt, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			z := s.Field.Z(i, j)
			if !finite(z) {
				continue
			}
			c := f.view.mvp.apply(vec3{m.worldX(fieldX(s.Field, i)), m.worldY(fieldY(s.Field, j)), m.worldZ(z)})
			if c[3] <= 0 {
				continue
			}
			proj[j*nx+i] = pt{(c[0]/c[3] + 1) * 0.5 * float64(f.w), (1 - c[1]/c[3]) * 0.5 * float64(f.h), c[2] / c[3], true}
		}
	}
	p := image.Point{-1, -1}
	best := math.Inf(1)
	for j := 0; j+1 < ny; j++ {
		for i := 0; i+1 < nx; i++ {
			c := [4]pt{proj[j*nx+i], proj[j*nx+i+1], proj[(j+1)*nx+i+1], proj[(j+1)*nx+i]}
			if !c[0].ok || !c[1].ok || !c[2].ok || !c[3].ok {
				continue
			}
			for _, tri := range [2][3]int{{0, 1, 2}, {0, 2, 3}} {
				a, b, d := c[tri[0]], c[tri[1]], c[tri[2]]
				u, v, w, in := barycentric(x, y, a.x, a.y, b.x, b.y, d.x, d.y)
				if !in {
					continue
				}
				if depth := u*a.depth + v*b.depth + w*d.depth; depth < best {
					best = depth
					k := tri[0]
					if v > u && v >= w {
						k = tri[1]
					} else if w > u && w > v {
						k = tri[2]
					}
					p = image.Point{i + []int{0, 1, 1, 0}[k], j + []int{0, 0, 1, 1}[k]}
				}
			}
		}
	}
	return p.X, p.Y, p.X >= 0
}

// barycentric returns the barycentric coordinates of (x, y) in the triangle a, b, c and whether
// the point lies inside it.
func barycentric(x, y, ax, ay, bx, by, cx, cy float64) (u, v, w float64, in bool) {
	d := (by-cy)*(ax-cx) + (cx-bx)*(ay-cy)
	if d == 0 {
		return 0, 0, 0, false
	}
	u = ((by-cy)*(x-cx) + (cx-bx)*(y-cy)) / d
	v = ((cy-ay)*(x-cx) + (ax-cx)*(y-cy)) / d
	w = 1 - u - v
	return u, v, w, u >= 0 && v >= 0 && w >= 0
}
