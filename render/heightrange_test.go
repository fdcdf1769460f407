package render

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// TestHeightRange checks Scene.ZMin/ZMax: the field's own range given explicitly draws the same
// picture as the default, a wider range draws another (the surface flatter in the box), heights
// outside the range are drawn at its ends, and an empty or infinite range is an error.
func TestHeightRange(t *testing.T) {
	r := NewCPU()
	defer r.Close()
	draw := func(s Scene) *image.RGBA {
		t.Helper()
		img := image.NewRGBA(image.Rect(0, 0, 160, 120))
		if err := r.Render(img, &s); err != nil {
			t.Fatal(err)
		}
		return img
	}
	base := Scene{Field: paraboloid(17), Samples: 1, Axes: true}
	own := base
	own.ZMin, own.ZMax = 0, 2 // x² + y² on [−1,1]²
	if d := meanAbsDiff(draw(base), draw(own)); d != 0 {
		t.Errorf("the field's own range drawn explicitly differs from the default by %g per channel", d)
	}
	wide := base
	wide.ZMin, wide.ZMax = 0, 8
	if d := meanAbsDiff(draw(base), draw(wide)); d < 0.5 {
		t.Errorf("a range four times wider changed the picture by only %g per channel", d)
	}
	m := mesh{}
	st := resolve(&own)
	clamped := own
	clamped.ZMin, clamped.ZMax = 0.5, 1
	if err := m.measure(&clamped, &st); err != nil {
		t.Fatal(err)
	}
	if lo, hi := m.worldZ(0), m.worldZ(2); lo != m.worldZ(0.5) || hi != m.worldZ(1) || !(lo < hi) {
		t.Errorf("heights outside [0.5, 1] drawn at %g and %g, want the ends %g and %g", lo, hi, m.worldZ(0.5), m.worldZ(1))
	}
	for _, bad := range [][2]float64{{1, 1}, {2, 1}, {0, math.Inf(1)}} {
		s := base
		s.ZMin, s.ZMax = bad[0], bad[1]
		img := image.NewRGBA(image.Rect(0, 0, 32, 32))
		if err := r.Render(img, &s); err == nil {
			t.Errorf("height range %v: no error", bad)
		}
	}
}

// meanAbsDiff is the mean absolute difference of two pictures' channels.
func meanAbsDiff(a, b *image.RGBA) float64 {
	var sum float64
	for i := range a.Pix {
		sum += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
	}
	return sum / float64(len(a.Pix))
}

// TestDrawTextBlock checks that a caption inks its rectangle only, dark on light.
func TestDrawTextBlock(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 200, 100))
	rect := image.Rect(10, 50, 190, 90)
	DrawTextBlock(img, rect, []string{"median 1.25 [1.1, 1.4]", "degree 5"}, 0, nil)
	inked, outside := 0, 0
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			c := img.RGBAAt(x, y)
			in := image.Pt(x, y).In(rect)
			switch {
			case in && c.R < 128:
				inked++
			case !in && c != (color.RGBA{}):
				outside++
			}
		}
	}
	if inked < 50 || outside > 0 {
		t.Errorf("caption: %d dark pixels inside the rectangle (want text), %d pixels changed outside", inked, outside)
	}
}
