package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Tab10 is the categorical palette used for curves and classes (the
// "tableau 10" colours, as in matplotlib and d3).
var Tab10 = []color.RGBA{
	parseHex("#1f77b4"), parseHex("#ff7f0e"), parseHex("#2ca02c"), parseHex("#d62728"), parseHex("#9467bd"),
	parseHex("#8c564b"), parseHex("#e377c2"), parseHex("#7f7f7f"), parseHex("#bcbd22"), parseHex("#17becf"),
}

// seriesColor is the colour of curve j of n: its style's colour, else Tab10
// unless the scene names a colormap, which is then sampled evenly.
func seriesColor(s *Scene, j, n int) color.Color {
	if j < len(s.Curves) && s.Curves[j].Color != nil {
		return s.Curves[j].Color
	}
	if s.Colormap != nil {
		if n == 1 {
			return s.Colormap.At(0.5)
		}
		return s.Colormap.At(float64(j) / float64(n-1))
	}
	return Tab10[j%len(Tab10)]
}

// curveStyle returns the style of curve j with its width in pixels for
// font size fs.
func curveStyle(s *Scene, j int, fs float64) (width float64, dashed bool) {
	w := 1.0
	if j < len(s.Curves) {
		if s.Curves[j].Width > 0 {
			w = s.Curves[j].Width
		}
		dashed = s.Curves[j].Dashed
	}
	return w * math.Max(1.2, 0.15*fs), dashed
}

// dashes cuts a path into dashes on pixels long separated by gaps off pixels
// long (measured along the path, continuing across its points), keeping NaN
// breaks.
func dashes(path []pt, on, off float64) [][]pt {
	var out [][]pt
	var cur []pt
	drawing, left := true, on // the current dash or gap and what is left of it
	for k := 0; k+1 < len(path); k++ {
		a, b := path[k], path[k+1]
		if isNaNPt(a) || isNaNPt(b) {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		l := math.Hypot(b.x-a.x, b.y-a.y)
		at := func(d float64) pt { return pt{a.x + (b.x-a.x)*d/l, a.y + (b.y-a.y)*d/l} }
		for d := 0.0; d < l; {
			step := math.Min(left, l-d)
			if drawing {
				if len(cur) == 0 {
					cur = append(cur, at(d))
				}
				cur = append(cur, at(d+step))
			}
			d += step
			if left -= step; left <= 1e-9 { // the dash or gap is done: switch
				if drawing && len(cur) > 1 {
					out = append(out, cur)
				}
				cur = nil
				drawing = !drawing
				left = on
				if !drawing {
					left = off
				}
			}
		}
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// strokeCurve adds a path to sh, w pixels wide, dashed when asked.
func strokeCurve(sh *shape, path []pt, w float64, dashed bool) {
	if !dashed {
		sh.polyline(path, w)
		return
	}
	for _, d := range dashes(path, 4*w, 3*w) {
		sh.polyline(d, w)
	}
}

// drawLines draws each row j of the field as a curve over x: Z(i, j) at
// X(i), with axes, a legend of Scene.Legend and the markers. NaN and Inf
// values break the curves. Min and Max, when set, fix the y range.
func drawLines(dst *image.RGBA, f *frame) error {
	s := f.scene
	if s.Field == nil {
		return fmt.Errorf("render: scene has no field")
	}
	nx, ny := s.Field.Dims()
	if nx < 2 || ny < 1 {
		return fmt.Errorf("render: field is %dx%d; a line plot needs at least 2 points and 1 curve", nx, ny)
	}
	xs := make([]float64, nx)
	x0, x1 := math.Inf(1), math.Inf(-1)
	for i := range xs {
		xs[i] = fieldX(s.Field, i)
		if !finite(xs[i]) {
			return fmt.Errorf("render: x coordinate %d is %v", i, xs[i])
		}
		x0, x1 = math.Min(x0, xs[i]), math.Max(x1, xs[i])
	}
	if !(x1 > x0) {
		return fmt.Errorf("render: x coordinates span %g; a line plot needs a positive span", x1-x0)
	}
	y0, y1 := finiteRange(s.Field, nx, ny)
	for _, m := range s.Markers {
		if finite(m.Y) {
			y0, y1 = math.Min(y0, m.Y), math.Max(y1, m.Y)
		}
	}
	switch {
	case math.IsNaN(s.Min) || math.IsNaN(s.Max) || (s.Min == 0 && s.Max == 0):
		if math.IsNaN(y0) {
			y0, y1 = 0, 1
		}
		if y1 == y0 {
			y0, y1 = y0-0.5, y1+0.5
		}
		pad := 0.05 * (y1 - y0)
		y0, y1 = y0-pad, y1+pad
	case !(s.Max > s.Min) || math.IsInf(s.Min, 0) || math.IsInf(s.Max, 0):
		return fmt.Errorf("render: value range [%g, %g]", s.Min, s.Max)
	default:
		y0, y1 = s.Min, s.Max
	}

	fill(dst, f.st.bg)
	fs := f.lay.fontSize
	a := placePlot(f.w, f.h, fs, f.lay.top, legendWidth(s.Legend, ny, fs), [4]float64{x0, x1, y0, y1}, false, s.XLabel, s.YLabel)
	f.plot = &a
	p := newPainter(dst)
	// light grid at the y ticks
	grid := color.NRGBA{0, 0, 0, 28}
	if f.st.dark {
		grid = color.NRGBA{255, 255, 255, 36}
	}
	yt, _ := niceTicks(y0, y1, max(3, int((a.y1-a.y0)/(4*fs))))
	for _, v := range yt {
		p.line(pt{a.x0, a.py(v)}, pt{a.x1, a.py(v)}, math.Max(1, fs/14), grid)
	}
	clip := image.Rect(int(a.x0), int(a.y0), int(math.Ceil(a.x1)), int(math.Ceil(a.y1))).Add(dst.Bounds().Min)
	inside := dst.SubImage(clip).(*image.RGBA)
	pc := &painter{dst: inside, origin: dst.Bounds().Min}
	for j := 0; j < ny; j++ {
		path := make([]pt, nx)
		for i := range path {
			v := s.Field.Z(i, j)
			if !finite(v) {
				path[i] = pt{math.NaN(), math.NaN()}
				continue
			}
			path[i] = pt{a.px(xs[i]), a.py(v)}
		}
		var sh shape
		w, dashed := curveStyle(s, j, fs)
		strokeCurve(&sh, path, w, dashed)
		pc.fill(&sh, seriesColor(s, j, ny))
	}
	drawAxes(dst, &a, fs, f.ink(), s.XLabel, s.YLabel)
	drawLegend(dst, f, &a, ny)
	return nil
}

// legendRows returns the curves the legend lists: those of the first n
// with a name.
func legendRows(names []string, n int) []int {
	var rows []int
	for j, name := range names[:min(len(names), n)] {
		if name != "" {
			rows = append(rows, j)
		}
	}
	return rows
}

// legendWidth is the room the legend takes at the right of the plot.
func legendWidth(names []string, n int, fs float64) float64 {
	rows := legendRows(names, n)
	if len(rows) == 0 {
		return 0
	}
	fc := face(fs)
	w := 0.0
	for _, j := range rows {
		w = math.Max(w, textWidth(fc, names[j]))
	}
	return 2.2*fs + w + 0.9*fs + 2*fs
}

// drawLegend lists the named curves of Scene.Legend with their colours and
// styles at the right of the plot.
func drawLegend(dst *image.RGBA, f *frame, a *plotArea, n int) {
	names := f.scene.Legend
	rows := legendRows(names, n)
	if len(rows) == 0 {
		return
	}
	fs := f.lay.fontSize
	fc := face(fs)
	lineH := 1.35 * fs
	bw, bh := legendWidth(names, n, fs)-2*fs, float64(len(rows))*lineH+0.6*fs
	x0, y0 := a.x1+1.2*fs, a.y0
	p := newPainter(dst)
	box := color.NRGBA{255, 255, 255, 215}
	if f.st.dark {
		box = color.NRGBA{0, 0, 0, 200}
	}
	p.rect(x0, y0, x0+bw, y0+bh, box)
	p.frame(x0, y0, x0+bw, y0+bh, 1, color.NRGBA{128, 128, 128, 160})
	b := dst.Bounds()
	for r, j := range rows {
		y := y0 + 0.3*fs + (float64(r)+0.5)*lineH
		w, dashed := curveStyle(f.scene, j, fs)
		var sh shape
		strokeCurve(&sh, []pt{{x0 + 0.5*fs, y}, {x0 + 1.9*fs, y}}, w, dashed)
		p.fill(&sh, seriesColor(f.scene, j, n))
		drawText(dst, fc, names[j], float64(b.Min.X)+x0+2.3*fs, float64(b.Min.Y)+y+ascent(fc)/2, alignLeft, f.ink())
	}
}
