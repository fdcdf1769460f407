package view

import (
	"fmt"
	"strings"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// Metrics are what the surface view can show. Heights are always a per-point value; where a metric
// is a property of the logit surface (its gradient, its curvature, its mirror asymmetry) the height
// stays the chosen logit and the metric colours it. docs/METRICS.md defines each (MetricHelp).
var Metrics = []string{
	"logit", "probability", "margin", "loss", "predicted class",
	"gradient norm", "Gaussian curvature", "mean curvature", "mirror difference",
}

// metricNames maps the short names of `surfscope analyze --metric` to the names in Metrics (and
// the principal curvatures, which only analyze writes).
var metricNames = map[string]string{
	"prob": "probability", "class": "predicted class", "grad": "gradient norm",
	"gauss": "Gaussian curvature", "meancurv": "mean curvature", "mirror": "mirror difference",
	"k1": "principal curvature k1", "k2": "principal curvature k2",
}

// MetricField computes a per-point metric of logit k of g (name from Metrics, or a short name of
// `analyze`: prob, class, grad, gauss, meancurv, k1, k2, mirror); label is the class "loss"
// scores against. It is the one code path of the app, `render` and `analyze`: derivatives are
// taken over isometric coordinates (distances in input space, Grid.Isometric) and the mirror
// difference on centred logits (Grid.Centred). Errors: an unknown name, curvature on a line, a
// mirror difference off a flip plane.
func MetricField(g *surface.Grid, name string, k, label int) (*surface.Field, error) {
	if long, ok := metricNames[name]; ok {
		name = long
	}
	switch name {
	case "", "logit":
		return g.Channel(k), nil
	case "probability":
		return surface.Probability(g, k), nil
	case "margin":
		return surface.Margin(g), nil
	case "loss":
		return surface.Loss(g, label), nil
	case "predicted class":
		return surface.Predicted(g), nil
	case "gradient norm":
		return surface.GradientNorm(g.Isometric(k))
	case "Gaussian curvature", "mean curvature", "principal curvature k1", "principal curvature k2":
		if g.NY < 2 {
			return nil, fmt.Errorf("%s needs a plane, not a line", name)
		}
		c, err := surface.Curvatures(g.Isometric(k))
		if err != nil {
			return nil, err
		}
		return map[string]*surface.Field{"Gaussian curvature": c.Gaussian, "mean curvature": c.Mean,
			"principal curvature k1": c.K1, "principal curvature k2": c.K2}[name], nil
	case "mirror difference":
		if g.Probe == nil || g.Probe.Kind != "flip" {
			return nil, fmt.Errorf("the mirror difference needs a flip plane (flip:I,SEED)")
		}
		return surface.MirrorDifference(g.Centred().Channel(k))
	}
	return nil, fmt.Errorf("unknown metric %q", name)
}

// metricScene fills the height, colour and colour bar of s with metric over logit k of g; label is
// the class used by "loss" (the first anchor image's label).
func metricScene(s *render.Scene, metric string, g *surface.Grid, k, label int, logitLabel string) error {
	f, err := MetricField(g, metric, k, label)
	if err != nil {
		return err
	}
	s.Field = g.Channel(k)
	s.ZLabel = logitLabel
	switch metric {
	case "", "logit":
		s.Label = logitLabel
	case "probability":
		s.Field = f
		s.Label = "p(" + strings.TrimPrefix(logitLabel, "logit ") + ")"
	case "margin":
		s.Field = f
		s.Label = "margin (top − runner-up logit)"
	case "loss":
		s.Field = f
		s.Label = fmt.Sprintf("cross-entropy loss, label %d", label)
	case "predicted class":
		s.Field = surface.Margin(g)
		s.Color = f
		s.Categorical = true
		s.Label = "predicted class"
		s.ZLabel = "margin"
	case "gradient norm":
		s.Color = f
		s.Label = "‖∇" + logitLabel + "‖ in the plane, per unit input distance"
	case "Gaussian curvature", "mean curvature":
		s.Color, s.Label = f, metric+" of "+logitLabel+" (input-space units)"
	case "mirror difference":
		s.Color = f
		s.Label = "|f̃(s,t) − f̃(−s,t)|, centred " + logitLabel
	}
	if s.Label != logitLabel && s.Color == nil {
		s.ZLabel = s.Label
	}
	return nil
}
