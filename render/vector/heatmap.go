package vector

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surfscope/surfscope/render"
)

// contourColor is the raster view's contour line colour (dark, 60% opaque).
var contourColor = color.NRGBA{13, 13, 13, 153}

// fieldGrid is a render.Field as gonum/plot's GridXYZ.
type fieldGrid struct {
	f      render.Field
	xs, ys []float64
	lo, hi float64 // clamp heights (a scene's ZMin, ZMax)
}

func (g fieldGrid) Dims() (int, int)   { return g.f.Dims() }
func (g fieldGrid) X(c int) float64    { return g.xs[c] }
func (g fieldGrid) Y(r int) float64    { return g.ys[r] }
func (g fieldGrid) Z(c, r int) float64 { return math.Max(g.lo, math.Min(g.hi, g.f.Z(c, r))) }

// lookup finds coordinate v among ascending or descending cs: index k and fraction t towards k+1.
func lookup(cs []float64, v float64) (int, float64, bool) {
	n := len(cs)
	asc := cs[n-1] > cs[0]
	i := sort.Search(n, func(i int) bool {
		if asc {
			return cs[i] >= v
		}
		return cs[i] <= v
	})
	if i == n || (i == 0 && cs[0] != v) {
		return 0, 0, false
	}
	k := max(0, min(i-1, n-2))
	return k, (v - cs[k]) / (cs[k+1] - cs[k]), true
}

// heatImage resamples the colour field of s (Color, else the heights) onto an image of up to 1024
// pixels a side, rows from the top (highest y) down: bilinear in the colour values mapped through
// the colormap over [lo, hi], or for a categorical scene the nearest point's class colour.
func (p *panel) heatImage(xs, ys []float64, lo, hi float64) *image.RGBA {
	s := p.s
	cf := s.Color
	if cf == nil {
		cf = s.Field
	}
	nx, ny := cf.Dims()
	scale := math.Min(4, 1024/float64(max(nx, ny)))
	w, h := max(2, int(float64(nx)*scale)), max(2, int(float64(ny)*scale))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cmap := s.Colormap
	if cmap == nil {
		cmap = render.Viridis
	}
	x0, x1 := math.Min(xs[0], xs[nx-1]), math.Max(xs[0], xs[nx-1])
	y0, y1 := math.Min(ys[0], ys[ny-1]), math.Max(ys[0], ys[ny-1])
	for py := 0; py < h; py++ {
		y := y1 - (float64(py)+0.5)/float64(h)*(y1-y0)
		j, tj, oky := lookup(ys, y)
		for px := 0; px < w; px++ {
			x := x0 + (float64(px)+0.5)/float64(w)*(x1-x0)
			i, ti, okx := lookup(xs, x)
			if !okx || !oky {
				continue
			}
			if s.Categorical {
				k := int(math.Round(cf.Z(i+int(math.Round(ti)), j+int(math.Round(tj)))))
				img.Set(px, py, p.classColor(k))
				continue
			}
			v := (1-tj)*((1-ti)*cf.Z(i, j)+ti*cf.Z(i+1, j)) + tj*((1-ti)*cf.Z(i, j+1)+ti*cf.Z(i+1, j+1))
			if !finite(v) {
				continue
			}
			t := 0.5
			if hi > lo {
				t = (v - lo) / (hi - lo)
			}
			img.SetRGBA(px, py, cmap.At(t))
		}
	}
	return img
}

// classColor is the colour of class k: the scene's palette, else Tab10, cycling.
func (p *panel) classColor(k int) color.Color {
	if len(p.s.Palette) > 0 {
		return p.s.Palette[((k%len(p.s.Palette))+len(p.s.Palette))%len(p.s.Palette)]
	}
	return render.Tab10[((k%10)+10)%10]
}

// heatmap draws the heatmap view: the colour image, contour lines of the heights, equal units on
// both axes (unless Stretch), the colour bar (or the classes) at the right and the markers.
func (p *panel) heatmap() error {
	s := p.s
	if s.Field == nil {
		return fmt.Errorf("scene has no field")
	}
	xs, ys := coords(s.Field), rowCoords(s.Field)
	if len(xs) < 2 || len(ys) < 2 {
		return fmt.Errorf("field is %dx%d; a heatmap needs at least 2x2", len(xs), len(ys))
	}
	lo, hi, _, _, err := s.ColorRange()
	if err != nil {
		return err
	}
	right := 0.5 * p.fs
	if s.ColorBar {
		right = p.colorBarWidth(lo, hi)
	}
	x0, x1 := math.Min(xs[0], xs[len(xs)-1]), math.Max(xs[0], xs[len(xs)-1])
	y0, y1 := math.Min(ys[0], ys[len(ys)-1]), math.Max(ys[0], ys[len(ys)-1])
	pl := p.newPlot(x0, x1, y0, y1)
	pl.Add(plotter.NewImage(p.heatImage(xs, ys, lo, hi), x0, y0, x1, y1))
	if s.Contours > 0 {
		zlo, zhi := s.ZMin, s.ZMax
		if zlo == 0 && zhi == 0 {
			zlo, zhi = finiteRange(s.Field)
		}
		if zhi > zlo {
			levels := make([]float64, s.Contours)
			for k := range levels {
				levels[k] = zlo + float64(k+1)/float64(s.Contours+1)*(zhi-zlo)
			}
			ct := plotter.NewContour(fieldGrid{s.Field, xs, ys, zlo, zhi}, levels, nil)
			ct.LineStyles = []draw.LineStyle{{Color: contourColor, Width: vg.Points(0.6)}}
			pl.Add(ct)
		}
	}
	c := p.plotCanvas(right)
	if !s.Stretch {
		c = equalUnits(pl, c, (x1-x0)/(y1-y0))
	}
	pl.Draw(c)
	dc := pl.DataCanvas(c)
	if s.ColorBar {
		p.colorBar(dc, lo, hi)
	}
	p.markers(pl, dc)
	return nil
}

// finiteRange returns the smallest and largest finite value of f.
func finiteRange(f render.Field) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	nx, ny := f.Dims()
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if v := f.Z(i, j); finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	return lo, hi
}

// equalUnits shrinks c, centred, so that the plot's data canvas has the given aspect (width over
// height): one data unit as long on both axes.
func equalUnits(pl *plot.Plot, c draw.Canvas, aspect float64) draw.Canvas {
	dc := pl.DataCanvas(c)
	w, h := float64(dc.Max.X-dc.Min.X), float64(dc.Max.Y-dc.Min.Y)
	if w <= 0 || h <= 0 || !(aspect > 0) {
		return c
	}
	if w/h > aspect {
		d := vg.Length((w - h*aspect) / 2)
		c.Min.X += d
		c.Max.X -= d
	} else {
		d := vg.Length((h - w/aspect) / 2)
		c.Min.Y += d
		c.Max.Y -= d
	}
	return c
}

// colorBarWidth is the room the colour bar (or the class list) takes at the right.
func (p *panel) colorBarWidth(lo, hi float64) vg.Length {
	st := p.style(0.9*p.fs, p.ink, draw.XLeft, draw.YCenter)
	w := vg.Length(0)
	if p.s.Categorical {
		for _, k := range p.classes() {
			w = max(w, st.Width(p.className(k)))
		}
		return 1.6*p.fs + 1.1*p.fs + 0.6*p.fs + w + 1.2*p.fs
	}
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" {
			w = max(w, st.Width(t.Label))
		}
	}
	return 1.6*p.fs + 1.1*p.fs + 0.5*p.fs + w + 1.2*p.fs
}

// colorBar draws the colour gradient beside the data canvas dc, as tall as it, with ticks, the
// label above and triangles at the ends the colour values pass (render.Scene.ColorRange).
func (p *panel) colorBar(dc draw.Canvas, lo, hi float64) {
	fs := p.fs
	x0 := dc.Max.X + 1.6*fs
	x1 := x0 + 1.1*fs
	if p.s.Categorical {
		p.classBar(x0, x1, dc.Max.Y)
		return
	}
	_, _, vlo, vhi, _ := p.s.ColorRange()
	tri := 1.2 * (x1 - x0)
	top, bottom := dc.Max.Y, dc.Min.Y
	extHi, extLo := vhi > hi+1e-9*math.Abs(hi), vlo < lo-1e-9*math.Abs(lo)
	if extHi {
		top -= tri
	}
	if extLo {
		bottom += tri
	}
	cmap := p.s.Colormap
	if cmap == nil {
		cmap = render.Viridis
	}
	grad := image.NewRGBA(image.Rect(0, 0, 1, 256))
	for k := 0; k < 256; k++ {
		grad.SetRGBA(0, k, cmap.At(1-(float64(k)+0.5)/256))
	}
	p.c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: bottom}, Max: vg.Point{X: x1, Y: top}}, grad)
	frame := draw.LineStyle{Color: p.ink, Width: vg.Points(0.5)}
	p.c.StrokeLines(frame, []vg.Point{{X: x0, Y: bottom}, {X: x1, Y: bottom}, {X: x1, Y: top}, {X: x0, Y: top}, {X: x0, Y: bottom}})
	mid := (x0 + x1) / 2
	if extHi {
		pts := []vg.Point{{X: x0, Y: top}, {X: x1, Y: top}, {X: mid, Y: top + tri}}
		p.c.FillPolygon(cmap.At(1), pts)
		p.c.StrokeLines(frame, append(pts, pts[0]))
	}
	if extLo {
		pts := []vg.Point{{X: x0, Y: bottom}, {X: x1, Y: bottom}, {X: mid, Y: bottom - tri}}
		p.c.FillPolygon(cmap.At(0), pts)
		p.c.StrokeLines(frame, append(pts, pts[0]))
	}
	st := p.style(0.9*fs, p.ink, draw.XLeft, draw.YCenter)
	if hi > lo {
		for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
			if t.Label == "" || t.Value < lo || t.Value > hi {
				continue
			}
			y := bottom + vg.Length((t.Value-lo)/(hi-lo))*(top-bottom)
			p.c.StrokeLine2(frame, x1, y, x1+0.4*fs, y)
			p.c.FillText(st, vg.Point{X: x1 + 0.6*fs, Y: y}, t.Label)
		}
	}
	if l := p.s.Label; l != "" {
		label := p.style(0.9*fs, p.ink, draw.XCenter, draw.YBottom)
		x := min(mid, p.c.Max.X-0.5*fs-label.Width(l)/2)
		y := dc.Max.Y + 0.5*fs
		p.c.FillText(label, vg.Point{X: x, Y: y}, l)
	}
}

// classes returns the classes of a categorical scene's colour values, sorted.
func (p *panel) classes() []int {
	cf := p.s.Color
	if cf == nil {
		cf = p.s.Field
	}
	seen := map[int]bool{}
	nx, ny := cf.Dims()
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if v := cf.Z(i, j); finite(v) && len(seen) < 24 {
				seen[int(math.Round(v))] = true
			}
		}
	}
	var ks []int
	for k := range seen {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

// className names class k from the scene's Legend.
func (p *panel) className(k int) string {
	if k >= 0 && k < len(p.s.Legend) {
		return p.s.Legend[k]
	}
	return strconv.Itoa(k)
}

// classBar lists the classes as swatches from the top down.
func (p *panel) classBar(x0, x1, top vg.Length) {
	fs := p.fs
	st := p.style(0.9*fs, p.ink, draw.XLeft, draw.YCenter)
	for n, k := range p.classes() {
		y := top - vg.Length(n)*1.5*fs
		sw := []vg.Point{{X: x0, Y: y - 0.2*fs}, {X: x1, Y: y - 0.2*fs}, {X: x1, Y: y - 1.3*fs}, {X: x0, Y: y - 1.3*fs}}
		p.c.FillPolygon(p.classColor(k), sw)
		p.c.StrokeLines(draw.LineStyle{Color: p.ink, Width: vg.Points(0.5)}, append(sw, sw[0]))
		p.c.FillText(st, vg.Point{X: x1 + 0.5*fs, Y: y - 0.75*fs}, p.className(k))
	}
}
