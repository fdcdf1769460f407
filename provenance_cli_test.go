package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/provenance"
)

// Every file the commands write carries its provenance: the command line as run, the model's file
// and SHA-256, the data, split, probe and seed, the grid and the metric. `surfscope provenance`
// prints it, checks that a file comes from a model, and refuses a file whose sidecar does not match.
func TestEveryFileCarriesProvenance(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	model := at("m.safetensors")
	mustRun(t, "train", "--data", "sample", "--limit", "100", "--hidden", "128,128", "--epochs", "1", "--until-fit=false", "--allow-unfit", "--seed", "3",
		"--out", model, "--out-dir", at("series"))
	mid, err := modelfile.Identify(model)
	if err != nil {
		t.Fatal(err)
	}
	emb, _ := modelfile.Identify(modelfile.Embedded)
	probe := []string{"--model", model, "--probe", "random:2,9", "--grid", "9"}
	runs := [][]string{
		append([]string{"sample", "--out", at("g.npy")}, probe...),
		append([]string{"render", "--width", "64", "--height", "48", "--samples", "1", "--metric", "margin", "--out", at("r.png")}, probe...),
		append([]string{"render", "--view", "heatmap", "--width", "200", "--height", "150", "--metric", "margin", "--out", at("r.svg")}, probe...),
		append([]string{"render", "--view", "heatmap", "--width", "200", "--height", "150", "--metric", "margin", "--out", at("r.pdf")}, probe...),
		append([]string{"analyze", "--metric", "gauss:1", "--npy", at("a.npy"), "--vts", at("a.vts"), "--out", at("a.json")}, probe...),
		{"eval", "--model", model, "--ids", "0-3", "--out", at("e.npy")},
		{"landscape", "--model", model, "--other", "embedded", "--grid", "3", "--images", "20", "--out", at("l.npy"), "--acc", at("l-acc.npy"), "--json", at("l.json")},
		{"ntk", "--model", model, "--n", "40", "--trials", "0", "--init=false", "--test-n", "20", "--plane", "flip:1,4", "--grid", "5", "--modes", "2",
			"--out", at("k.json"), "--npy", at("k.npy"), "--plane-out", at("kp.npy")},
	}
	for _, args := range runs {
		mustRun(t, args...)
	}
	m := []provenance.Model{mid}
	checkRecords(t, dir, map[string]wantRecord{
		"m.safetensors":                 {command: "train", seed: 3},
		"series/epoch-0001.safetensors": {command: "train", seed: 3},
		"series/" + series.IndexName:    {command: "train", seed: 3},
		"g.npy":                         {runs[0][0], "logits", "random:2,9", 9, m, []int{9, 9}},
		"r.png":                         {runs[1][0], "margin", "random:2,9", 9, m, []int{9, 9}},
		"r.svg":                         {runs[1][0], "margin", "random:2,9", 9, m, []int{9, 9}},
		"r.pdf":                         {runs[1][0], "margin", "random:2,9", 9, m, []int{9, 9}},
		"a.npy":                         {runs[4][0], "gauss:1", "random:2,9", 9, m, []int{9, 9}},
		"a.vts":                         {runs[4][0], "gauss:1", "random:2,9", 9, m, []int{9, 9}},
		"a.json":                        {runs[4][0], "gauss:1", "random:2,9", 9, m, []int{9, 9}},
		"e.npy":                         {runs[5][0], "logits", "", 0, m, nil},
		"l.npy":                         {runs[6][0], "loss", "", 0, []provenance.Model{mid, emb}, []int{3}},
		"l-acc.npy":                     {runs[6][0], "accuracy", "", 0, []provenance.Model{mid, emb}, []int{3}},
		"l.json":                        {runs[6][0], "loss", "", 0, []provenance.Model{mid, emb}, []int{3}},
		"k.json":                        {runs[7][0], "", "", 1, m, nil},
		"k.npy":                         {runs[7][0], "NTK spectrum", "", 1, m, nil},
		"kp.npy":                        {runs[7][0], "NTK eigenfunctions", "flip:1,4", 4, m, []int{5, 5}},
	})
	if r, _, _ := provenance.Read(at("r.png")); r.Class == nil || r.Renderer == "" || !strings.Contains(r.Command, "--out "+at("r.png")) {
		t.Errorf("render's PNG: class %v, renderer %q, command %q", r.Class, r.Renderer, r.Command)
	}
	if r, _, _ := provenance.Read(model); r.Split != "train" {
		t.Errorf("the checkpoint's split %q", r.Split)
	}
	checkProvenanceCommand(t, dir, model, mid)
}

// wantRecord is what a file's provenance must say: its command (the subcommand), metric (a
// prefix), probe, seed (0: none), models and grid.
type wantRecord struct {
	command, metric, probe string
	seed                   uint64
	models                 []provenance.Model
	grid                   []int
}

// checkRecords reads the provenance of each file in dir and compares it with what it must say.
func checkRecords(t *testing.T, dir string, files map[string]wantRecord) {
	t.Helper()
	for name, w := range files {
		rec, where, err := provenance.Read(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.HasPrefix(rec.Command, "surfscope "+w.command+" ") || !strings.HasPrefix(rec.Metric, w.metric) || rec.Probe != w.probe ||
			!slices.Equal(rec.Models, w.models) || !slices.Equal(rec.Grid, w.grid) || rec.Data != "sample" || rec.Surfscope == "" || rec.Time == "" {
			t.Errorf("%s (%s): %+v", name, where, rec)
		}
		if (rec.Seed == nil) != (w.seed == 0) || rec.Seed != nil && *rec.Seed != w.seed {
			t.Errorf("%s: seed %v, want %d", name, rec.Seed, w.seed)
		}
	}
}

// checkProvenanceCommand runs `surfscope provenance` on the files of TestEveryFileCarriesProvenance:
// it prints the fields, checks the model (mid, of file model), and refuses a changed NPY.
func checkProvenanceCommand(t *testing.T, dir, model string, mid provenance.Model) {
	t.Helper()
	at := func(name string) string { return filepath.Join(dir, name) }
	out := mustRun(t, "provenance", "--model", model, at("r.png"), at("g.npy"), at("a.vts"))
	for _, s := range []string{at("r.png") + " (PNG text chunks):", "  model_sha256: " + mid.SHA256, "  probe: random:2,9", "g.npy.json (the NPY's SHA-256 matches)", "VTK FieldData"} {
		if !strings.Contains(out, s) {
			t.Errorf("provenance output lacks %q:\n%s", s, out)
		}
	}
	if js := mustRun(t, "provenance", "--json", at("l.json")); !strings.HasPrefix(js, `{"file":"`+at("l.json")+`","where":"JSON provenance block","provenance":{"surfscope":`) {
		t.Errorf("--json: %s", js)
	}
	if code, _, errs := cli("provenance", "--model", "embedded", at("g.npy")); code != 1 || !strings.Contains(errs, "does not come from embedded") {
		t.Errorf("a file checked against another model: exit %d, %s", code, errs)
	}
	os.WriteFile(at("g.npy"), []byte("\x93NUMPY changed"), 0o644)
	if code, _, errs := cli("provenance", at("g.npy")); code != 1 || !strings.Contains(errs, "does not belong to") {
		t.Errorf("a changed NPY: exit %d, %s", code, errs)
	}
	if code, _, _ := cli("provenance"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}

	// ImageMagick sees the text chunks of render's PNG.
	if _, err := exec.LookPath("identify"); err == nil {
		b, err := exec.Command("identify", "-verbose", at("r.png")).CombinedOutput()
		if err != nil || !strings.Contains(string(b), "surfscope:model_sha256: "+mid.SHA256) || !strings.Contains(string(b), "surfscope:command: ") {
			t.Errorf("identify -verbose: %v\n%s", err, b)
		}
	}
}
