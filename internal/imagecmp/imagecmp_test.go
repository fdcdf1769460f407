package imagecmp

import (
	"image"
	"image/color"
	"testing"
)

func uniform(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// Hand-worked differences: one pixel of 100 off by (30, 0, 3) gives a mean of 33/300 = 0.11 and
// 1% of pixels off by more than 24; alpha and the pictures' origins do not count.
func TestDiffKnownAnswers(t *testing.T) {
	a := uniform(10, 10, color.RGBA{100, 100, 100, 255})
	b := uniform(10, 10, color.RGBA{100, 100, 100, 0})
	b.SetRGBA(4, 7, color.RGBA{130, 100, 97, 0})
	mean, frac := Diff(a, b, 24)
	if mean != 33.0/300 || frac != 0.01 {
		t.Errorf("Diff = %v, %v; want %v, 0.01", mean, frac, 33.0/300)
	}
	if _, frac := Diff(a, b, 30); frac != 0 {
		t.Errorf("a pixel off by exactly 30 counted as off by more than 30")
	}
	shifted := b.SubImage(image.Rect(0, 0, 10, 10)).(*image.RGBA)
	moved := image.NewRGBA(image.Rect(5, 5, 15, 15))
	copy(moved.Pix, shifted.Pix)
	if m, f := Diff(a, moved, 24); m != mean || f != frac {
		t.Errorf("origin changed the difference: %v, %v", m, f)
	}
}

func TestGoldenCheck(t *testing.T) {
	a := uniform(100, 100, color.RGBA{50, 60, 70, 255})
	b := uniform(100, 100, color.RGBA{50, 60, 70, 255})
	b.SetRGBA(0, 0, color.RGBA{250, 60, 70, 255}) // 0.01% of pixels, mean 200/30000
	if err := Golden.Check(a, b); err != nil {
		t.Errorf("one changed pixel in 10,000: %v", err)
	}
	for i := 0; i < 30; i++ { // 0.31% of pixels off: over MaxFrac
		b.SetRGBA(i, 1, color.RGBA{250, 60, 70, 255})
	}
	if err := Golden.Check(a, b); err == nil {
		t.Error("31 changed pixels in 10,000 passed")
	}
	if err := Golden.Check(a, uniform(100, 99, color.RGBA{})); err == nil {
		t.Error("different sizes passed")
	}
}
