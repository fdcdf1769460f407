package render

import (
	"image"
	"math"
	"testing"
)

// heatmapOf renders s as a heatmap with the CPU renderer and returns the
// picture and its plot area.
func heatmapOf(t *testing.T, s *Scene, w, h int) (*image.RGBA, *plotArea) {
	t.Helper()
	s.View = ViewHeatmap
	r := NewCPU().(*renderer)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if err := r.Render(img, s); err != nil {
		t.Fatal(err)
	}
	f, err := r.prepare(img.Bounds(), s)
	if err != nil {
		t.Fatal(err)
	}
	a := placePlot(f.w, f.h, f.lay.fontSize, f.lay.top, f.lay.right, [4]float64{f.mesh.xmin, f.mesh.xmax, f.mesh.ymin, f.mesh.ymax}, !s.Stretch, s.XLabel, s.YLabel)
	return img, &a
}

// A linear field z = x + 2y shows the colormap at the value under each
// pixel: x to the right, y up.
func TestHeatmapLinearField(t *testing.T) {
	g := &funcField{nx: 11, ny: 21, x0: 0, x1: 1, y0: 0, y1: 1, f: func(x, y float64) float64 { return x + 2*y }}
	img, a := heatmapOf(t, &Scene{Field: g, Title: "x + 2y", XLabel: "x", YLabel: "y"}, 300, 260)
	for _, p := range [][2]float64{{0.1, 0.1}, {0.9, 0.2}, {0.5, 0.5}, {0.2, 0.95}, {0.97, 0.97}} {
		px, py := a.px(p[0]), a.py(p[1])
		x, y := int(px), int(py)
		// value at the pixel centre
		v := a.dataX(float64(x)+0.5) + 2*a.dataY(float64(y)+0.5)
		want := Viridis.At(v / 3)
		if d := colorDist(img.RGBAAt(x, y), want); d > 2 {
			t.Errorf("at (%g, %g): %v, want %v", p[0], p[1], img.RGBAAt(x, y), want)
		}
	}
	// Equal aspect: the unit square is square on screen.
	if w, h := a.x1-a.x0, a.y1-a.y0; math.Abs(w-h) > 1 {
		t.Errorf("plot is %g x %g, want square", w, h)
	}
}

// Descending coordinates give the same picture as ascending ones with the
// values reversed.
func TestHeatmapDescendingCoordinates(t *testing.T) {
	const n = 9
	up := &Grid{NX: n, NY: n, Values: make([]float64, n*n), Xs: make([]float64, n), Ys: make([]float64, n)}
	down := &Grid{NX: n, NY: n, Values: make([]float64, n*n), Xs: make([]float64, n), Ys: make([]float64, n)}
	for k := 0; k < n; k++ {
		up.Xs[k], up.Ys[k] = float64(k), float64(k)*0.5
		down.Xs[k], down.Ys[k] = float64(n-1-k), float64(n-1-k)*0.5
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			v := math.Sin(float64(i)) + float64(j*j)
			up.Values[j*n+i] = v
			down.Values[(n-1-j)*n+(n-1-i)] = v
		}
	}
	a, _ := heatmapOf(t, &Scene{Field: up, Contours: 4}, 200, 160)
	b, _ := heatmapOf(t, &Scene{Field: down, Contours: 4}, 200, 160)
	if mean, frac := imageDiff(a, b, 8); mean > 0.01 || frac > 0 {
		t.Errorf("pictures differ: mean %g, %g%% of pixels", mean, 100*frac)
	}
	bad := &Grid{NX: 3, NY: 2, Values: make([]float64, 6), Xs: []float64{0, 2, 1}}
	if err := NewCPU().Render(image.NewRGBA(image.Rect(0, 0, 50, 50)), &Scene{Field: bad, View: ViewHeatmap}); err == nil {
		t.Error("non-monotonic x: no error")
	}
}

func TestAxisLookup(t *testing.T) {
	a, err := newAxisLookup(4, func(k int) float64 { return []float64{3, 2, 0.5, 0}[k] }, "x")
	if err != nil {
		t.Fatal(err)
	}
	k, f, ok := a.locate(1.25) // from 0.5 (index 2) half way towards 2 (index 1)
	if !ok || k != 2 || math.Abs(f-0.5) > 1e-12 || a.step() != -1 {
		t.Errorf("locate(1.25) = %d, %g, %v", k, f, ok)
	}
	if _, _, ok := a.locate(3.5); ok {
		t.Error("locate outside the range reported ok")
	}
}

// Colour comes from the second field when given, mapped through the
// explicit range [Min, Max] with clamping; heights only shape contours.
func TestHeatmapColorFieldAndRange(t *testing.T) {
	h := paraboloid(21)
	c := &funcField{nx: 21, ny: 21, x0: -1, x1: 1, y0: -1, y1: 1, f: func(x, y float64) float64 { return 10 * x }}
	img, a := heatmapOf(t, &Scene{Field: h, Color: c, Min: -5, Max: 5, Colormap: Cividis}, 300, 300)
	for _, x := range []float64{-0.9, -0.3, 0, 0.2, 0.45, 0.8} {
		px := int(a.px(x))
		py := int(a.py(0.3))
		v := 10 * a.dataX(float64(px)+0.5)
		want := Cividis.At((v + 5) / 10) // clamps outside [-5, 5]
		if got := img.RGBAAt(px, py); colorDist(got, want) > 2 {
			t.Errorf("x = %g: %v, want %v", x, got, want)
		}
	}
}
