package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ImageMagick, an independent ICO reader, gets back every entry's pixels, the right way up.
func TestICOReadByImageMagick(t *testing.T) {
	if _, err := exec.LookPath("convert"); err != nil {
		t.Skip("ImageMagick's convert is not installed (scripts/system-packages.sh install test)")
	}
	var imgs []*image.RGBA
	for _, n := range []int{3, 33, 256} { // 33: a mask row longer than one 32-bit word; 256 is written as 0
		img := image.NewRGBA(image.Rect(0, 0, n, n))
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / n), uint8(y * 255 / n), uint8(n), 255})
			}
		}
		imgs = append(imgs, img)
	}
	dir := t.TempDir()
	ico := filepath.Join(dir, "t.ico")
	if err := writeICO(ico, imgs); err != nil {
		t.Fatal(err)
	}
	for i, want := range imgs {
		out := filepath.Join(dir, fmt.Sprintf("%d.png", i))
		if b, err := exec.Command("convert", fmt.Sprintf("%s[%d]", ico, i), out).CombinedOutput(); err != nil {
			t.Fatalf("convert: %v\n%s", err, b)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("entry %d is %v, want %v", i, got.Bounds(), want.Bounds())
		}
		for y := 0; y < want.Bounds().Dy(); y++ {
			for x := 0; x < want.Bounds().Dx(); x++ {
				r, g, b, a := got.At(x, y).RGBA()
				if c := want.RGBAAt(x, y); uint8(r>>8) != c.R || uint8(g>>8) != c.G || uint8(b>>8) != c.B || uint8(a>>8) != c.A {
					t.Fatalf("entry %d pixel (%d,%d) = %d,%d,%d,%d, want %v", i, x, y, r>>8, g>>8, b>>8, a>>8, c)
				}
			}
		}
	}
	if err := writeICO(ico, []*image.RGBA{image.NewRGBA(image.Rect(0, 0, 4, 5))}); err == nil {
		t.Error("a 4x5 picture was accepted")
	}
}
