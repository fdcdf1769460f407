package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
)

func TestAnalyzeCommand(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		probe, metric string
		shape         []int
		want          []string
	}{
		{"data:3,7,11", "meancurv:2", []int{9, 9}, []string{"curvature", "linear regions"}},
		{"mixup:2,5", "mixup", []int{13}, []string{"mixup TV from the blend"}},
		{"flip:4,9", "mirror:1", []int{9, 9}, []string{"mirror difference", "centred logits"}},
		{"grad:6,1", "loss", []int{9, 9}, []string{"adversarial"}},
		{"pca:8", "inputgrad", []int{9, 9}, []string{"pca"}},
	}
	for _, c := range cases {
		js, npy, vts := filepath.Join(dir, "s.json"), filepath.Join(dir, "m.npy"), filepath.Join(dir, "s.vts")
		out := mustRun(t, "analyze", "--probe", c.probe, "--grid", "9", "--points", "13", "--metric", c.metric,
			"--out", js, "--npy", npy, "--vts", vts)
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.probe, w, out)
			}
		}
		shape, data, err := surface.ReadNPY(npy)
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != len(c.shape) || shape[0] != c.shape[0] || len(data) != 81 && len(data) != 13 {
			t.Errorf("%s: map shape %v, want %v", c.probe, shape, c.shape)
		}
		var rep struct {
			Probe   string
			Summary surface.ProbeSummary
			Map     surface.Stats
		}
		b, err := os.ReadFile(js)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatalf("%s: summary JSON: %v", c.probe, err)
		}
		if rep.Probe != c.probe || rep.Summary.NX != c.shape[len(c.shape)-1] || math.IsNaN(rep.Summary.Gradient.Mean) {
			t.Errorf("%s: summary %+v", c.probe, rep)
		}
		if v, _ := os.ReadFile(vts); !strings.Contains(string(v), `<StructuredGrid WholeExtent=`) {
			t.Errorf("%s: no structured grid in the .vts file", c.probe)
		}
	}
	for _, bad := range [][]string{
		{"--probe", "data:0,1,2", "--metric", "logit"},     // class missing
		{"--probe", "data:0,1,2", "--metric", "logit:10"},  // class out of range
		{"--probe", "data:0,1,2", "--metric", "mirror:0"},  // not a flip plane
		{"--probe", "pca:1,2,3"},                           // bad spec
		{"--probe", "grad:99999,1"},                        // image out of range
		{"--probe", "mixup:0,1", "--metric", "meancurv:0"}, // curvature of a line
	} {
		if code, _, errs := cli(append([]string{"analyze"}, bad...)...); code != 1 || strings.Count(strings.TrimSpace(errs), "\n") > 3 {
			t.Errorf("analyze %v: exit %d, stderr %q; want one clear error", bad, code, errs)
		}
	}
}

func TestLandscapeCommand(t *testing.T) {
	dir := t.TempDir()
	npy, acc, js := filepath.Join(dir, "l.npy"), filepath.Join(dir, "a.npy"), filepath.Join(dir, "l.json")
	out := mustRun(t, "landscape", "--grid", "5", "--images", "200", "--hessian-steps", "5", "--out", npy, "--acc", acc, "--json", js)
	if !strings.Contains(out, "Hessian at the centre") || !strings.Contains(out, "ms per point") {
		t.Errorf("output:\n%s", out)
	}
	shape, loss, err := surface.ReadNPY(npy)
	if err != nil || len(shape) != 2 || shape[0] != 5 || shape[1] != 5 {
		t.Fatalf("loss map %v, %v", shape, err)
	}
	// The centre is the trained model: its loss is the smallest on the grid.
	for k, v := range loss {
		if v < loss[12] {
			t.Errorf("loss %g at point %d is below the centre's %g", v, k, loss[12])
		}
	}
	var rep struct {
		Hessian surface.HessianSpectrum
		Seconds float64
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &rep); err != nil || rep.Hessian.Max <= 0 || rep.Seconds <= 0 {
		t.Fatalf("landscape JSON %s: %v", b, err)
	}
	// The line from a model to itself is flat.
	mustRun(t, "landscape", "--other", "embedded", "--grid", "3", "--images", "50", "--out", npy)
	_, line, _ := surface.ReadNPY(npy)
	if len(line) != 3 || line[0] != line[2] {
		t.Errorf("line from a model to itself: %v", line)
	}
	if code, _, _ := cli("landscape", "--grid", "5"); code != 2 {
		t.Error("missing --out accepted")
	}
}

func TestAtlasCommand(t *testing.T) {
	js := filepath.Join(t.TempDir(), "atlas.json")
	out := mustRun(t, "atlas", "--model", "embedded", "--model", "embedded", "--planes", "3", "--lines", "4", "--flips", "2",
		"--grid", "9", "--points", "21", "--images", "300", "--json", js)
	for _, w := range []string{"polynomial degree (total, 1% rule)", "plane.degree", "line.tv", "flip.odd_share", "linear regions (exact)", "plane.regions_exact", "median [q1, q3]"} {
		if !strings.Contains(out, w) {
			t.Errorf("atlas table lacks %q:\n%s", w, out)
		}
	}
	var file struct {
		Provenance provenance.Record `json:"provenance"`
		Atlases    []surface.Atlas   `json:"atlases"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &file); err != nil || len(file.Atlases) != 2 {
		t.Fatalf("atlas JSON: %v", err)
	}
	atlases := file.Atlases
	if p := file.Provenance; len(p.Models) != 2 || p.Models[1].Path != "embedded" || p.Seed == nil || *p.Seed != 1 || p.Data != "sample" || !strings.HasPrefix(p.Command, "surfscope atlas --model embedded") {
		t.Errorf("atlas provenance %+v", p)
	}
	// The same seed gives the same probes: two copies of one model agree exactly.
	if atlases[0].Metrics["plane.grad"] != atlases[1].Metrics["plane.grad"] || atlases[0].Probes["line"] != 4 {
		t.Errorf("atlases differ: %+v vs %+v", atlases[0].Metrics["plane.grad"], atlases[1].Metrics["plane.grad"])
	}
	shown := mustRun(t, "atlas", "--show", js)
	if !strings.Contains(shown, "plane.degree") || !strings.Contains(shown, "Δ embedded − embedded [CI]") {
		t.Errorf("--show table:\n%s", shown)
	}
	// A model against itself differs by nothing on every probe.
	for _, line := range strings.Split(shown, "\n") {
		if strings.HasSuffix(line, "plane.grad") && !strings.Contains(line, "  0 [0, 0]  plane.grad") {
			t.Errorf("difference of a model from itself: %q", line)
		}
	}
	// Files written before provenance, a bare list of atlases, still show.
	old, _ := json.Marshal(atlases)
	os.WriteFile(js, old, 0o644)
	if shown := mustRun(t, "atlas", "--show", js); !strings.Contains(shown, "Δ embedded − embedded [CI]") {
		t.Errorf("--show of a bare list:\n%s", shown)
	}
	if code, _, _ := cli("atlas", "--show", filepath.Join(t.TempDir(), "missing.json")); code != 1 {
		t.Error("a missing --show file accepted")
	}
	one := mustRun(t, "atlas", "--planes", "2", "--lines", "2", "--grid", "9", "--images", "100", "--explain")
	if !strings.Contains(one, "mean") || !strings.Contains(one, "key") || !strings.Contains(one, "### Gaussian curvature") {
		t.Errorf("single-model table:\n%s", one)
	}
	if strings.Contains(one, "flip.") || strings.Contains(one, "flip planes") { // no flip planes were run
		t.Errorf("flip rows without flip planes:\n%s", one)
	}
}

// A model line between two nets with batch norm recomputes their statistics at every λ on training
// images by default, says so, and reports the barrier; --bn-stats interpolate moves them with the
// weights instead.
func TestLandscapeLineBatchNormStatistics(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for seed := range int64(2) {
		net, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 28, 28}, Classes: 10, Channels: []int{4}, BatchNorm: true}, seed)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("m%d.safetensors", seed)))
		if err := models.Save(paths[seed], net); err != nil {
			t.Fatal(err)
		}
	}
	npy, js := filepath.Join(dir, "l.npy"), filepath.Join(dir, "l.json")
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{nil, "recomputed at every λ on the first 100 images of sample/train"},
		{[]string{"--bn-stats", "interpolate"}, "interpolated with the weights"},
	} {
		args := append([]string{"landscape", "--model", paths[0], "--other", paths[1], "--grid", "5", "--from", "0", "--to", "1",
			"--images", "60", "--bn-images", "100", "--out", npy, "--json", js}, c.flags...)
		out := mustRun(t, args...)
		if !strings.Contains(out, c.want) || !strings.Contains(out, "barrier over λ in [0, 1]: loss") {
			t.Errorf("%v: output lacks %q:\n%s", c.flags, c.want, out)
		}
		var rep struct {
			Barrier    surface.Barrier
			Statistics string `json:"batch_norm_statistics"`
		}
		b, _ := os.ReadFile(js)
		if err := json.Unmarshal(b, &rep); err != nil || !strings.HasPrefix(c.want, rep.Statistics[:10]) || rep.Barrier.Loss < 0 {
			t.Errorf("%v: JSON %s (%v)", c.flags, b, err)
		}
	}
	if code, _, _ := cli("landscape", "--other", paths[1], "--bn-stats", "average", "--out", npy); code == 0 {
		t.Error("--bn-stats average accepted")
	}
}
