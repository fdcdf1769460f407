// Package screenshot looks at the X screen as a person would, for the tests that open surfscope's
// real window (under Xvfb, natively or through wine): it grabs the screen with ImageMagick's
// import and says whether a surface is drawn.
package screenshot

import (
	"bytes"
	"image"
	"image/png"
	"os/exec"
)

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
