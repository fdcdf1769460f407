package render

import (
	"image"
	"math"
)

// colorBar is the placed colour bar: a vertical gradient at the right of
// the picture with ticks of the colour range and the metric name above it.
type colorBar struct {
	x0, y0, x1, y1 float64 // the gradient, pixels
	ticks          []float64
	step           float64
	labelW         float64 // widest tick label
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

// draw paints the gradient, its frame, ticks and labels, and the metric
// name above the bar.
func (cb *colorBar) draw(dst *image.RGBA, f *frame, label string) {
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
		drawText(dst, fc, label, float64(b.Min.X)+x, float64(b.Min.Y)+cb.y0-0.8*fs, alignCenter, ink)
	}
}
