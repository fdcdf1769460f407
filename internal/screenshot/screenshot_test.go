package screenshot

import (
	"image"
	"image/color"
	"testing"
)

// The left third does not count; every other pixel of the rest is looked at.
func TestSurfaceColours(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 30, 10))
	for y := 0; y < 10; y++ {
		for x := 0; x < 30; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	// x in 10, 12, …, 28 (10 values) and y in 0, 2, …, 8 (5 values).
	if got := SurfaceColours(img); got != 50 {
		t.Errorf("SurfaceColours = %d, want 50", got)
	}
}
