package render

import (
	"image"
	"math"
	"testing"
)

// A straight line y = 2x − 1 is drawn through the pixels where it should
// be, in the first palette colour; the NaN stretch leaves a gap.
func TestLinesKnownCurve(t *testing.T) {
	g := &funcField{nx: 101, ny: 1, x0: 0, x1: 1, y0: 0, y1: 0, f: func(x, y float64) float64 {
		if x > 0.6 && x < 0.7 {
			return math.NaN()
		}
		return 2*x - 1
	}}
	s := &Scene{Field: g, View: ViewLines, Min: -1, Max: 1, Legend: []string{"line"}, XLabel: "x"}
	r := NewCPU().(*renderer)
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	if err := r.Render(img, s); err != nil {
		t.Fatal(err)
	}
	f, _ := r.prepare(img.Bounds(), s)
	if err := drawLines(image.NewRGBA(img.Bounds()), f); err != nil {
		t.Fatal(err)
	}
	a := f.plot
	for _, x := range []float64{0.1, 0.35, 0.5, 0.9} {
		px, py := a.px(x), a.py(2*x-1)
		if c := img.RGBAAt(int(px), int(py)); colorDist(c, Tab10[0]) > 40 {
			t.Errorf("x = %g: pixel %v, want the curve colour %v", x, c, Tab10[0])
		}
	}
	if c := img.RGBAAt(int(a.px(0.65)), int(a.py(0.3))); colorDist(c, Tab10[0]) < 100 {
		t.Errorf("the NaN gap is drawn: %v", c)
	}
	if a.dy0 != -1 || a.dy1 != 1 {
		t.Errorf("value axis [%g, %g], want the explicit [-1, 1]", a.dy0, a.dy1)
	}
}

func TestLinesErrors(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 50, 50))
	r := NewCPU()
	one := &Grid{NX: 1, NY: 1, Values: []float64{1}}
	if err := r.Render(img, &Scene{Field: one, View: ViewLines}); err == nil {
		t.Error("one point: no error")
	}
	g := &Grid{NX: 3, NY: 1, Values: []float64{1, 2, 3}}
	if err := r.Render(img, &Scene{Field: g, View: ViewLines, Min: 3, Max: 1}); err == nil {
		t.Error("inverted range: no error")
	}
	if err := r.Render(img, &Scene{Field: g, View: ViewLines}); err != nil {
		t.Errorf("single curve: %v", err)
	}
	nan := &Grid{NX: 3, NY: 2, Values: []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}}
	if err := r.Render(img, &Scene{Field: nan, View: ViewLines}); err != nil {
		t.Errorf("all NaN: %v", err)
	}
}
