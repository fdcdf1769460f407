package render

import (
	"image"
	"math"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/opentype"
)

var (
	monoOnce  sync.Once
	monoData  *opentype.Font
	monoCache = map[int]font.Face{}
)

// monoFace returns Go Mono at size pixels (rounded), cached; tables of
// numbers line up in it.
func monoFace(size float64) font.Face {
	monoOnce.Do(func() {
		f, err := opentype.Parse(gomono.TTF)
		if err != nil {
			panic("render: embedded Go Mono font: " + err.Error())
		}
		monoData = f
	})
	px := max(int(math.Round(size)), 6)
	facesMu.Lock()
	defer facesMu.Unlock()
	if f, ok := monoCache[px]; ok {
		return f
	}
	f, err := opentype.NewFace(monoData, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic("render: font face: " + err.Error())
	}
	monoCache[px] = f
	return f
}

// drawTextView sets Scene.Text line by line in Go Mono under the title, at
// the body size or smaller, so that the longest line and every line fit.
func drawTextView(dst *image.RGBA, f *frame) {
	fill(dst, f.st.bg)
	lines := strings.Split(strings.TrimRight(f.scene.Text, "\n"), "\n")
	fs := f.lay.fontSize
	margin := 1.5 * fs
	top := math.Max(f.lay.top, margin)
	longest := ""
	for _, l := range lines {
		if len([]rune(l)) > len([]rune(longest)) {
			longest = l
		}
	}
	// Lines are 1.3 em apart; hinting rounds advances, so the width is measured.
	size := math.Round(math.Min(fs, (float64(f.h)-top-margin)/(1.3*float64(len(lines)))))
	for size > 6 && textWidth(monoFace(size), longest) > float64(f.w)-2*margin {
		size--
	}
	size = math.Max(size, 6)
	fc := monoFace(size)
	b := dst.Bounds()
	for k, l := range lines {
		y := top + (float64(k)+1)*1.3*size
		drawText(dst, fc, l, float64(b.Min.X)+margin, float64(b.Min.Y)+y, alignLeft, f.ink())
	}
}
