package render

import (
	"cmp"
	"image"
	"image/color"
	"math"
	"slices"

	xdraw "golang.org/x/image/draw"

	"github.com/surfscope/surfscope/render/internal/place"
)

// Marker is an annotated point of the field's plane, e.g. one of the three
// images that span a data plane, at its (x, y) coordinates.
type Marker struct {
	X, Y  float64
	Label string      // drawn next to the marker; may be empty
	Image image.Image // optional thumbnail drawn near the marker
	Color color.Color // fill of the dot; nil means white
}

// markerGeometry maps field coordinates to pixels for the current view and
// gives the path of an edge between two markers.
type markerGeometry struct {
	at   func(x, y float64) (pt, bool)
	edge func(a, b Marker) []pt
}

// surfaceMarkers projects markers onto the 3D surface: each sits at the
// interpolated height of the field under it, edges follow the surface.
func surfaceMarkers(f *frame) (markerGeometry, error) {
	s, m := f.scene, f.mesh
	xl, err := newAxisLookup(m.nx, func(i int) float64 { return fieldX(s.Field, i) }, "x")
	if err != nil {
		return markerGeometry{}, err
	}
	yl, err := newAxisLookup(m.ny, func(j int) float64 { return fieldY(s.Field, j) }, "y")
	if err != nil {
		return markerGeometry{}, err
	}
	lift := 0.01 * m.zscale
	height := func(x, y float64) float64 {
		i, ti, okx := xl.locate(x)
		j, tj, oky := yl.locate(y)
		if !okx || !oky {
			return math.NaN()
		}
		return bilinear(s.Field, i, xl.step(), ti, j, yl.step(), tj)
	}
	at := func(x, y float64) (pt, bool) {
		z := height(x, y)
		wz := -m.zscale // off the field or in a gap: on the floor
		if finite(z) {
			wz = m.worldZ(z) + lift
		}
		px, py, ok := f.project(vec3{m.worldX(x), m.worldY(y), wz})
		return pt{px, py}, ok
	}
	edge := func(a, b Marker) []pt {
		const n = 96
		p := make([]pt, 0, n+1)
		for k := 0; k <= n; k++ {
			t := float64(k) / n
			x, y := a.X+t*(b.X-a.X), a.Y+t*(b.Y-a.Y)
			z := height(x, y)
			if !finite(z) {
				p = append(p, pt{math.NaN(), math.NaN()})
				continue
			}
			px, py, ok := f.project(vec3{m.worldX(x), m.worldY(y), m.worldZ(z) + lift})
			if !ok {
				px, py = math.NaN(), math.NaN()
			}
			p = append(p, pt{px, py})
		}
		return p
	}
	return markerGeometry{at: at, edge: edge}, nil
}

// planeMarkers places markers on a 2D plot.
func planeMarkers(a *plotArea) markerGeometry {
	at := func(x, y float64) (pt, bool) { return pt{a.px(x), a.py(y)}, true }
	return markerGeometry{at: at, edge: func(m, n Marker) []pt {
		return []pt{{a.px(m.X), a.py(m.Y)}, {a.px(n.X), a.py(n.Y)}}
	}}
}

// markerInk returns the colours of markers, edges and label boxes.
func markerInk(f *frame) (dark color.RGBA, halo color.Color) {
	if f.st.dark {
		return color.RGBA{240, 240, 240, 255}, color.NRGBA{0, 0, 0, 190}
	}
	return color.RGBA{20, 20, 20, 255}, color.NRGBA{255, 255, 255, 210}
}

// drawMarkers draws the edges (when asked), the dots, and the labels of
// markers without a thumbnail beside them; thumbnails and their labels go in
// the strip above the plot (drawThumbnailStrip).
func drawMarkers(dst *image.RGBA, f *frame, g markerGeometry) {
	ms := f.scene.Markers
	if len(ms) == 0 {
		return
	}
	fs := f.lay.fontSize
	p := newPainter(dst)
	dark, halo := markerInk(f)
	if f.scene.MarkerEdges && len(ms) > 1 {
		var under, over shape
		for k := range ms {
			if len(ms) == 2 && k == 1 {
				break
			}
			path := g.edge(ms[k], ms[(k+1)%len(ms)])
			under.polyline(path, 0.36*fs)
			over.polyline(path, 0.16*fs)
		}
		p.fill(&under, halo)
		p.fill(&over, dark)
	}
	pos := make([]pt, len(ms))
	ok := make([]bool, len(ms))
	var cx, cy float64
	var n int
	for k, m := range ms {
		pos[k], ok[k] = g.at(m.X, m.Y)
		if ok[k] {
			cx, cy, n = cx+pos[k].x, cy+pos[k].y, n+1
		}
	}
	if n == 0 {
		return
	}
	cx, cy = cx/float64(n), cy/float64(n)
	drawThumbnailStrip(dst, f, pos, ok)
	for k, m := range ms {
		if !ok[k] {
			continue
		}
		c := pos[k]
		var dot shape
		dot.disc(c, 0.55*fs)
		p.fill(&dot, dark)
		fillc := color.Color(color.White)
		if m.Color != nil {
			fillc = m.Color
		}
		dot = shape{}
		dot.disc(c, 0.38*fs)
		p.fill(&dot, fillc)
		if m.Image != nil && f.lay.thumb > 0 || m.Label == "" { // in the strip, or nothing to say
			continue
		}
		dx, dy := c.x-cx, c.y-cy // away from the markers' centroid
		if l := math.Hypot(dx, dy); l > 1e-6 {
			dx, dy = dx/l, dy/l
		} else {
			dx, dy = 0.6, -0.8
		}
		a, x := alignLeft, c.x+0.9*fs
		if dx < -0.3 {
			a, x = alignRight, c.x-0.9*fs
		}
		labelBox(dst, p, m.Label, pt{x, c.y + ascent(face(fs))/2 + dy*0.8*fs}, a, dark, halo, fs)
	}
}

// drawThumbnailStrip draws the markers' thumbnails side by side in the strip
// above the plot, each as near above its marker (at pos, where ok) as the
// others leave room for, with its label under it and a leader line down to
// the marker.
func drawThumbnailStrip(dst *image.RGBA, f *frame, pos []pt, ok []bool) {
	size := f.lay.thumb
	if size <= 0 {
		return
	}
	fs := f.lay.fontSize
	ms := f.scene.Markers
	var order []int
	for k, m := range ms {
		if ok[k] && m.Image != nil {
			order = append(order, k)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pos[a].x, pos[b].x) })
	fc := face(fs)
	widths := make([]float64, len(order)) // each slot: the thumbnail or its label, whichever is wider
	for n, k := range order {
		widths[n] = math.Max(size, textWidth(fc, ms[k].Label)+0.6*fs) + 0.8*fs
	}
	xs := make([]float64, len(order))
	for n, k := range order {
		xs[n] = pos[k].x
	}
	place.Spread(xs, widths, 0.5*fs, float64(f.w)-0.5*fs-f.lay.right)
	p := newPainter(dst)
	dark, halo := markerInk(f)
	leader := color.NRGBA{dark.R, dark.G, dark.B, 150}
	y0 := f.lay.strip[0]
	for n, k := range order {
		tc := pt{xs[n], y0 + size/2}
		r := drawThumbnail(dst, ms[k].Image, tc, size, dark)
		foot := pt{tc.x, f.lay.strip[1]}
		var line shape // dashed, so that it does not read as a contour line
		w := math.Max(1, 0.09*fs)
		strokeCurve(&line, []pt{foot, pos[k]}, w, true)
		p.fill(&line, leader)
		if ms[k].Label != "" {
			labelBox(dst, p, ms[k].Label, pt{tc.x, r.y1 + 0.25*fs + ascent(fc) + 0.25*fs}, alignCenter, dark, halo, fs)
		}
	}
}

// labelBox draws text on a translucent box so it reads over any colour.
func labelBox(dst *image.RGBA, p *painter, s string, at pt, a align, ink color.RGBA, box color.Color, fs float64) {
	fc := face(fs)
	w := textWidth(fc, s)
	x0 := at.x
	switch a {
	case alignCenter:
		x0 -= w / 2
	case alignRight:
		x0 -= w
	}
	asc := ascent(fc)
	p.rect(x0-0.25*fs, at.y-asc-0.25*fs, x0+w+0.25*fs, at.y+0.35*fs, box)
	b := dst.Bounds()
	drawText(dst, fc, s, float64(b.Min.X)+at.x, float64(b.Min.Y)+at.y, a, ink)
}

// rectF is a rectangle in pixels.
type rectF struct{ x0, y0, x1, y1 float64 }

// drawThumbnail draws img scaled to fit a size x size box centred at c,
// with a frame; upscaling keeps pixels crisp (MNIST digits stay digits).
func drawThumbnail(dst *image.RGBA, img image.Image, c pt, size float64, ink color.RGBA) rectF {
	sb := img.Bounds()
	if sb.Empty() {
		return rectF{c.x, c.y, c.x, c.y}
	}
	s := size / math.Max(float64(sb.Dx()), float64(sb.Dy()))
	w, h := float64(sb.Dx())*s, float64(sb.Dy())*s
	r := rectF{c.x - w/2, c.y - h/2, c.x + w/2, c.y + h/2}
	b := dst.Bounds()
	dr := image.Rect(int(math.Round(r.x0)), int(math.Round(r.y0)), int(math.Round(r.x1)), int(math.Round(r.y1))).Add(b.Min)
	var scaler xdraw.Interpolator = xdraw.BiLinear
	if s >= 2 {
		scaler = xdraw.NearestNeighbor
	}
	scaler.Scale(dst, dr, img, sb, xdraw.Over, nil)
	p := newPainter(dst)
	p.frame(float64(dr.Min.X-b.Min.X), float64(dr.Min.Y-b.Min.Y), float64(dr.Max.X-b.Min.X), float64(dr.Max.Y-b.Min.Y), 1, ink)
	return r
}
