package main

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// TestAppAndCLICurvatureAgree: the curvature the app colours a surface with (view.State.Scene,
// the app's and `render`'s path) equals the map `analyze --metric gauss:K` / `meancurv:K` writes,
// on a random plane, whose directions are not unit vectors (so plane coordinates and input-space
// distances differ).
func TestAppAndCLICurvatureAgree(t *testing.T) {
	s := view.Default()
	s.Probe, s.Grid, s.Class = "random:3,7", 11, 4
	sm, err := s.Sample(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ app, cli string }{{"Gaussian curvature", "gauss:4"}, {"mean curvature", "meancurv:4"}} {
		npy := filepath.Join(t.TempDir(), "m.npy")
		mustRun(t, "analyze", "--probe", s.Probe, "--grid", "11", "--metric", c.cli, "--npy", npy, "--regions=false", "--inputgrad=false")
		_, cli, err := surface.ReadNPY(npy)
		if err != nil {
			t.Fatal(err)
		}
		s.Metric = c.app
		sc, err := s.Scene(sm.Grid, sm.Set)
		if err != nil {
			t.Fatal(err)
		}
		app := sc.Color.(*surface.Field)
		for q, v := range cli {
			a := app.Z(q%11, q/11)
			if math.Abs(a-float64(v)) > 1e-5*(1+math.Abs(a)) {
				t.Fatalf("%s at point %d: app %g, analyze %g", c.app, q, a, v)
			}
		}
	}
}
