// Package imagecmp compares two pictures of the same scene within a tolerance: the golden-image
// tests of render, and the packaging tests that hold the Windows build's pictures against the
// Linux build's, use it, so that both mean the same thing by "the same picture".
package imagecmp

import (
	"fmt"
	"image"
)

// Tolerance bounds how far two pictures may differ: the mean absolute difference per colour
// channel (0-255) at most MaxMean, and at most MaxFrac of the pixels with a channel off by more
// than Big. Alpha is not compared.
type Tolerance struct {
	MaxMean float64
	MaxFrac float64
	Big     int
}

// Golden is the tolerance of render's golden-image tests: antialiasing and rounding move edge
// pixels a little, a changed picture moves many.
var Golden = Tolerance{MaxMean: 0.5, MaxFrac: 0.002, Big: 24}

// Diff returns the mean absolute difference per colour channel (0-255) of two pictures of the same
// size and the fraction of pixels where some channel differs by more than big.
func Diff(a, b image.Image, big int) (mean, frac float64) {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Size() != bb.Size() {
		panic(fmt.Sprintf("imagecmp: comparing a %v picture with a %v one", ab.Size(), bb.Size()))
	}
	var sum float64
	var nbig int
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			worst := 0
			for _, d := range [3]int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				d = max(d, -d)
				sum += float64(d)
				worst = max(worst, d)
			}
			if worst > big {
				nbig++
			}
		}
	}
	n := float64(ab.Dx() * ab.Dy())
	return sum / (3 * n), float64(nbig) / n
}

// Check returns nil when got and want are the same size and within t, else an error saying by how
// much they differ.
func (t Tolerance) Check(got, want image.Image) error {
	if got.Bounds().Size() != want.Bounds().Size() {
		return fmt.Errorf("size %v, want %v", got.Bounds().Size(), want.Bounds().Size())
	}
	mean, frac := Diff(got, want, t.Big)
	if mean > t.MaxMean || frac > t.MaxFrac {
		return fmt.Errorf("mean difference %.3f (max %.3f), %.3f%% of pixels off by > %d (max %.3f%%)",
			mean, t.MaxMean, 100*frac, t.Big, 100*t.MaxFrac)
	}
	return nil
}
