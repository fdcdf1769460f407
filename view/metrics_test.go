package view

import (
	"math"
	"testing"

	"github.com/surfscope/surfscope/surface"
)

// TestCurvatureIsInInputSpaceUnits: on a random plane, whose directions are scaled to ‖x0‖ (so
// plane coordinates are not distances), the curvature the app and `render` colour the surface
// with is that of the logit surface over isometric coordinates (Grid.Isometric), the same as
// `analyze` and the Stats tab: Gaussian curvature scales like 1/length², mean like 1/length, so in
// plane coordinates they were not even a rescaling of each other.
func TestCurvatureIsInInputSpaceUnits(t *testing.T) {
	s := Default()
	s.Probe, s.Grid, s.Class = "random:3,7", 11, 4
	g, set := sampled(t, s)
	if g.Probe == nil || math.Abs(g.Isometric(4).X(1)-g.Channel(4).X(1)) < 1e-6 {
		t.Fatalf("test plane: isometric coordinates equal the plane's; pick a plane whose directions are not unit")
	}
	want, err := surface.Curvatures(g.Isometric(4))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		metric string
		field  *surface.Field
	}{{"Gaussian curvature", want.Gaussian}, {"mean curvature", want.Mean}} {
		s.Metric = c.metric
		sc, err := s.Scene(g, set)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := sc.Color.(*surface.Field)
		if !ok {
			t.Fatalf("%s: colour %T", c.metric, sc.Color)
		}
		for q := range c.field.Values {
			i, j := q%g.NX, q/g.NX
			if d := math.Abs(got.Z(i, j) - c.field.Z(i, j)); d > 1e-6*(1+math.Abs(c.field.Z(i, j))) {
				t.Fatalf("%s at (%d, %d): %g, isometric %g", c.metric, i, j, got.Z(i, j), c.field.Z(i, j))
			}
		}
	}
}

// TestEveryMetricIsDefined: every metric the app offers, every line of the Stats tab and every
// atlas key has its section in docs/METRICS.md, which is also its help text.
func TestEveryMetricIsDefined(t *testing.T) {
	var names []string
	names = append(names, Metrics...)
	names = append(names, StatisticsNames...)
	for _, m := range surface.AtlasMetrics {
		names = append(names, m.Name) // the label is shown, the key finds the help
	}
	for _, n := range names {
		if MetricHelp(n) == "" {
			t.Errorf("%q has no definition in docs/METRICS.md", n)
		}
	}
}
