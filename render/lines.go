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

// seriesColor is the colour of curve j of n: Tab10 unless the scene names a
// colormap, which is then sampled evenly.
func seriesColor(s *Scene, j, n int) color.RGBA {
	if s.Colormap != nil {
		if n == 1 {
			return s.Colormap.At(0.5)
		}
		return s.Colormap.At(float64(j) / float64(n-1))
	}
	return Tab10[j%len(Tab10)]
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
		sh.polyline(path, math.Max(1.2, 0.15*fs))
		pc.fill(&sh, seriesColor(s, j, ny))
	}
	drawAxes(dst, &a, fs, f.ink(), s.XLabel, s.YLabel)
	drawLegend(dst, f, &a, ny)
	return nil
}

// legendWidth is the room the legend takes at the right of the plot.
func legendWidth(names []string, n int, fs float64) float64 {
	if len(names) == 0 {
		return 0
	}
	fc := face(fs)
	w := 0.0
	for _, s := range names[:min(len(names), n)] {
		w = math.Max(w, textWidth(fc, s))
	}
	return 2.2*fs + w + 0.9*fs + 2*fs
}

// drawLegend lists Scene.Legend with the curves' colours at the right of
// the plot.
func drawLegend(dst *image.RGBA, f *frame, a *plotArea, n int) {
	names := f.scene.Legend
	if len(names) == 0 {
		return
	}
	fs := f.lay.fontSize
	fc := face(fs)
	rows := min(len(names), n)
	lineH := 1.35 * fs
	bw, bh := legendWidth(names, n, fs)-2*fs, float64(rows)*lineH+0.6*fs
	x0, y0 := a.x1+1.2*fs, a.y0
	p := newPainter(dst)
	box := color.NRGBA{255, 255, 255, 215}
	if f.st.dark {
		box = color.NRGBA{0, 0, 0, 200}
	}
	p.rect(x0, y0, x0+bw, y0+bh, box)
	p.frame(x0, y0, x0+bw, y0+bh, 1, color.NRGBA{128, 128, 128, 160})
	b := dst.Bounds()
	for j := 0; j < rows; j++ {
		y := y0 + 0.3*fs + (float64(j)+0.5)*lineH
		p.line(pt{x0 + 0.5*fs, y}, pt{x0 + 1.9*fs, y}, math.Max(1.2, 0.15*fs), seriesColor(f.scene, j, n))
		drawText(dst, fc, names[j], float64(b.Min.X)+x0+2.3*fs, float64(b.Min.Y)+y+ascent(fc)/2, alignLeft, f.ink())
	}
}
