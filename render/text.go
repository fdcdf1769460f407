package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Text is set in Go Regular (golang.org/x/image/font/gofont), embedded in
// the binary, so pictures look the same on every machine.
var (
	fontOnce  sync.Once
	fontData  *opentype.Font
	facesMu   sync.Mutex
	faceCache = map[int]font.Face{}
)

// face returns Go Regular at size pixels (rounded), cached.
func face(size float64) font.Face {
	fontOnce.Do(func() {
		f, err := opentype.Parse(goregular.TTF)
		if err != nil {
			panic("render: embedded Go font: " + err.Error())
		}
		fontData = f
	})
	px := max(int(math.Round(size)), 6)
	facesMu.Lock()
	defer facesMu.Unlock()
	if f, ok := faceCache[px]; ok {
		return f
	}
	f, err := opentype.NewFace(fontData, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("render: font face: " + err.Error())
	}
	faceCache[px] = f
	return f
}

// textWidth is the advance of s in pixels.
func textWidth(f font.Face, s string) float64 {
	s = printable(f, s)
	facesMu.Lock()
	defer facesMu.Unlock()
	return float64(font.MeasureString(f, s)) / 64
}

// stand-ins for characters the Go fonts lack.
var standIns = map[rune]string{'▸': "›", '∈': "in", '∑': "Σ", '≈': "~", '✓': "yes", '✗': "no"}

// printable returns s with the characters face f has no glyph for replaced by stand-ins (or "?"),
// so that no box stands in a label.
func printable(f font.Face, s string) string {
	facesMu.Lock()
	defer facesMu.Unlock()
	missing := false
	for _, r := range s {
		if _, ok := f.GlyphAdvance(r); !ok && r >= ' ' {
			missing = true
			break
		}
	}
	if !missing {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if _, ok := f.GlyphAdvance(r); ok || r < ' ' {
			b.WriteRune(r)
			continue
		}
		alt, ok := standIns[r]
		if !ok {
			alt = "?"
		}
		for _, a := range alt { // a stand-in the font lacks as well becomes "?"
			if _, ok := f.GlyphAdvance(a); ok {
				b.WriteRune(a)
			} else {
				b.WriteRune('?')
			}
		}
	}
	return b.String()
}

// align says where a text's anchor point is.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// drawText draws s with its baseline at y, anchored at x as a says.
// font.Face is not safe for concurrent use, hence the lock.
func drawText(dst draw.Image, f font.Face, s string, x, y float64, a align, c color.Color) {
	s = printable(f, s)
	switch a {
	case alignCenter:
		x -= textWidth(f, s) / 2
	case alignRight:
		x -= textWidth(f, s)
	}
	facesMu.Lock()
	defer facesMu.Unlock()
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: f, Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
	d.DrawString(s)
}

// ascent is the height of capitals above the baseline, in pixels.
func ascent(f font.Face) float64 { return float64(f.Metrics().CapHeight) / 64 }
