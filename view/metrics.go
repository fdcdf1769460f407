package view

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
