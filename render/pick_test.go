package render

import (
	"image"
	"math"
	"testing"
)

// indexGrid returns an nx×ny grid over [0, 3]×[0, 2] whose value is its column index (byRow:
// its row index).
func indexGrid(nx, ny int, byRow bool) *Grid {
	g := &Grid{NX: nx, NY: ny, Values: make([]float64, nx*ny), Xs: make([]float64, nx), Ys: make([]float64, ny)}
	for i := range g.Xs {
		g.Xs[i] = 3 * float64(i) / float64(nx-1)
	}
	for j := range g.Ys {
		g.Ys[j] = 2 * float64(j) / float64(ny-1)
	}
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			v := i
			if byRow {
				v = j
			}
			g.Values[j*nx+i] = float64(v)
		}
	}
	return g
}

// In a heatmap, the point Pick names is the one drawn under the pixel: with the grid's column
// (row) index drawn in grey, every picked pixel's grey is that index within half a cell.
func TestPickHeatmap(t *testing.T) {
	const nx, ny, w, h = 9, 7, 360, 240
	picked := 0
	for _, byRow := range []bool{false, true} {
		g := indexGrid(nx, ny, byRow)
		top := float64(nx - 1)
		if byRow {
			top = float64(ny - 1)
		}
		s := &Scene{Field: g, View: ViewHeatmap, Colormap: Gray, Min: 0, Max: top, Axes: true, ColorBar: true, Samples: 1}
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		if err := NewCPU().Render(img, s); err != nil {
			t.Fatal(err)
		}
		for y := 0; y < h; y += 5 {
			for x := 0; x < w; x += 5 {
				i, j, ok := Pick(s, w, h, float64(x)+0.5, float64(y)+0.5)
				if !ok {
					continue
				}
				picked++
				want := float64(i)
				if byRow {
					want = float64(j)
				}
				c := img.RGBAAt(x, y)
				if c.R != c.G || c.G != c.B { // a contour, a marker or the frame: not the field's grey
					continue
				}
				if got := float64(c.R) / 255 * top; math.Abs(got-want) > 0.5+top/255+1e-9 {
					t.Fatalf("pixel (%d, %d) shows %.2f, Pick says index %v", x, y, got, want)
				}
			}
		}
	}
	if picked < 1000 {
		t.Errorf("only %d pixels picked: the plot area was not found", picked)
	}
	if _, _, ok := Pick(&Scene{Field: indexGrid(3, 3, false), View: ViewHeatmap}, 300, 200, 1, 1); ok {
		t.Error("the picture's corner is off the data, yet picked")
	}
}

// On a surface, the pixel a grid point is drawn at picks that grid point back (a bowl seen from
// above shows every point), and a pixel beside the surface picks nothing.
func TestPickSurface(t *testing.T) {
	const n, w, h = 11, 400, 300
	g := &Grid{NX: n, NY: n, Values: make([]float64, n*n), Xs: make([]float64, n), Ys: make([]float64, n)}
	for k := 0; k < n; k++ {
		g.Xs[k], g.Ys[k] = float64(k)-5, float64(k)-5
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			g.Values[j*n+i] = 0.05 * (g.Xs[i]*g.Xs[i] + g.Ys[j]*g.Ys[j])
		}
	}
	s := &Scene{Field: g, View: ViewSurface}
	s.Camera.Orbit(0, 0.4) // from higher up than the default
	st := resolve(s)
	var m mesh
	if err := m.build(s, &st); err != nil {
		t.Fatal(err)
	}
	f := &frame{scene: s, st: st, mesh: &m, w: w, h: h}
	f.lay = layoutFor(f)
	ax, ay := (m.xmax-m.xmin)/2*m.sx, (m.ymax-m.ymin)/2*m.sy
	f.view = s.Camera.viewFor(w, h, fitTo(ax, ay, m.zscale, w, h, s.Camera.FOV, f.lay.region))
	for j := 1; j < n-1; j++ {
		for i := 1; i < n-1; i++ {
			x, y, ok := f.projectField(g.Xs[i], g.Ys[j], g.Values[j*n+i])
			if !ok {
				t.Fatalf("point (%d, %d) is behind the eye", i, j)
			}
			if pi, pj, ok := Pick(s, w, h, x, y); !ok || pi != i || pj != j {
				t.Errorf("point (%d, %d) drawn at (%.1f, %.1f) picks (%d, %d, %v)", i, j, x, y, pi, pj, ok)
			}
		}
	}
	if _, _, ok := Pick(s, w, h, 2, 2); ok {
		t.Error("the picture's corner picks a point")
	}
}
