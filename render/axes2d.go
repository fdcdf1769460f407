package render

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font"
)

// plotArea is the rectangle of a 2D plot in pixels (relative to the
// picture's top-left) and the data ranges its edges show.
type plotArea struct {
	x0, y0, x1, y1 float64 // pixels; y0 is the top edge
	dx0, dx1       float64 // data x at the left and right edges
	dy0, dy1       float64 // data y at the bottom and top edges
}

func (a *plotArea) px(x float64) float64 { return a.x0 + (x-a.dx0)/(a.dx1-a.dx0)*(a.x1-a.x0) }
func (a *plotArea) py(y float64) float64 { return a.y1 - (y-a.dy0)/(a.dy1-a.dy0)*(a.y1-a.y0) }

// dataX is the data x at pixel column centre px.
func (a *plotArea) dataX(px float64) float64 { return a.dx0 + (px-a.x0)/(a.x1-a.x0)*(a.dx1-a.dx0) }
func (a *plotArea) dataY(py float64) float64 { return a.dy0 + (a.y1-py)/(a.y1-a.y0)*(a.dy1-a.dy0) }

// placePlot lays out a plot in a w x h picture: room for tick labels and
// axis labels at the left and bottom, the title at the top (top pixels) and
// right pixels at the right. With equal set, data units have the same
// length on both axes.
func placePlot(w, h int, fs, top, right float64, r [4]float64, equal bool, xlabel, ylabel string) plotArea {
	fc := face(fs)
	yticks, ystep := niceTicks(r[2], r[3], max(3, int((float64(h)-top-4*fs)/(4*fs))))
	labelW := 0.0
	for _, v := range yticks {
		labelW = math.Max(labelW, textWidth(fc, minusSign(tickLabel(v, ystep))))
	}
	left := 1.2*fs + labelW + 0.9*fs
	if ylabel != "" {
		left += 1.6 * fs
	}
	bottom := 1.2*fs + 2.2*fs
	if xlabel != "" {
		bottom += 1.6 * fs
	}
	a := plotArea{dx0: r[0], dx1: r[1], dy0: r[2], dy1: r[3]}
	a.x0, a.x1 = left, float64(w)-math.Max(right, 1.5*fs)
	a.y0, a.y1 = math.Max(top, 1.2*fs), float64(h)-bottom
	if equal {
		aw, ah := a.x1-a.x0, a.y1-a.y0
		s := math.Min(aw/(r[1]-r[0]), ah/(r[3]-r[2]))
		pw, ph := s*(r[1]-r[0]), s*(r[3]-r[2])
		a.x0 += (aw - pw) / 2
		a.x1 = a.x0 + pw
		a.y0 += (ah - ph) / 2
		a.y1 = a.y0 + ph
	}
	return a
}

// drawAxes draws the plot frame with outward ticks and labels at the left
// and bottom, and the axis labels.
func drawAxes(dst *image.RGBA, a *plotArea, fs float64, ink color.RGBA, xlabel, ylabel string) {
	b := dst.Bounds()
	ox, oy := float64(b.Min.X), float64(b.Min.Y)
	p := newPainter(dst)
	lw := math.Max(1, fs/14)
	p.frame(a.x0, a.y0, a.x1, a.y1, lw, ink)
	fc := face(fs)
	tick := 0.45 * fs
	xt, xs := niceTicks(a.dx0, a.dx1, max(3, int((a.x1-a.x0)/(6*fs))))
	for _, v := range xt {
		x := a.px(v)
		p.line(pt{x, a.y1}, pt{x, a.y1 + tick}, lw, ink)
		drawText(dst, fc, minusSign(tickLabel(v, xs)), ox+x, oy+a.y1+tick+0.4*fs+ascent(fc), alignCenter, ink)
	}
	yt, ys := niceTicks(a.dy0, a.dy1, max(3, int((a.y1-a.y0)/(4*fs))))
	labelW := 0.0
	for _, v := range yt {
		y := a.py(v)
		p.line(pt{a.x0 - tick, y}, pt{a.x0, y}, lw, ink)
		l := minusSign(tickLabel(v, ys))
		labelW = math.Max(labelW, textWidth(fc, l))
		drawText(dst, fc, l, ox+a.x0-tick-0.35*fs, oy+y+ascent(fc)/2, alignRight, ink)
	}
	if xlabel != "" {
		drawText(dst, fc, xlabel, ox+(a.x0+a.x1)/2, oy+a.y1+tick+1.9*fs+ascent(fc), alignCenter, ink)
	}
	if ylabel != "" {
		drawTextUp(dst, fc, ylabel, a.x0-tick-0.6*fs-labelW-0.5*fs, (a.y0+a.y1)/2, ink)
	}
}

// drawTextUp draws s rotated a quarter turn anticlockwise (reading upwards),
// centred vertically on cy, with the baseline at x = bx (pixels relative to
// the picture).
func drawTextUp(dst *image.RGBA, fc font.Face, s string, bx, cy float64, c color.RGBA) {
	s = printable(fc, s)
	w := int(math.Ceil(textWidth(fc, s))) + 2
	m := fc.Metrics()
	asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
	hgt := asc + desc
	mask := image.NewAlpha(image.Rect(0, 0, w, hgt))
	facesMu.Lock()
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: fc}
	d.Dot.X, d.Dot.Y = 64, m.Ascent
	d.DrawString(s)
	facesMu.Unlock()
	b := dst.Bounds()
	// mask (x, y) goes to (bx - asc + y, cy + w/2 - x)
	for y := 0; y < hgt; y++ {
		for x := 0; x < w; x++ {
			a := mask.AlphaAt(x, y).A
			if a == 0 {
				continue
			}
			px := b.Min.X + int(math.Round(bx)) - asc + y
			py := b.Min.Y + int(math.Round(cy)) + w/2 - x
			if !(image.Point{px, py}.In(b)) {
				continue
			}
			blend(dst, px, py, c, a)
		}
	}
}

// blend draws c over pixel (x, y) with coverage a.
func blend(dst *image.RGBA, x, y int, c color.RGBA, a uint8) {
	i := dst.PixOffset(x, y)
	p := dst.Pix[i : i+4 : i+4]
	k := uint32(a)
	p[0] = uint8((uint32(c.R)*k + uint32(p[0])*(255-k) + 127) / 255)
	p[1] = uint8((uint32(c.G)*k + uint32(p[1])*(255-k) + 127) / 255)
	p[2] = uint8((uint32(c.B)*k + uint32(p[2])*(255-k) + 127) / 255)
	p[3] = uint8(k + uint32(p[3])*(255-k)/255)
}
