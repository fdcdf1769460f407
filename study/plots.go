package study

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/surfscope/surfscope/render"
)

// The report's 2D plots are drawn with gonum/plot and embedded as SVG.

// variantColor is the colour of the i-th variant in every plot (Tab10, as the renderer's curves).
func variantColor(i int) color.Color { return render.Tab10[i%len(render.Tab10)] }

// svg renders p as an SVG document w × h.
func svg(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	wt, err := p.WriterTo(w, h, "svg")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// newPlot returns a plot with the report's style: title, axis labels, a light grid.
func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, x, y
	p.Title.TextStyle.Font.Size = vg.Points(10)
	p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size = vg.Points(9), vg.Points(9)
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = color.Gray{Y: 225}, color.Gray{Y: 225}
	p.Add(g)
	return p
}

// boxPlot draws one box per variant of a metric's values over the probes: the median, Tukey's
// hinges, whiskers to the furthest values within 1.5 hinge spreads, points beyond.
func boxPlot(key string, variants []string, values map[string][]float64) ([]byte, error) {
	p := newPlot(key, "", "")
	var names []string
	for i, v := range variants {
		vals := values[v]
		names = append(names, v)
		if len(vals) == 0 {
			continue
		}
		b, err := plotter.NewBoxPlot(vg.Points(18), float64(i), plotter.Values(vals))
		if err != nil {
			return nil, err
		}
		c := variantColor(i)
		b.FillColor = lighten(c)
		b.BoxStyle.Color, b.MedianStyle.Color = c, c
		b.MedianStyle.Width = vg.Points(1.5)
		p.Add(b)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(variants))-0.4 // room for the outer boxes
	p.Y.Min, p.Y.Max = padRange(p.Y.Min, p.Y.Max)
	return svg(p, 6.2*vg.Centimeter, 5.2*vg.Centimeter)
}

// padRange widens [lo, hi] by 6% of its span on each side (of |lo|, or 1, when the span is zero),
// so a box or whisker at the end of the range is drawn inside the axes, not on their edge.
func padRange(lo, hi float64) (float64, float64) {
	pad := 0.06 * (hi - lo)
	if pad == 0 {
		pad = 0.06 * math.Max(math.Abs(lo), 1)
	}
	return lo - pad, hi + pad
}

// minBoxValues is the fewest values a variant needs for its box to say more than the table does.
const minBoxValues = 3

// worthABoxPlot says whether a metric's values, by variant, show a distribution: some variant has
// at least minBoxValues values, and the values are not one and the same number on every probe of
// every variant (a saturated region count, a degree at its cap). The table reports those.
func worthABoxPlot(values map[string][]float64) bool {
	enough, first, varies := false, math.NaN(), false
	for _, vals := range values {
		if len(vals) >= minBoxValues {
			enough = true
		}
		for _, v := range vals {
			if math.IsNaN(first) {
				first = v
			} else if v != first {
				varies = true
			}
		}
	}
	return enough && varies
}

// lighten mixes c with white, 3:1 for white.
func lighten(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((v>>8 + 3*255) / 4) }
	return color.RGBA{mix(r), mix(g), mix(b), 255}
}

// curve is one line of a line plot.
type curve struct {
	name   string
	xs, ys []float64
	color  color.Color
	dashed bool
}

// linePlot draws curves, with log axes when asked; points that a log axis cannot show (≤ 0) and
// non-finite ones are left out.
func linePlot(title, x, y string, curves []curve, logX, logY bool) ([]byte, error) {
	p := newPlot(title, x, y)
	if logX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, decades{}
	}
	if logY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, decades{}
	}
	p.Legend.TextStyle.Font.Size = vg.Points(8)
	drawn, plotted := 0, []plotter.XYs(nil)
	for _, c := range curves {
		var xy plotter.XYs
		for i := range c.xs {
			if bad(c.xs[i], logX) || bad(c.ys[i], logY) {
				continue
			}
			xy = append(xy, plotter.XY{X: c.xs[i], Y: c.ys[i]})
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = c.color, vg.Points(1.4)
		if c.dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(2.5)}
		}
		p.Add(l)
		if len(xy) == 1 { // a single epoch: show the point
			s, _ := plotter.NewScatter(xy)
			s.Color, s.Shape = c.color, draw.CircleGlyph{}
			p.Add(s)
		}
		if c.name != "" {
			p.Legend.Add(c.name, l)
		}
		plotted = append(plotted, xy)
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("study: %s: nothing to plot", title)
	}
	p.Legend.Top, p.Legend.Left = emptiestCorner(p, plotted)
	return svg(p, 12*vg.Centimeter, 8*vg.Centimeter)
}

// emptiestCorner picks the corner of p's data area where the legend covers the least of the
// plotted curves: the legend's box is taken as the outer 40% of the width and 30% of the height, and
// each curve is walked along its segments in the axes' own scales (so log axes count as drawn).
// Ties keep the top right.
func emptiestCorner(p *plot.Plot, curves []plotter.XYs) (top, left bool) {
	const steps = 16   // samples per segment
	var hits [2][2]int // [top][left]
	mark := func(x, y float64) {
		for t := 0; t < 2; t++ {
			for l := 0; l < 2; l++ {
				if (l == 1 && x <= 0.4 || l == 0 && x >= 0.6) && (t == 1 && y >= 0.7 || t == 0 && y <= 0.3) {
					hits[t][l]++
				}
			}
		}
	}
	for _, xy := range curves {
		for i := range xy {
			x1 := p.X.Scale.Normalize(p.X.Min, p.X.Max, xy[i].X)
			y1 := p.Y.Scale.Normalize(p.Y.Min, p.Y.Max, xy[i].Y)
			if i == 0 {
				mark(x1, y1)
				continue
			}
			x0 := p.X.Scale.Normalize(p.X.Min, p.X.Max, xy[i-1].X)
			y0 := p.Y.Scale.Normalize(p.Y.Min, p.Y.Max, xy[i-1].Y)
			for k := 1; k <= steps; k++ {
				f := float64(k) / steps
				mark(x0+f*(x1-x0), y0+f*(y1-y0))
			}
		}
	}
	top, left = true, false
	for _, c := range [][2]bool{{true, true}, {false, false}, {false, true}} {
		if n := hits[b2i(c[0])][b2i(c[1])]; n < hits[b2i(top)][b2i(left)] {
			top, left = c[0], c[1]
		}
	}
	return top, left
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// decades marks a log axis at powers of ten (every second or third one over a long range),
// labelled 1e−5, 0.01, 0.1, 1, 10, 100, 1e4.
type decades struct{}

func (decades) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	a, b := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	step := max(1, (b-a+7)/8)
	var ts []plot.Tick
	for k := a; k <= b; k++ {
		v := math.Pow(10, float64(k))
		t := plot.Tick{Value: v}
		if (k-a)%step == 0 {
			t.Label = decadeLabel(k)
		}
		ts = append(ts, t)
	}
	return ts
}

func decadeLabel(k int) string {
	if k >= -2 && k <= 3 {
		return strconv.FormatFloat(math.Pow(10, float64(k)), 'f', max(0, -k), 64)
	}
	return fmt.Sprintf("1e%d", k)
}

func bad(v float64, log bool) bool { return math.IsNaN(v) || math.IsInf(v, 0) || log && v <= 0 }

// spectrumCurves are the NTK operator eigenvalues of every variant against their index: trained
// solid, at initialisation dashed.
func spectrumCurves(d *DatasetResults) []curve {
	var cs []curve
	for i, v := range d.Variants {
		if v.NTK == nil || v.NTK.Trained == nil {
			continue
		}
		cs = append(cs, curve{name: v.Variant, xs: indices(len(v.NTK.Trained.Eigenvalues)), ys: v.NTK.Trained.Eigenvalues, color: variantColor(i)})
		if v.NTK.Initial != nil {
			cs = append(cs, curve{name: v.Variant + " at init", xs: indices(len(v.NTK.Initial.Eigenvalues)), ys: v.NTK.Initial.Eigenvalues,
				color: variantColor(i), dashed: true})
		}
	}
	return cs
}

// indices is 1, 2, …, n.
func indices(n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	return xs
}

// trainingCurves are every variant's accuracy (or loss) per epoch on the training images (solid)
// and the test split (dashed).
func trainingCurves(d *DatasetResults, loss bool) []curve {
	var cs []curve
	for i, v := range d.Variants {
		if v.Model == nil || len(v.Model.History) == 0 {
			continue
		}
		var ep, tr, te []float64
		for _, h := range v.Model.History {
			ep = append(ep, float64(h.Epoch))
			if loss {
				tr, te = append(tr, h.TrainLoss), append(te, h.TestLoss)
			} else {
				tr, te = append(tr, 100*h.TrainAcc), append(te, 100*h.TestAcc)
			}
		}
		cs = append(cs, curve{name: v.Variant + " train", xs: ep, ys: tr, color: variantColor(i)},
			curve{name: v.Variant + " test", xs: ep, ys: te, color: variantColor(i), dashed: true})
	}
	return cs
}

// gateCurves are the pooled shares of saturated gate outputs per epoch of every gated variant's
// training (its history): above 0.95 solid, below 0.05 dashed.
func gateCurves(d *DatasetResults) []curve {
	var cs []curve
	for i, v := range d.Variants {
		if v.Model == nil {
			continue
		}
		var ep, hi, lo []float64
		for _, h := range v.Model.History {
			if len(h.Gates) == 0 {
				continue
			}
			var l, u float64
			for _, g := range h.Gates {
				l, u = l+g.Low, u+g.High
			}
			n := float64(len(h.Gates))
			ep, hi, lo = append(ep, float64(h.Epoch)), append(hi, u/n), append(lo, l/n)
		}
		if len(ep) > 0 {
			cs = append(cs, curve{name: v.Variant + " > 0.95", xs: ep, ys: hi, color: variantColor(i)},
				curve{name: v.Variant + " < 0.05", xs: ep, ys: lo, color: variantColor(i), dashed: true})
		}
	}
	return cs
}
