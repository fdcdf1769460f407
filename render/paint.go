package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// painter draws antialiased 2D shapes (lines, polygons, discs) over an
// image with golang.org/x/image/vector, rasterising each shape only over
// its own bounding box. Coordinates are pixels relative to origin, the
// picture's top-left corner; drawing is clipped to dst's bounds, so dst may
// be a sub-image of the picture.
type painter struct {
	dst    *image.RGBA
	origin image.Point
	z      vector.Rasterizer
}

func newPainter(dst *image.RGBA) *painter { return &painter{dst: dst, origin: dst.Bounds().Min} }

// pt is a point in pixels.
type pt struct{ x, y float64 }

// shape collects closed polygons to fill together (their union, when they
// wind the same way).
type shape struct {
	polys [][]pt
}

func (s *shape) poly(p ...pt) { s.polys = append(s.polys, p) }

// segment adds a line from a to b, w pixels wide, as a rectangle wound
// like disc.
func (s *shape) segment(a, b pt, w float64) {
	dx, dy := b.x-a.x, b.y-a.y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	s.poly(pt{a.x + nx, a.y + ny}, pt{b.x + nx, b.y + ny}, pt{b.x - nx, b.y - ny}, pt{a.x - nx, a.y - ny})
}

// disc adds a circle of radius r as a polygon.
func (s *shape) disc(c pt, r float64) {
	n := max(8, min(64, int(r*4)))
	p := make([]pt, n)
	for k := range p {
		a := -2 * math.Pi * float64(k) / float64(n)
		p[k] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	s.poly(p...)
}

// polyline adds a path w pixels wide with round joins; NaN points break it.
func (s *shape) polyline(p []pt, w float64) {
	for k := 0; k+1 < len(p); k++ {
		if isNaNPt(p[k]) || isNaNPt(p[k+1]) {
			continue
		}
		s.segment(p[k], p[k+1], w)
		if k > 0 && !isNaNPt(p[k-1]) {
			s.disc(p[k], w/2)
		}
	}
}

func isNaNPt(p pt) bool { return math.IsNaN(p.x) || math.IsNaN(p.y) }

// fill draws the shape in colour c (alpha blended).
func (p *painter) fill(s *shape, c color.Color) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, poly := range s.polys {
		for _, q := range poly {
			x0, y0 = math.Min(x0, q.x), math.Min(y0, q.y)
			x1, y1 = math.Max(x1, q.x), math.Max(y1, q.y)
		}
	}
	if !(x1 >= x0) || math.IsInf(x0, 0) || math.IsInf(x1, 0) || math.IsInf(y0, 0) || math.IsInf(y1, 0) {
		return
	}
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).
		Add(p.origin).Intersect(p.dst.Bounds())
	if r.Empty() {
		return
	}
	ox, oy := float64(r.Min.X-p.origin.X), float64(r.Min.Y-p.origin.Y)
	p.z.Reset(r.Dx(), r.Dy())
	for _, poly := range s.polys {
		if len(poly) < 3 {
			continue
		}
		p.z.MoveTo(float32(poly[0].x-ox), float32(poly[0].y-oy))
		for _, q := range poly[1:] {
			p.z.LineTo(float32(q.x-ox), float32(q.y-oy))
		}
		p.z.ClosePath()
	}
	p.z.DrawOp = draw.Over
	p.z.Draw(p.dst, r, image.NewUniform(c), image.Point{})
}

// line draws a straight line.
func (p *painter) line(a, b pt, w float64, c color.Color) {
	var s shape
	s.segment(a, b, w)
	p.fill(&s, c)
}

// rect fills an axis-aligned rectangle.
func (p *painter) rect(x0, y0, x1, y1 float64, c color.Color) {
	var s shape
	s.poly(pt{x0, y0}, pt{x1, y0}, pt{x1, y1}, pt{x0, y1})
	p.fill(&s, c)
}

// frame outlines an axis-aligned rectangle with lines w wide, centred on
// its edges.
func (p *painter) frame(x0, y0, x1, y1, w float64, c color.Color) {
	var s shape
	h := w / 2
	s.poly(pt{x0 - h, y0 - h}, pt{x1 + h, y0 - h}, pt{x1 + h, y0 + h}, pt{x0 - h, y0 + h})
	s.poly(pt{x0 - h, y1 - h}, pt{x1 + h, y1 - h}, pt{x1 + h, y1 + h}, pt{x0 - h, y1 + h})
	s.poly(pt{x0 - h, y0 + h}, pt{x0 + h, y0 + h}, pt{x0 + h, y1 - h}, pt{x0 - h, y1 - h})
	s.poly(pt{x1 - h, y0 + h}, pt{x1 + h, y0 + h}, pt{x1 + h, y1 - h}, pt{x1 - h, y1 - h})
	p.fill(&s, c)
}
