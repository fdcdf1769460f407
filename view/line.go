package view

import (
	"fmt"
	"image/color"
	"math"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// Colours of a line figure: the classes of the two end images in two colours that stay apart for
// colour-blind readers (Tab10's blue and orange), every other class muted, except a class that is
// the top class somewhere along the line though neither end's (the mixup miss of docs/METRICS.md),
// which is named in Tab10's next colours, drawn thinner than the ends.
var (
	endColors      = [2]color.Color{render.Tab10[0], render.Tab10[1]}
	intruderColors = []color.Color{render.Tab10[2], render.Tab10[4], render.Tab10[5], render.Tab10[6]}
	mutedColor     = color.NRGBA{R: 140, G: 140, B: 140, A: 255}
	chordColor     = color.NRGBA{R: 120, G: 120, B: 120, A: 255}
)

// lineMetric says how a metric is drawn along a line: its curves' axis label, whether it is a
// value of every class (drawn for all K, the end classes emphasised), of the end classes only,
// or one value per point, and whether its chord is drawn.
type lineMetric struct {
	title, axis string
	perClass    bool // every class: logit, probability
	endClasses  bool // the end images' classes only: loss (against each end's label), gradient norm
	chord       bool // a value whose linearity the chord tests
}

var lineMetrics = map[string]lineMetric{
	"logit":           {title: "logits", axis: "logit", perClass: true, chord: true},
	"probability":     {title: "probabilities", axis: "probability", perClass: true, chord: true},
	"loss":            {title: "cross-entropy loss", axis: "loss against the end's label (nats)", endClasses: true, chord: true},
	"gradient norm":   {title: "gradient norm", axis: "|∂f/∂s| per unit input distance", endClasses: true},
	"margin":          {title: "margin", axis: "margin (top − runner-up logit)", chord: true},
	"predicted class": {title: "predicted class", axis: "predicted class"},
}

// curve is one row of a line figure.
type curve struct {
	values []float64
	name   string // "" leaves it out of the legend
	style  render.CurveStyle
}

// lineScene draws a line probe (a mixup line x(λ) = (1−λ)xᵢ + λxⱼ) as curves of the chosen metric
// over λ, made to test linearity. Per-class metrics (logit, probability) draw every class: the
// classes of the two end images emphasised in two colours, the others thin and grey, listed once
// as "other classes" — but a class that is the top class somewhere on the line, neither end's, is
// named in a colour of its own ("8: top class at λ 0.32–0.68"). The loss is drawn against each end's label, the gradient norm of each end's
// logit, the margin and the predicted class as one curve. Each value curve gets its chord, dashed:
// the straight line through its values at the two end images (λ = 0 and 1), which is what a
// function linear along the line draws (for probabilities, the blend b(λ) of docs/METRICS.md's
// mixup metrics), so the gap between a curve and its chord is the non-linearity. The curvatures
// and the mirror difference need a plane: an error.
func lineScene(s render.Scene, g *surface.Grid, set *dataset.Set, o SceneOptions, labels []int) (render.Scene, error) {
	metric := o.Metric
	if metric == "" {
		metric = "logit"
	}
	lm, ok := lineMetrics[metric]
	if !ok {
		return s, fmt.Errorf("the %s needs a plane, not a line", metric)
	}
	ends := endClasses(g, labels, o.Class)
	curves, err := lineCurves(g, set, metric, lm, ends)
	if err != nil {
		return s, err
	}
	if lm.chord {
		curves = append(curves, chords(g, curves)...)
	}
	f := &render.Grid{NX: g.NX, NY: len(curves), Xs: g.S}
	s.Legend, s.Curves = make([]string, len(curves)), make([]render.CurveStyle, len(curves))
	for j, c := range curves {
		f.Values = append(f.Values, c.values...)
		s.Legend[j], s.Curves[j] = c.name, c.style
	}
	s.Field, s.View, s.ColorBar, s.MarkerEdges = f, render.ViewLines, false, false
	s.Label, s.YLabel, s.XLabel = lm.axis, lm.axis, "λ"
	if metric == "probability" && s.Min == 0 && s.Max == 0 {
		s.Min, s.Max = -0.02, 1.02
	}
	p := g.Probe
	if p == nil {
		return s, nil
	}
	s.Title = fmt.Sprintf("%s along the %s", lm.title, probeTitle(p.Kind))
	s.Markers = anchorMarkers(p, set)
	for k := range s.Markers { // on its end's emphasised curve
		row := endRow(curves, k)
		s.Markers[k].Y = valueAt(g.S, curves[row].values, s.Markers[k].X)
	}
	return s, nil
}

// endClasses returns the classes of the line's two ends: their images' labels, else (an anchor
// that is no image of the split) the class predicted there, else class.
func endClasses(g *surface.Grid, labels []int, class int) [2]int {
	ends := [2]int{class, class}
	for k := range ends {
		switch {
		case k < len(labels) && labels[k] >= 0 && labels[k] < g.K:
			ends[k] = labels[k]
		case g.Probe != nil && k < len(g.Probe.Anchors):
			pred := surface.Predicted(g)
			ends[k] = int(pred.Values[nearest(g.S, g.Probe.Anchors[k].S)])
		}
	}
	return ends
}

// lineCurves returns the metric's curves, muted ones first so that the emphasised are drawn over
// them.
func lineCurves(g *surface.Grid, set *dataset.Set, metric string, lm lineMetric, ends [2]int) ([]curve, error) {
	name := func(k int) string {
		if set != nil {
			return set.ClassName(k)
		}
		return fmt.Sprint(k)
	}
	field := func(k int) ([]float64, error) {
		label := k
		if metric == "loss" { // the loss of the end's label
			label, k = k, 0
		}
		f, err := MetricField(g, metric, k, label)
		if err != nil {
			return nil, err
		}
		v := make([]float64, g.NX)
		for i := range v {
			v[i] = f.Z(i, 0)
		}
		return v, nil
	}
	var out []curve
	if lm.perClass {
		var intruders []curve
		top := topSpans(g)
		for k := 0; k < g.K; k++ {
			if k == ends[0] || k == ends[1] {
				continue
			}
			v, err := field(k)
			if err != nil {
				return nil, err
			}
			if span, ok := top[k]; ok && len(intruders) < len(intruderColors) {
				intruders = append(intruders, curve{values: v, name: fmt.Sprintf("%s: top class at λ %s", name(k), span),
					style: render.CurveStyle{Color: intruderColors[len(intruders)], Width: 0.9}})
				continue
			}
			c := curve{values: v, style: render.CurveStyle{Color: mutedColor, Width: 0.55}}
			if len(out) == 0 {
				c.name = "other classes"
			}
			out = append(out, c)
		}
		out = append(out, intruders...)
	}
	if !lm.perClass && !lm.endClasses {
		v, err := field(ends[0])
		if err != nil {
			return nil, err
		}
		return append(out, curve{values: v, name: lm.title, style: render.CurveStyle{Color: endColors[0], Width: 1.3}}), nil
	}
	for e, k := range ends {
		if e == 1 && k == ends[0] { // both ends of one class: one curve
			out[len(out)-1].name = fmt.Sprintf("%s (#0, #1)", name(k))
			break
		}
		v, err := field(k)
		if err != nil {
			return nil, err
		}
		out = append(out, curve{values: v, name: fmt.Sprintf("%s (#%d)", name(k), e),
			style: render.CurveStyle{Color: endColors[e], Width: 1.3}})
	}
	return out, nil
}

// topSpans returns, for each class that is the top class (largest logit) somewhere on the line
// g, where: "0.32–0.68" from its first to its last point as the top class ("0.5" at one point).
func topSpans(g *surface.Grid) map[int]string {
	first, last := map[int]int{}, map[int]int{}
	for i := 0; i < g.NX; i++ {
		k := surface.Argmax(g.Point(i, 0))
		if _, ok := first[k]; !ok {
			first[k] = i
		}
		last[k] = i
	}
	out := map[int]string{}
	for k, i := range first {
		out[k] = fmt.Sprintf("%.2g", g.S[i])
		if j := last[k]; j != i {
			out[k] += fmt.Sprintf("–%.2g", g.S[j])
		}
	}
	return out
}

// endRow returns the row of end k's emphasised curve: the last one or two rows of curves.
func endRow(curves []curve, k int) int {
	n := 0
	for j := range curves {
		if c := curves[j].style.Color; c == endColors[0] || c == endColors[1] {
			n = j
			if c == endColors[min(k, 1)] {
				return j
			}
		}
	}
	return n
}

// chords returns, for each emphasised curve, the straight line through its values at λ = 0 and
// λ = 1 over the whole line (dashed, in the curve's colour), and a row without values that names
// them in the legend.
func chords(g *surface.Grid, curves []curve) []curve {
	var out []curve
	for _, c := range curves {
		if c.style.Color != endColors[0] && c.style.Color != endColors[1] {
			continue
		}
		v0, v1 := valueAt(g.S, c.values, 0), valueAt(g.S, c.values, 1)
		v := make([]float64, len(g.S))
		for i, l := range g.S {
			v[i] = v0 + l*(v1-v0)
		}
		out = append(out, curve{values: v, style: render.CurveStyle{Color: c.style.Color, Width: 0.9, Dashed: true}})
	}
	legend := make([]float64, len(g.S))
	for i := range legend {
		legend[i] = math.NaN()
	}
	return append(out, curve{values: legend, name: "straight line between the ends",
		style: render.CurveStyle{Color: chordColor, Width: 0.9, Dashed: true}})
}

// valueAt interpolates ys over xs (ascending or descending) linearly at x, extrapolating from the
// end segments outside.
func valueAt(xs, ys []float64, x float64) float64 {
	n := len(xs)
	if n == 1 {
		return ys[0]
	}
	i := nearest(xs, x)
	j := i + 1
	if i == n-1 || (i > 0 && (x-xs[i])*(xs[i]-xs[i-1]) < 0) {
		i, j = i-1, i
	}
	t := (x - xs[i]) / (xs[j] - xs[i])
	return ys[i] + t*(ys[j]-ys[i])
}
