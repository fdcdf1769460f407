package render

import (
	"math"
	"testing"
)

func TestSpecularPower(t *testing.T) {
	for _, x := range []float32{0, 0.3, 0.9, 0.99, 1} {
		want := float32(math.Pow(float64(x), 40))
		if got := specular(x, 40); math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("specular(%g, 40) = %g, want %g", x, got, want)
		}
	}
}

// lineAlpha covers a line of the given half width around integer values of
// s: full at the line, fading over one pixel, none beyond.
func TestLineAlpha(t *testing.T) {
	g := [2]float32{0.1, 0} // s grows 0.1 per pixel
	cases := []struct{ s, want float32 }{
		{3, 1},      // on the line
		{3.01, 1},   // 0.1 px away: fully covered
		{3.05, 0.6}, // 0.5 px away: 0.6 + 0.5 − 0.5
		{3.11, 0},   // 1.1 px away: beyond 0.6 + 0.5
		{2.92, 0.3}, // 0.8 px away: 0.6 + 0.5 − 0.8
	}
	for _, c := range cases {
		if got := lineAlpha(c.s, g, 0.6); math.Abs(float64(got-c.want)) > 1e-4 {
			t.Errorf("lineAlpha(%g) = %g, want %g", c.s, got, c.want)
		}
	}
	if got := lineAlpha(3, [2]float32{}, 0.6); got != 0 {
		t.Errorf("flat region: %g, want 0", got)
	}
}
