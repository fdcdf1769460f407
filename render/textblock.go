package render

import (
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
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

// WrapLines breaks lines so that each fits a text block width pixels wide at size pixels (the
// margins DrawTextBlock leaves included): at the last "; " that fits, else at the last space, else
// (one word wider than the block) not at all. A caption's clauses stay whole where they can.
func WrapLines(lines []string, size float64, width int) []string {
	f := face(size)
	room := float64(width) - size // DrawTextBlock's margins: 0.5·size on each side
	var out []string
	for _, line := range lines {
		for textWidth(f, line) > room {
			cut := lastBreak(f, line, room)
			if cut <= 0 {
				break
			}
			out = append(out, line[:cut])
			line = line[cut:]
			for len(line) > 0 && line[0] == ' ' {
				line = line[1:]
			}
		}
		out = append(out, line)
	}
	return out
}

// lastBreak is the byte offset at which line is best broken so that line[:offset] is at most room
// pixels wide: after the last fitting "; " (keeping the semicolon), else at the last fitting space;
// 0 when neither fits.
func lastBreak(f font.Face, line string, room float64) int {
	space := 0
	for i := 0; i < len(line); i++ {
		if line[i] != ' ' {
			continue
		}
		if textWidth(f, line[:i]) > room {
			break
		}
		space = i
	}
	if space == 0 {
		return 0
	}
	if semi := strings.LastIndex(line[:space+1], "; "); semi > 0 {
		return semi + 1
	}
	return space
}
