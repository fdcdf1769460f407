package view

import (
	"fmt"
	"strings"

	"github.com/surfscope/surfscope/docs"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/surface"
)

// MetricHelp returns the definition of a metric (an entry of Metrics, a Statistics line's name, an
// atlas key or an `analyze --metric` name) from docs/METRICS.md, in Markdown; "" when unknown.
func MetricHelp(name string) string { return docs.MetricHelp(name) }

// StatisticsNames are the plain names Statistics gives its lines, each a key of MetricHelp.
var StatisticsNames = []string{
	"predicted classes", "margin", "top probability", "plane gradient norm", "exact gradient norm",
	"polynomial degree", "|Gaussian curvature|", "|mean curvature|", "plane Hessian norm",
	"saddle points", "mirror difference", "odd share", "mirror disagreement", "mixup TV from the blend",
	"mixup miss rate", "linear regions", "unit switches", "gate saturation",
}

// Statistics formats a probe's summary (surface.Summarize) as readable text, one quantity a line
// with its median, quartiles and maximum under a plain name (StatisticsNames; MetricHelp and
// docs/METRICS.md define each): what the app's Stats tab shows.
func Statistics(p *surface.ProbeSummary) string { return statistics(p, "") }

// StatisticsWith is Statistics with more lines (such as GateText over a split's images) before
// the closing pointer to the definitions.
func StatisticsWith(p *surface.ProbeSummary, more string) string { return statistics(p, more) }

func statistics(p *surface.ProbeSummary, more string) string {
	var b strings.Builder
	line := func(name, format string, a ...any) {
		fmt.Fprintf(&b, "%-26s "+format+"\n", append([]any{name}, a...)...)
	}
	st := func(name string, s surface.Stats) {
		line(name, "median %.4g  [q1 %.4g, q3 %.4g]  max %.4g", s.Median, s.Q1, s.Q3, s.Max)
	}
	fmt.Fprintf(&b, "%s probe, %dx%d points; derivatives per unit of input distance\n\n", p.Kind, p.NX, p.NY)
	line("predicted classes", "%d (largest %.0f%% of the points)", p.Values.Classes, 100*p.Values.Largest)
	st("margin", p.Values.Margin)
	st("top probability", p.Values.Confidence)
	st("plane gradient norm", p.Gradient)
	if p.InputGradient != nil {
		st("exact gradient norm", *p.InputGradient)
	}
	line("polynomial degree", "%s", degreeText(p.Degree))
	if c := p.Curvature; c != nil {
		st("|Gaussian curvature|", c.AbsGaussian)
		st("|mean curvature|", c.AbsMean)
		st("plane Hessian norm", c.HessianNorm)
		line("saddle points", "%.1f%% (K < 0)", 100*c.Saddle)
	}
	if s := p.Symmetry; s != nil {
		line("mirror difference", "mean %.4g (centred logits)", s.MeanAbsDiff)
		line("odd share", "%.3f of the centred logits' variance (0 = flip-invariant)", s.OddShare)
		line("mirror disagreement", "%.1f%% of the points", 100*s.Disagree)
	}
	if m := p.Mixup; m != nil {
		line("mixup TV from the blend", "mean %.4g, max %.4g", m.MeanTV, m.MaxTV)
		line("mixup miss rate", "%.1f%% (neither end's class)", 100*m.MissRate)
	}
	if r := p.Regions; r != nil {
		line("linear regions", "%s", RegionsText(r))
		line("unit switches", "%d, %.4g per unit distance", r.Switches, r.SwitchRate)
	}
	if g := p.Gates; g != nil {
		b.WriteString(GateText(g, "at the probe's points"))
	}
	b.WriteString(more)
	b.WriteString("\nDefinitions and formulas: Help ▸ Metrics (docs/METRICS.md).\n")
	return b.String()
}

// degreeText describes a degree fit: the degree, or why there is none.
func degreeText(d surface.DegreeFit) string {
	switch {
	case d.Aliased:
		return fmt.Sprintf("above %d: ALIASED, the function varies faster than the grid resolves (the samples alone suggest %d)", d.Cap, d.GridDegree)
	case d.Saturated:
		return fmt.Sprintf("above %d (saturated: more than the grid's cap)", d.Cap)
	}
	return fmt.Sprintf("%d (total degree, 1%% rule)", d.Degree)
}

// RegionsText describes a region count: the headline count and what it is, the grid's counts, and
// a warning when the grid saturated.
func RegionsText(r *surface.RegionSummary) string {
	var s string
	switch r.Basis {
	case surface.BasisExact:
		s = fmt.Sprintf("%d exact; grid: %d distinct patterns (lower bound)", r.Count, r.Patterns)
	case surface.BasisPatterns:
		s = fmt.Sprintf("≥ %d (distinct patterns on the grid, a lower bound)", r.Count)
	default:
		s = fmt.Sprintf("%d connected components on the grid (multiplicative net: regions may be non-convex); %d distinct patterns", r.Count, r.Patterns)
	}
	if r.Saturated {
		s += "; SATURATED: as many as grid points, refine the grid"
	}
	return s
}

// HessianText describes the extreme eigenvalues of a loss Hessian (surface.HessianExtremes) with
// their residual bounds, on one line.
func HessianText(s *surface.HessianSpectrum) string {
	conv := fmt.Sprintf("converged in %d Lanczos steps to %.0e·max|λ|", s.Steps, s.Tol)
	if !s.Converged {
		conv = fmt.Sprintf("NOT converged after %d Lanczos steps (tolerance %.0e·max|λ|): λmin may be further out", s.Steps, s.Tol)
	}
	return fmt.Sprintf("λmax %.4g ± %.2g, λmin %.4g ± %.2g, |λmin/λmax| %.4g; %s; %d parameters, %s",
		s.Max, s.MaxBound, s.Min, s.MinBound, s.Ratio, conv, s.Params, s.Method)
}

// GateText describes gate saturation (surface.GateSummary) over what the inputs were ("at the
// probe's points", "over 1000 images of mnist/test"): the pooled shares on one line under the
// plain name "gate saturation", then one line per gate.
func GateText(g *surface.GateSummary, over string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-26s < 0.05: %.1f%%, > 0.95: %.1f%% of all gate outputs, %s (%d inputs)\n", "gate saturation",
		100*g.Low, 100*g.High, over, g.Inputs)
	for _, s := range g.Gates {
		fmt.Fprintf(&b, "  %-24s < 0.05: %5.1f%%, > 0.95: %5.1f%%  (%s)\n", s.Name, 100*s.Low, 100*s.High, s.Kind)
	}
	return b.String()
}

// EpochGatesText describes the gate saturation a training epoch measured on the training images
// (train.EpochStats.Gates) on one indented line, pooled over the gates; "" when the net has none.
func EpochGatesText(gs []models.GateSaturation) string {
	if len(gs) == 0 {
		return ""
	}
	low, high := models.PooledSaturation(gs)
	return fmt.Sprintf("  gate saturation on the training images: < 0.05: %.1f%%, > 0.95: %.1f%% of the outputs of %d gates\n",
		100*low, 100*high, len(gs))
}
