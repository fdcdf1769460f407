package render

import (
	"image"
	"image/color"
	"image/draw"
)

// DrawTextBlock fills rect of dst with background and writes lines into it from the top left, in
// the font of the pictures' labels at size pixels (0: a size that fits every line into the
// rectangle's height, at most 18), dark on a light background and light on a dark one. Lines that
// do not fit are left out; a line wider than the rectangle is cut at its edge. It composes
// captions under pictures (comparison panels).
func DrawTextBlock(dst draw.Image, rect image.Rectangle, lines []string, size float64, background color.Color) {
	if background == nil {
		background = color.White
	}
	draw.Draw(dst, rect, image.NewUniform(background), image.Point{}, draw.Src)
	if len(lines) == 0 || rect.Dy() < 8 {
		return
	}
	if size <= 0 {
		size = min(18, float64(rect.Dy())/(1.35*float64(len(lines))+0.5))
	}
	f := face(size)
	r, g, b, _ := background.RGBA()
	ink := color.Color(color.RGBA{25, 25, 25, 255})
	if 0.2126*float64(r>>8)+0.7152*float64(g>>8)+0.0722*float64(b>>8) < 128 {
		ink = color.RGBA{235, 235, 235, 255}
	}
	clip, ok := dst.(interface {
		SubImage(image.Rectangle) image.Image
	})
	target := dst
	if ok {
		if d, ok := clip.SubImage(rect).(draw.Image); ok {
			target = d
		}
	}
	lead := 1.35 * size
	x := float64(rect.Min.X) + 0.5*size
	for k, line := range lines {
		y := float64(rect.Min.Y) + 0.4*size + float64(k)*lead + ascent(f)
		if y > float64(rect.Max.Y) {
			return
		}
		drawText(target, f, line, x, y, alignLeft, ink)
	}
}
