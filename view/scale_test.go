package view

import (
	"math"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// analytic returns an n×n one-logit grid over [−1, 1]² with values f(s, t).
func analytic(n int, f func(s, t float64) float64) *surface.Grid {
	c := projection.Linspace(-1, 1, n)
	g := &surface.Grid{NX: n, NY: n, K: 1, S: c, T: c, Values: make([]float32, n*n)}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			g.Values[j*n+i] = float32(f(c[i], c[j]))
		}
	}
	return g
}

// The colour scale cuts the given percentiles (numpy's linear interpolation) and widens to a
// symmetric range when asked.
func TestColorScale(t *testing.T) {
	f := &render.Grid{NX: 100, NY: 1, Values: make([]float64, 100)}
	for i := range f.Values {
		f.Values[i] = float64(i) // 0 … 99
	}
	f.Values[50] = math.NaN() // left out: 99 values 0…49, 51…99
	lo, hi, ok := ColorScale(f, 0, false)
	if !ok || lo != 0 || hi != 99 {
		t.Errorf("full range [%g, %g]", lo, hi)
	}
	// 99 values: position q·98; the 1st percentile is at 0.98, between 0 and 1.
	lo, hi, _ = ColorScale(f, 1, false)
	if math.Abs(lo-0.98) > 1e-12 || math.Abs(hi-98.02) > 1e-12 {
		t.Errorf("1–99%% range [%g, %g], want [0.98, 98.02]", lo, hi)
	}
	lo, hi, _ = ColorScale(f, 1, true)
	if lo != -hi || math.Abs(hi-98.02) > 1e-12 {
		t.Errorf("symmetric range [%g, %g]", lo, hi)
	}
	if _, _, ok := ColorScale(&render.Grid{NX: 2, NY: 1, Values: []float64{3, 3}}, 1, false); ok {
		t.Error("a constant field has a colour range")
	}
}

// Tukey's far-out fences leave surfaces without outliers alone (a plane, a paraboloid, a sine)
// and clip a corner that dives to −150 while the rest stays within ±2.
func TestHeightScaleClipsOnlyOutliers(t *testing.T) {
	for name, f := range map[string]func(s, t float64) float64{
		"plane":      func(s, t float64) float64 { return 3*s - t },
		"paraboloid": func(s, t float64) float64 { return s*s + t*t },
		"sine":       func(s, t float64) float64 { return math.Sin(4 * s * t) },
		"ridge":      func(s, t float64) float64 { return math.Exp(-20 * s * s) },
	} {
		g := analytic(33, f)
		if lo, hi, clipped := HeightScale(g.Channel(0)); clipped {
			t.Errorf("%s clipped to [%g, %g]", name, lo, hi)
		}
	}
	corner := func(s, t float64) float64 {
		if s > 0.8 && t > 0.8 {
			return -150
		}
		return 2 * s * t
	}
	g := analytic(33, corner)
	lo, hi, clipped := HeightScale(g.Channel(0))
	if !clipped || lo < -10 || hi != 2 {
		t.Errorf("outlier corner: range [%g, %g], clipped %v; want about [−5, 2]", lo, hi, clipped)
	}
	// Through a scene: the heights' range is the clipped one, the caption says so, and the colour
	// range is the 1st–99th percentile, so the colour bar marks its low end as extended.
	sc, err := Scene(g, nil, SceneOptions{ColorClip: 1, HeightClip: true, Caption: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if sc.ZMin != lo || sc.ZMax != hi || !strings.Contains(sc.Caption, "heights clipped") {
		t.Errorf("scene heights [%g, %g], caption %q", sc.ZMin, sc.ZMax, sc.Caption)
	}
	clo, chi, vlo, _, err := sc.ColorRange()
	if err != nil || clo <= vlo || clo < -10 || chi > 2 {
		t.Errorf("colour range [%g, %g] over values from %g (%v)", clo, chi, vlo, err)
	}
	sc, _ = Scene(g, nil, SceneOptions{ZMin: -1, ZMax: 1, HeightClip: true})
	if sc.ZMin != -1 || sc.ZMax != 1 || strings.Contains(sc.Caption, "clipped") {
		t.Errorf("explicit height range: [%g, %g], caption %q", sc.ZMin, sc.ZMax, sc.Caption)
	}
}
