package app

import (
	"fmt"
	"strings"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// Metrics are what the surface view can show. Heights are always a per-point value; where a metric
// is a property of the logit surface (its gradient, its curvature, its mirror asymmetry) the height
// stays the chosen logit and the metric colours it.
var Metrics = []string{
	"logit", "probability", "margin", "loss", "predicted class",
	"gradient norm", "Gaussian curvature", "mean curvature", "mirror difference",
}

// metricScene fills the height, colour and colour bar of s with metric over logit k of g; label is
// the class used by "loss" (the first anchor image's label).
func metricScene(s *render.Scene, metric string, g *surface.Grid, k, label int, logitLabel string) error {
	logit := g.Channel(k)
	s.Field = logit
	s.ZLabel = logitLabel
	switch metric {
	case "", "logit":
		s.Label = logitLabel
	case "probability":
		s.Field = surface.Probability(g, k)
		s.Label = "p(" + strings.TrimPrefix(logitLabel, "logit ") + ")"
	case "margin":
		s.Field = surface.Margin(g)
		s.Label = "margin (top − runner-up logit)"
	case "loss":
		s.Field = surface.Loss(g, label)
		s.Label = fmt.Sprintf("cross-entropy loss, label %d", label)
	case "predicted class":
		s.Field = surface.Margin(g)
		s.Color = surface.Predicted(g)
		s.Categorical = true
		s.Label = "predicted class"
		s.ZLabel = "margin"
	case "gradient norm":
		f, err := surface.GradientNorm(g.Isometric(k))
		if err != nil {
			return err
		}
		s.Color = f
		s.Label = "‖∇" + logitLabel + "‖ in the plane"
	case "Gaussian curvature", "mean curvature":
		c, err := surface.Curvatures(logit)
		if err != nil {
			return err
		}
		s.Color, s.Label = c.Gaussian, "Gaussian curvature of "+logitLabel
		if metric == "mean curvature" {
			s.Color, s.Label = c.Mean, "mean curvature of "+logitLabel
		}
		s.Colormap = render.Coolwarm
	case "mirror difference":
		if g.Probe == nil || g.Probe.Kind != "flip" {
			return fmt.Errorf("the mirror difference needs a flip plane (flip:I,SEED)")
		}
		f, err := surface.MirrorDifference(logit)
		if err != nil {
			return err
		}
		s.Color = f
		s.Label = "|f(s,t) − f(−s,t)|"
	default:
		return fmt.Errorf("unknown metric %q", metric)
	}
	if s.Label != logitLabel && s.Color == nil {
		s.ZLabel = s.Label
	}
	return nil
}

// statsText formats a probe summary for the stats panel.
func statsText(p *surface.ProbeSummary) string {
	var b strings.Builder
	st := func(name string, s surface.Stats) {
		fmt.Fprintf(&b, "%-22s median %.4g  [q1 %.4g, q3 %.4g]  max %.4g\n", name, s.Median, s.Q1, s.Q3, s.Max)
	}
	fmt.Fprintf(&b, "%s probe, %dx%d points\n\n", p.Kind, p.NX, p.NY)
	fmt.Fprintf(&b, "predicted classes       %d (largest %.0f%% of the points)\n", p.Values.Classes, 100*p.Values.Largest)
	st("margin", p.Values.Margin)
	st("top probability", p.Values.Confidence)
	st("gradient norm", p.Gradient)
	if p.InputGradient != nil {
		st("‖∇x f_top‖ (exact)", *p.InputGradient)
	}
	fmt.Fprintf(&b, "polynomial degree       %d", p.Degree.Degree)
	if p.Degree.Saturated {
		b.WriteString(" (saturated: the cap was reached)")
	}
	b.WriteString("   (smallest Chebyshev degree leaving < 1% of the variance)\n")
	if c := p.Curvature; c != nil {
		st("|Gaussian curvature|", c.AbsGaussian)
		st("|mean curvature|", c.AbsMean)
		st("Hessian norm", c.HessianNorm)
		fmt.Fprintf(&b, "saddle points           %.1f%%\n", 100*c.Saddle)
	}
	if s := p.Symmetry; s != nil {
		fmt.Fprintf(&b, "mirror |Δ| mean         %.4g\nodd share of variance   %.3f (0 = flip-invariant)\nmirror disagreement     %.1f%%\n",
			s.MeanAbsDiff, s.OddShare, 100*s.Disagree)
	}
	if m := p.Mixup; m != nil {
		fmt.Fprintf(&b, "mixup TV from the blend mean %.4g, max %.4g\nmiss rate (neither end's class) %.1f%%\n",
			m.MeanTV, m.MaxTV, 100*m.MissRate)
	}
	if r := p.Regions; r != nil {
		fmt.Fprintf(&b, "linear regions          %d connected, %d activation patterns, %d unit switches\n",
			r.Regions, r.Patterns, r.Switches)
	}
	return b.String()
}
