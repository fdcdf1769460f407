package render

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"
)

// colorBar is the placed colour bar: a vertical gradient at the right of
// the picture with ticks of the colour range and the metric name above it.
type colorBar struct {
	x0, y0, x1, y1 float64 // the gradient, pixels
	ticks          []float64
	step           float64
	labelW         float64 // widest tick label
	// extendLo and extendHi say that colour values fall below or above the
	// range; the bar then ends in a triangle of the end colour on that side
	// (as matplotlib's extend), tri pixels tall.
	extendLo, extendHi bool
	tri                float64

	// categorical scenes: the classes present, listed as swatches
	classes []int
	names   []string
}

// maxListedClasses bounds the swatches of a categorical colour bar.
const maxListedClasses = 24

// classList returns the distinct classes (finite colour values rounded)
// of a field, sorted, at most maxListedClasses of them.
func classList(f Field) []int {
	nx, ny := f.Dims()
	seen := map[int]bool{}
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if v := f.Z(i, j); finite(v) && len(seen) <= maxListedClasses {
				seen[int(math.Round(v))] = true
			}
		}
	}
	var ks []int
	for k := range seen {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks[:min(len(ks), maxListedClasses)]
}

// placeClassBar lays out class swatches at the right of the picture.
func placeClassBar(classes []int, legend []string, w, h int, fs, top float64) (colorBar, float64) {
	cb := colorBar{classes: classes}
	fc := face(fs)
	for _, k := range classes {
		name := strconv.Itoa(k)
		if k >= 0 && k < len(legend) {
			name = legend[k]
		}
		cb.names = append(cb.names, name)
		cb.labelW = math.Max(cb.labelW, textWidth(fc, name))
	}
	margin := 1.2 * fs
	sw := 1.1 * fs
	cb.x1 = float64(w) - margin - cb.labelW - 0.6*fs
	cb.x0 = cb.x1 - sw
	rows := float64(len(classes)) * 1.5 * fs
	cb.y0 = math.Max(top+fs, (float64(h)-rows)/2)
	cb.y1 = cb.y0 + rows
	return cb, margin + cb.labelW + 0.6*fs + sw + margin
}

// drawClasses paints the swatches and class names.
func (cb *colorBar) drawClasses(dst *image.RGBA, f *frame) {
	fs := f.lay.fontSize
	fc := face(fs)
	p := newPainter(dst)
	pal := paletteTable(f.scene.Palette)
	b := dst.Bounds()
	rowH := (cb.y1 - cb.y0) / float64(max(len(cb.classes), 1))
	for n, k := range cb.classes {
		y := cb.y0 + float64(n)*rowH
		c := pal[classIndex(float32(k))]
		p.rect(cb.x0, y+0.2*fs, cb.x1, y+rowH-0.2*fs, color.RGBA{to8(c[0]), to8(c[1]), to8(c[2]), 255})
		p.frame(cb.x0, y+0.2*fs, cb.x1, y+rowH-0.2*fs, 1, f.ink())
		drawText(dst, fc, cb.names[n], float64(b.Min.X)+cb.x1+0.5*fs, float64(b.Min.Y)+y+rowH/2+ascent(fc)/2, alignLeft, f.ink())
	}
}

// placeColorBar reserves room at the right of a w x h picture and returns
// the bar and the width it takes.
func placeColorBar(lo, hi float64, w, h int, fs float64, top, bottom float64) (colorBar, float64) {
	var cb colorBar
	cb.ticks, cb.step = niceTicks(lo, hi, 6)
	fc := face(fs)
	for _, v := range cb.ticks {
		cb.labelW = math.Max(cb.labelW, textWidth(fc, tickLabel(v, cb.step)))
	}
	margin := 1.2 * fs
	barW := math.Max(10, 1.1*fs)
	taken := margin + cb.labelW + 0.5*fs + 0.4*fs + barW + margin
	cb.x1 = float64(w) - margin - cb.labelW - 0.9*fs
	cb.x0 = cb.x1 - barW
	cb.y0 = top + 2*fs
	cb.y1 = bottom - fs
	if cb.y1-cb.y0 > 0.7*float64(h) { // not taller than it needs to be
		mid := (cb.y0 + cb.y1) / 2
		cb.y0, cb.y1 = mid-0.35*float64(h), mid+0.35*float64(h)
	}
	return cb, taken
}

// fit places the gradient between y0 and y1, leaving room there for the
// triangles of the extended ends.
func (cb *colorBar) fit(y0, y1, fs float64) {
	cb.tri = 1.2 * (cb.x1 - cb.x0)
	cb.y0, cb.y1 = y0, y1
	if cb.extendHi {
		cb.y0 += cb.tri
	}
	if cb.extendLo {
		cb.y1 -= cb.tri
	}
	if cb.y1-cb.y0 < 2*fs { // too short for triangles: leave them out
		cb.y0, cb.y1, cb.extendLo, cb.extendHi = y0, y1, false, false
	}
}

// drawExtensions paints the triangles of the extended ends in the end
// colours, framed.
func (cb *colorBar) drawExtensions(p *painter, f *frame, lw float64) {
	mid := (cb.x0 + cb.x1) / 2
	for _, e := range []struct {
		on   bool
		base float64
		dir  float64
		c    color.RGBA
	}{{cb.extendHi, math.Round(cb.y0), -1, f.st.cmap.At(1)}, {cb.extendLo, math.Round(cb.y1), 1, f.st.cmap.At(0)}} {
		if !e.on {
			continue
		}
		tip := pt{mid, e.base + e.dir*cb.tri}
		var tri shape
		tri.poly(pt{math.Round(cb.x0), e.base}, pt{math.Round(cb.x1), e.base}, tip)
		p.fill(&tri, e.c)
		var edge shape
		edge.polyline([]pt{{math.Round(cb.x0), e.base}, tip, {math.Round(cb.x1), e.base}}, lw)
		p.fill(&edge, f.ink())
	}
}

// draw paints the gradient, its frame, ticks and labels, the triangles of
// extended ends and the metric name above the bar.
func (cb *colorBar) draw(dst *image.RGBA, f *frame, label string) {
	if cb.classes != nil {
		cb.drawClasses(dst, f)
		return
	}
	m := f.mesh
	lo, hi := m.cmin, m.cmax
	b := dst.Bounds()
	ink := f.ink()
	fs := f.lay.fontSize
	// gradient: top is the high end
	for y := int(math.Round(cb.y0)); y < int(math.Round(cb.y1)); y++ {
		t := 1 - (float64(y)+0.5-cb.y0)/(cb.y1-cb.y0)
		c := f.st.cmap.At(t)
		for x := int(math.Round(cb.x0)); x < int(math.Round(cb.x1)); x++ {
			dst.SetRGBA(b.Min.X+x, b.Min.Y+y, c)
		}
	}
	p := newPainter(dst)
	lw := math.Max(1, fs/14)
	p.frame(math.Round(cb.x0), math.Round(cb.y0), math.Round(cb.x1), math.Round(cb.y1), lw, ink)
	cb.drawExtensions(p, f, lw)
	fc := face(fs)
	for _, v := range cb.ticks {
		if !(hi > lo) {
			break
		}
		y := cb.y1 - (v-lo)/(hi-lo)*(cb.y1-cb.y0)
		if y < cb.y0-0.5 || y > cb.y1+0.5 {
			continue
		}
		p.line(pt{cb.x1, y}, pt{cb.x1 + 0.4*fs, y}, lw, ink)
		drawText(dst, fc, minusSign(tickLabel(v, cb.step)), float64(b.Min.X)+cb.x1+0.6*fs, float64(b.Min.Y)+y+ascent(fc)/2, alignLeft, ink)
	}
	if label != "" {
		x := (cb.x0 + cb.x1) / 2
		w := textWidth(fc, label)
		x = math.Min(x, float64(f.w)-0.5*fs-w/2)
		top := cb.y0
		if cb.extendHi {
			top -= cb.tri
		}
		drawText(dst, fc, label, float64(b.Min.X)+x, float64(b.Min.Y)+top-0.8*fs, alignCenter, ink)
	}
}
