package render

import (
	"image/color"
	"math"
	"testing"
)

// Classes 0 (x < 0.5) and 1 on an 11-point grid over [0,1]: each point's
// cell takes its class colour, and the boundary sits half way between the
// points 0.4 and 0.5.
func TestCategoricalHeatmap(t *testing.T) {
	g := &funcField{nx: 11, ny: 6, x0: 0, x1: 1, y0: 0, y1: 0.5, f: func(x, y float64) float64 {
		if x < 0.45 {
			return 0
		}
		return 1
	}}
	pal := []color.Color{color.RGBA{200, 30, 30, 255}, color.RGBA{30, 30, 200, 255}}
	img, a := heatmapOf(t, &Scene{Field: g, Categorical: true, Palette: pal}, 400, 300)
	y := int(a.py(0.25))
	for _, c := range []struct {
		x    float64
		want color.RGBA
	}{{0.1, pal[0].(color.RGBA)}, {0.42, pal[0].(color.RGBA)}, {0.48, pal[1].(color.RGBA)}, {0.9, pal[1].(color.RGBA)}} {
		if got := img.RGBAAt(int(a.px(c.x)), y); colorDist(got, c.want) > 2 {
			t.Errorf("x = %g: %v, want %v", c.x, got, c.want)
		}
	}
	if got := img.RGBAAt(int(math.Floor(a.px(0.45))), y); int(got.R)+int(got.G)+int(got.B) > 150 {
		t.Errorf("boundary at x = 0.45 is %v, want dark", got)
	}
}

// The class bar lists the classes present, named by Legend.
func TestClassList(t *testing.T) {
	g := &Grid{NX: 3, NY: 2, Values: []float64{2, 0.9, math.NaN(), 2.2, -1, 7}}
	if got := classList(g); len(got) != 4 || got[0] != -1 || got[1] != 1 || got[2] != 2 || got[3] != 7 {
		t.Errorf("classList = %v, want [-1 1 2 7]", got)
	}
	cb, _ := placeClassBar([]int{0, 1, 5}, []string{"cat", "dog"}, 400, 300, 12, 0)
	if cb.names[0] != "cat" || cb.names[1] != "dog" || cb.names[2] != "5" {
		t.Errorf("class names %v", cb.names)
	}
	if classIndex(-1) != 255 || classIndex(257) != 1 {
		t.Errorf("classIndex(-1) = %d, classIndex(257) = %d", classIndex(-1), classIndex(257))
	}
}
