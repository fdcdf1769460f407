package view

import (
	"fmt"
	"strings"

	"github.com/surfscope/surfscope/surface"
)

// Statistics formats a probe's summary (surface.Summarize) as readable text, one quantity a line
// with its median, quartiles and maximum: what the app's Stats tab shows.
func Statistics(p *surface.ProbeSummary) string {
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
