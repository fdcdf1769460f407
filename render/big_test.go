package render

import (
	"image"
	"strings"
	"testing"
)

// Pictures of any size: a large screenshot works on the CPU, and GL
// either draws it or says it is too large.
func TestLargeScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("large picture")
	}
	s := &Scene{Field: waves(64), Contours: 8}
	img := image.NewRGBA(image.Rect(0, 0, 1500, 1000))
	if err := NewCPU().Render(img, s); err != nil {
		t.Fatal(err)
	}
	small := renderCPU(t, s, 300, 200)
	// Downscaled, the large picture matches the small one.
	down := image.NewRGBA(small.Bounds())
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			var sum [3]int
			for dy := 0; dy < 5; dy++ {
				for dx := 0; dx < 5; dx++ {
					c := img.RGBAAt(5*x+dx, 5*y+dy)
					sum[0], sum[1], sum[2] = sum[0]+int(c.R), sum[1]+int(c.G), sum[2]+int(c.B)
				}
			}
			down.Pix[down.PixOffset(x, y)] = uint8(sum[0] / 25)
			down.Pix[down.PixOffset(x, y)+1] = uint8(sum[1] / 25)
			down.Pix[down.PixOffset(x, y)+2] = uint8(sum[2] / 25)
			down.Pix[down.PixOffset(x, y)+3] = 255
		}
	}
	if mean, _ := imageDiff(down, small, 24); mean > 3 {
		t.Errorf("1500x1000 picture downscaled differs from the 300x200 one: mean %.2f", mean)
	}
	if rs := backends(t); len(rs) > 1 {
		g := rs[1]
		huge := image.NewRGBA(image.Rect(0, 0, 40000, 1))
		if err := g.Render(huge, &Scene{Field: waves(8), Samples: 1}); err == nil || !strings.Contains(err.Error(), "GL_MAX_RENDERBUFFER_SIZE") {
			t.Errorf("40000-pixel-wide GL frame: %v", err)
		}
		if err := g.Render(img, s); err != nil {
			t.Errorf("GL 1500x1000: %v", err)
		}
	}
}
