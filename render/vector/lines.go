package vector

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surfscope/surfscope/render"
)

// coords returns the x coordinates of a field's columns (X(i) when it has them, else i).
func coords(f render.Field) []float64 {
	nx, _ := f.Dims()
	xs := make([]float64, nx)
	xf, ok := f.(interface{ X(int) float64 })
	for i := range xs {
		xs[i] = float64(i)
		if ok {
			xs[i] = xf.X(i)
		}
	}
	return xs
}

// rowCoords returns the y coordinates of a field's rows.
func rowCoords(f render.Field) []float64 {
	_, ny := f.Dims()
	ys := make([]float64, ny)
	yf, ok := f.(interface{ Y(int) float64 })
	for j := range ys {
		ys[j] = float64(j)
		if ok {
			ys[j] = yf.Y(j)
		}
	}
	return ys
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// seriesColor and lineStyle match the raster line view: the curve's style colour, else Tab10 (or
// the colormap sampled evenly); widths relative to 1.2 px.
func (p *panel) seriesColor(j, n int) color.Color {
	s := p.s
	if j < len(s.Curves) && s.Curves[j].Color != nil {
		return s.Curves[j].Color
	}
	if s.Colormap != nil {
		if n == 1 {
			return s.Colormap.At(0.5)
		}
		return s.Colormap.At(float64(j) / float64(n-1))
	}
	return render.Tab10[j%len(render.Tab10)]
}

func (p *panel) lineStyle(j, n int) draw.LineStyle {
	w := 1.0
	dashed := false
	if j < len(p.s.Curves) {
		if p.s.Curves[j].Width > 0 {
			w = p.s.Curves[j].Width
		}
		dashed = p.s.Curves[j].Dashed
	}
	lw := vg.Length(w * math.Max(1.2, 0.15*float64(p.fs)/pointsPerPixel) * pointsPerPixel)
	st := draw.LineStyle{Color: p.seriesColor(j, n), Width: lw}
	if dashed {
		st.Dashes = []vg.Length{4 * lw, 3 * lw}
	}
	return st
}

// lines draws the line view: each field row a curve over x (NaN breaking it), the value axis as
// the raster view sets it, the legend at the right, the markers.
func (p *panel) lines() error {
	s := p.s
	if s.Field == nil {
		return fmt.Errorf("scene has no field")
	}
	xs := coords(s.Field)
	nx, ny := s.Field.Dims()
	if nx < 2 || ny < 1 {
		return fmt.Errorf("field is %dx%d; a line plot needs at least 2 points and 1 curve", nx, ny)
	}
	y0, y1 := math.Inf(1), math.Inf(-1)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if v := s.Field.Z(i, j); finite(v) {
				y0, y1 = math.Min(y0, v), math.Max(y1, v)
			}
		}
	}
	for _, m := range s.Markers {
		if finite(m.Y) {
			y0, y1 = math.Min(y0, m.Y), math.Max(y1, m.Y)
		}
	}
	switch {
	case s.Min != 0 || s.Max != 0:
		y0, y1 = s.Min, s.Max
	case math.IsInf(y0, 1):
		y0, y1 = 0, 1
	default:
		if y1 == y0 {
			y0, y1 = y0-0.5, y1+0.5
		}
		pad := 0.05 * (y1 - y0)
		y0, y1 = y0-pad, y1+pad
	}
	legend := p.legendWidth()
	pl := p.newPlot(xs[0], xs[len(xs)-1], y0, y1)
	if xs[0] > xs[len(xs)-1] {
		pl.X.Min, pl.X.Max = xs[len(xs)-1], xs[0]
	}
	pl.Add(&grid{ink: p.ink})
	for j := 0; j < ny; j++ {
		for _, run := range finiteRuns(xs, s.Field, j) {
			l, err := plotter.NewLine(run)
			if err != nil {
				return err
			}
			l.LineStyle = p.lineStyle(j, ny)
			pl.Add(l)
		}
	}
	c := p.plotCanvas(legend)
	pl.Draw(c)
	dc := pl.DataCanvas(c)
	p.drawLegend(dc, ny)
	p.markers(pl, dc)
	return nil
}

// finiteRuns returns the runs of finite points of row j.
func finiteRuns(xs []float64, f render.Field, j int) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i, x := range xs {
		v := f.Z(i, j)
		if !finite(v) {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: x, Y: v})
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// grid draws light lines at the y ticks, as the raster line view does.
type grid struct{ ink color.Color }

func (g *grid) Plot(c draw.Canvas, pl *plot.Plot) {
	r, gg, b, _ := g.ink.RGBA()
	st := draw.LineStyle{Color: color.NRGBA{uint8(r >> 8), uint8(gg >> 8), uint8(b >> 8), 36}, Width: vg.Points(0.5)}
	_, ty := pl.Transforms(&c)
	for _, t := range pl.Y.Tick.Marker.Ticks(pl.Y.Min, pl.Y.Max) {
		if t.Label != "" {
			c.StrokeLine2(st, c.Min.X, ty(t.Value), c.Max.X, ty(t.Value))
		}
	}
}

// legendRows returns the named curves of the legend.
func (p *panel) legendRows(n int) []int {
	var rows []int
	for j, name := range p.s.Legend {
		if j < n && name != "" {
			rows = append(rows, j)
		}
	}
	return rows
}

// legendWidth is the room the legend takes at the right of the plot.
func (p *panel) legendWidth() vg.Length {
	_, ny := p.s.Field.Dims()
	rows := p.legendRows(ny)
	if len(rows) == 0 {
		return 0.5 * p.fs
	}
	st := p.style(p.fs, p.ink, draw.XLeft, draw.YCenter)
	w := vg.Length(0)
	for _, j := range rows {
		w = max(w, st.Width(p.s.Legend[j]))
	}
	return 2.2*p.fs + w + 0.9*p.fs + 2*p.fs
}

// drawLegend lists the named curves with their styles right of the data canvas dc.
func (p *panel) drawLegend(dc draw.Canvas, n int) {
	rows := p.legendRows(n)
	if len(rows) == 0 {
		return
	}
	fs := p.fs
	st := p.style(fs, p.ink, draw.XLeft, draw.YCenter)
	lineH := 1.35 * fs
	x0, top := dc.Max.X+1.2*fs, dc.Max.Y
	bw := p.legendWidth() - 2*fs
	bh := vg.Length(len(rows))*lineH + 0.6*fs
	box := []vg.Point{{X: x0, Y: top}, {X: x0 + bw, Y: top}, {X: x0 + bw, Y: top - bh}, {X: x0, Y: top - bh}}
	p.c.FillPolygon(color.NRGBA{128, 128, 128, 30}, box)
	p.c.StrokeLines(draw.LineStyle{Color: color.NRGBA{128, 128, 128, 160}, Width: vg.Points(0.5)}, append(box, box[0]))
	for r, j := range rows {
		y := top - 0.3*fs - (vg.Length(r)+0.5)*lineH
		p.c.StrokeLine2(p.lineStyle(j, n), x0+0.5*fs, y, x0+1.9*fs, y)
		p.c.FillText(st, vg.Point{X: x0 + 2.3*fs, Y: y}, p.s.Legend[j])
	}
}
