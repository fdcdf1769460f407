package study

import (
	"testing"

	"gonum.org/v1/plot/plotter"

	"github.com/surfscope/surfscope/surface"
)

func TestWorthABoxPlot(t *testing.T) {
	for _, c := range []struct {
		name   string
		values map[string][]float64
		want   bool
	}{
		{"a distribution", map[string][]float64{"add": {1, 2, 3}, "mul": {2, 2, 5}}, true},
		{"one value per variant", map[string][]float64{"add": {0.469}, "mul": {0.331}}, false},
		{"saturated on every probe", map[string][]float64{"add": {256, 256, 256}, "mul": {256, 256, 256}}, false},
		{"constant in one variant only", map[string][]float64{"add": {256, 256, 256}, "mul": {250, 256, 256}}, true},
		{"nothing", map[string][]float64{}, false},
	} {
		if got := worthABoxPlot(c.values); got != c.want {
			t.Errorf("%s: worthABoxPlot = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPadRangeKeepsTheEndsInside(t *testing.T) {
	lo, hi := padRange(0.331, 0.469)
	if !(lo < 0.331 && hi > 0.469) {
		t.Errorf("padRange(0.331, 0.469) = [%g, %g], want both ends inside", lo, hi)
	}
	lo, hi = padRange(256, 256)
	if !(lo < 256 && hi > 256) {
		t.Errorf("padRange(256, 256) = [%g, %g], want a range around 256", lo, hi)
	}
}

func TestHessianRatioShowsAnUnresolvedMinimumAsABound(t *testing.T) {
	resolved := &surface.HessianSpectrum{Max: 3695, Min: -73.2, MinBound: 33.1, Ratio: 73.2 / 3695}
	if got := hessianRatio(resolved); got != "0.0198" {
		t.Errorf("resolved λmin: ratio %q, want 0.0198", got)
	}
	// λmin = −0.00508 ± 1.82: its sign is not known, so the ratio is at most (0.00508+1.82)/1079.
	unresolved := &surface.HessianSpectrum{Max: 1079, Min: -0.00508, MinBound: 1.82, Ratio: 0.00508 / 1079}
	if got := hessianRatio(unresolved); got != "≤ 0.00169" {
		t.Errorf("unresolved λmin: ratio %q, want ≤ 0.00169", got)
	}
}

func TestLegendGoesWhereTheCurvesAreNot(t *testing.T) {
	// A falling curve (a spectrum, a loss) leaves the top right empty; a rising one (accuracy) the
	// bottom right; a curve along the bottom the top right.
	xs := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	falling := []float64{100, 50, 20, 10, 5, 2, 1, 1, 1, 1}
	rising := []float64{10, 40, 70, 90, 95, 98, 99, 100, 100, 100}
	low := []float64{100, 1, 1, 1, 1, 1, 1, 1, 1, 2}
	for _, c := range []struct {
		name           string
		ys             []float64
		wantTop, wantL bool
	}{{"falling", falling, true, false}, {"rising", rising, false, false}, {"low", low, true, false}} {
		p := newPlot(c.name, "", "")
		var xy plotter.XYs
		for i := range xs {
			xy = append(xy, plotter.XY{X: xs[i], Y: c.ys[i]})
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			t.Fatal(err)
		}
		p.Add(l)
		if top, left := emptiestCorner(p, []plotter.XYs{xy}); top != c.wantTop || left != c.wantL {
			t.Errorf("%s curve: legend top=%v left=%v, want top=%v left=%v", c.name, top, left, c.wantTop, c.wantL)
		}
	}
}
