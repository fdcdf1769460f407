package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/surface"
)

// testAtlas is an atlas of given per-probe values, as BuildAtlas fills it.
func testAtlas(values map[string]surface.ProbeValues) *surface.Atlas {
	a := &surface.Atlas{Probes: map[string]int{"plane": 5, "line": 0}, Metrics: map[string]surface.Stats{}, Values: values,
		Config: surface.AtlasConfig{Grid: 8, Points: 11, Seed: 3}}
	for k, v := range values {
		a.Metrics[k] = surface.Describe(v)
	}
	return a
}

// The table of two models gives each model's median [q1, q3], the paired difference with its
// interval (a shift of exactly 2 on every probe: +2 [+2, +2]), marks a count that saturated the
// grid, and leaves out flip rows when no flip planes ran.
func TestAtlasTable(t *testing.T) {
	a := testAtlas(map[string]surface.ProbeValues{
		"plane.grad":              {1, 2, 3, 4, 5},
		"plane.patterns":          {10, 20, 30, 40, 50},
		"plane.regions_saturated": {0, 0, 0, 0, 0},
	})
	b := testAtlas(map[string]surface.ProbeValues{
		"plane.grad":              {3, 4, 5, 6, 7},
		"plane.patterns":          {64, 64, 30, 64, 64},
		"plane.regions_saturated": {1, 1, 0, 1, 1},
	})
	a.Metrics["flip.agreement"] = surface.Describe([]float64{0.5})
	var out bytes.Buffer
	printAtlas(&out, []string{"A", "B"}, []*surface.Atlas{a, b})
	text := out.String()
	for _, want := range []string{"Δ B − A [CI]", "3 [2, 4]", "5 [4, 6]", "+2 [+2, +2]  plane.grad", "64 [64, 64] *",
		"* the count reached the grid's resolution", "95% percentile bootstrap interval, 2000 resamples, seed 3"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "30 [20, 40] *") {
		t.Errorf("the unsaturated model's count is marked:\n%s", text)
	}
	if strings.Contains(text, "flip") {
		t.Errorf("flip rows without flip planes:\n%s", text)
	}
	// Atlases of different probes (another seed) have no paired difference.
	b.Config.Seed = 4
	out.Reset()
	printAtlas(&out, []string{"A", "B"}, []*surface.Atlas{a, b})
	if strings.Contains(out.String(), "+2 [") {
		t.Errorf("differences between atlases of different probes:\n%s", out.String())
	}
}
