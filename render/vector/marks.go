package vector

import (
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surfscope/surfscope/render/internal/place"
)

// markers draws the scene's marker edges, dots and labels over the data canvas dc of pl, and the
// thumbnails of markers with images side by side in the strip above the plot, each joined to its
// marker by a dashed leader line (as the raster views do).
func (p *panel) markers(pl *plot.Plot, dc draw.Canvas) {
	ms := p.s.Markers
	if len(ms) == 0 {
		return
	}
	fs := p.fs
	tx, ty := pl.Transforms(&dc)
	pos := make([]vg.Point, len(ms))
	for k, m := range ms {
		pos[k] = vg.Point{X: tx(m.X), Y: ty(m.Y)}
	}
	dark, halo := color.Color(color.RGBA{20, 20, 20, 255}), color.Color(color.NRGBA{255, 255, 255, 210})
	if p.dark {
		dark, halo = color.RGBA{240, 240, 240, 255}, color.NRGBA{0, 0, 0, 190}
	}
	if p.s.MarkerEdges && len(ms) > 1 {
		path := append([]vg.Point(nil), pos...)
		if len(ms) > 2 {
			path = append(path, pos[0])
		}
		p.c.StrokeLines(draw.LineStyle{Color: halo, Width: 0.36 * fs}, path)
		p.c.StrokeLines(draw.LineStyle{Color: dark, Width: 0.16 * fs}, path)
	}
	p.thumbnails(pos, dark, halo)
	for k, m := range ms {
		p.c.SetColor(dark)
		p.c.Fill(circle(pos[k], 0.55*fs))
		var fill color.Color = color.White
		if m.Color != nil {
			fill = m.Color
		}
		p.c.SetColor(fill)
		p.c.Fill(circle(pos[k], 0.38*fs))
		if m.Image == nil && m.Label != "" {
			p.labelBox(vg.Point{X: pos[k].X + 0.9*fs, Y: pos[k].Y}, m.Label, draw.XLeft, dark, halo)
		}
	}
}

// circle is a closed circular path.
func circle(c vg.Point, r vg.Length) vg.Path {
	var path vg.Path
	path.Move(vg.Point{X: c.X + r, Y: c.Y})
	path.Arc(c, r, 0, 2*math.Pi)
	path.Close()
	return path
}

// thumbnails draws the thumbnails in the strip above the plot, ordered and spaced along x as near
// above their markers as the others leave room for, their labels under them, dashed leader lines
// down to the markers at pos.
func (p *panel) thumbnails(pos []vg.Point, dark, halo color.Color) {
	if p.thumb <= 0 {
		return
	}
	fs, ms := p.fs, p.s.Markers
	st := p.style(fs, dark, draw.XCenter, draw.YCenter)
	var order []int
	for k, m := range ms {
		if m.Image != nil {
			order = append(order, k)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return pos[order[a]].X < pos[order[b]].X })
	xs := make([]float64, len(order))
	widths := make([]float64, len(order))
	for n, k := range order {
		xs[n] = float64(pos[k].X)
		widths[n] = float64(max(p.thumb, st.Width(ms[k].Label)+0.6*fs) + 0.8*fs)
	}
	place.Spread(xs, widths, float64(p.c.Min.X+0.5*fs), float64(p.c.Max.X-0.5*fs))
	leader := draw.LineStyle{Color: withAlpha(dark, 150), Width: max(vg.Points(0.6), 0.09*fs)}
	leader.Dashes = []vg.Length{3 * leader.Width, 2 * leader.Width}
	for n, k := range order {
		x := vg.Length(xs[n])
		b := ms[k].Image.Bounds()
		scale := p.thumb / vg.Length(max(b.Dx(), b.Dy()))
		w, h := vg.Length(b.Dx())*scale, vg.Length(b.Dy())*scale
		top := p.strip[0]
		rect := vg.Rectangle{Min: vg.Point{X: x - w/2, Y: top - h}, Max: vg.Point{X: x + w/2, Y: top}}
		p.c.DrawImage(rect, ms[k].Image)
		p.c.StrokeLines(draw.LineStyle{Color: dark, Width: vg.Points(0.5)}, []vg.Point{rect.Min, {X: rect.Max.X, Y: rect.Min.Y}, rect.Max, {X: rect.Min.X, Y: rect.Max.Y}, rect.Min})
		p.c.StrokeLines(leader, []vg.Point{{X: x, Y: p.strip[1]}, pos[k]})
		if l := ms[k].Label; l != "" {
			p.labelBox(vg.Point{X: x, Y: top - h - 0.9*fs}, l, draw.XCenter, dark, halo)
		}
	}
}

// labelBox writes text at "at", left-aligned or centred, in ink on a box of colour box.
func (p *panel) labelBox(at vg.Point, txt string, xa draw.XAlignment, ink, box color.Color) {
	st := p.style(p.fs, ink, xa, draw.YCenter)
	w := st.Width(txt)
	x0 := at.X + vg.Length(xa)*w // XCenter is −½, XLeft 0
	pad := 0.25 * p.fs
	r := []vg.Point{{X: x0 - pad, Y: at.Y - 0.75*p.fs}, {X: x0 + w + pad, Y: at.Y - 0.75*p.fs},
		{X: x0 + w + pad, Y: at.Y + 0.75*p.fs}, {X: x0 - pad, Y: at.Y + 0.75*p.fs}}
	p.c.FillPolygon(box, r)
	p.c.FillText(st, at, txt)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}
