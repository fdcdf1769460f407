// Package screenshot looks at the X screen as a person would, for the tests that open surfscope's
// real window (under Xvfb, natively or through wine): it grabs the screen with ImageMagick's
// import and says whether a surface is drawn.
package screenshot

import (
	"bytes"
	"image"
	"image/png"
	"os/exec"
	"time"
)

// SurfaceDrawn is how many distinct colours SurfaceColours must find to call a surface drawn.
const SurfaceDrawn = 300

// Root grabs the whole screen of $DISPLAY with `import -window root`, returning the picture and
// its PNG bytes.
func Root() (image.Image, []byte, error) {
	out, err := exec.Command("import", "-window", "root", "png:-").Output()
	if err != nil {
		return nil, nil, err
	}
	img, err := png.Decode(bytes.NewReader(out))
	return img, out, err
}

// SurfaceColours counts the distinct colours in the right two thirds of the picture, where the
// app's surface view sits: a lit, colour-mapped surface has hundreds, an empty window a handful.
func SurfaceColours(img image.Image) int {
	b := img.Bounds()
	seen := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X + b.Dx()/3; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	return len(seen)
}

// WaitForSurface grabs the screen once a second until SurfaceColours exceeds SurfaceDrawn or
// timeout passes, and returns the last colour count and screenshot (nil if none could be grabbed).
func WaitForSurface(timeout time.Duration) (colours int, png []byte) {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		img, raw, err := Root()
		if err != nil {
			continue
		}
		png = raw
		if colours = SurfaceColours(img); colours > SurfaceDrawn {
			break
		}
	}
	return colours, png
}
