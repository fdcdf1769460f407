package render

import (
	"image"
	"math"
	"strings"
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

// Dashes along a path of length 10 (two segments), 2 on and 1 off: [0,2], [3,5], [6,8], [9,10].
func TestDashes(t *testing.T) {
	d := dashes([]pt{{0, 0}, {4, 0}, {10, 0}}, 2, 1)
	want := [][2]float64{{0, 2}, {3, 5}, {6, 8}, {9, 10}}
	if len(d) != len(want) {
		t.Fatalf("dashes %v", d)
	}
	for k, w := range want {
		if first, last := d[k][0].x, d[k][len(d[k])-1].x; math.Abs(first-w[0]) > 1e-9 || math.Abs(last-w[1]) > 1e-9 {
			t.Errorf("dash %d from %g to %g, want %v", k, first, last, w)
		}
	}
	if d := dashes([]pt{{0, 0}, {1e6, 0}}, 0.3, 0.2); len(d) != 2000000 {
		t.Errorf("%d dashes over 10⁶ pixels, want 2·10⁶", len(d))
	}
}

// ViewText sets its text without a field: every line leaves ink, and a long line is made to fit.
func TestTextView(t *testing.T) {
	s := &Scene{View: ViewText, Title: "statistics", Text: "logit 7   mean 1.25\nmargin    mean 3.5\n" + strings.Repeat("x", 60)}
	img := renderCPU(t, s, 320, 200)
	inked := 0
	for y := 0; y < 200; y++ {
		for x := 306; x < 320; x++ { // the right margin stays blank: the long line was shrunk
			if c := img.RGBAAt(x, y); c.R < 128 {
				t.Fatalf("ink in the right margin at (%d, %d)", x, y)
			}
		}
		for x := 0; x < 300; x++ {
			if c := img.RGBAAt(x, y); c.R < 128 {
				inked++
			}
		}
	}
	if inked < 300 {
		t.Errorf("%d inked pixels", inked)
	}
}

// Characters the Go fonts lack are drawn as stand-ins, never as boxes.
func TestPrintable(t *testing.T) {
	fc := face(14)
	if got := printable(fc, "Help ▸ Metrics, α ∈ [0, 1]"); got != "Help › Metrics, α in [0, 1]" {
		t.Errorf("%q", got)
	}
	if got := printable(fc, "logit 7 − 2"); got != "logit 7 − 2" {
		t.Errorf("%q changed", got)
	}
}
