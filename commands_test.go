package main

import (
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/surface/ntk"
)

// The package documentation (what `go doc` shows) lists every command with its summary.
func TestMainDocListsEveryCommand(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	for _, c := range commands() {
		if !strings.Contains(doc, "\t"+c.name+" ") {
			t.Errorf("main.go's doc does not list %q", c.name)
		}
	}
}

// train records what it trained on as data; ntk reads the training-set size from it (the model's
// own size joins the default sizes). A checkpoint without the record (as written before it
// existed, with only the human-readable "dataset" line) still loads and works in every command,
// and ntk says it does not know the size.
func TestTrainingRecordThroughTheCommands(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.safetensors")
	mustRun(t, "train", "--data", "sample", "--limit", "200", "--hidden", "32", "--batch", "50", "--epochs", "2",
		"--until-fit=false", "--allow-unfit", "--flip", "--seed", "5", "--out", model)
	net, err := models.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	want := models.TrainingRecord{Data: "sample", Split: "train", Images: 200, Seed: 5, Flip: true}
	if r, ok, err := net.TrainedOn(); !ok || err != nil || r != want {
		t.Fatalf("record %+v (%v, %v), want %+v", r, ok, err, want)
	}
	rep := ntkReport(t, model, dir)
	sizes := []int{}
	for _, s := range rep.Trained.Sizes {
		sizes = append(sizes, s.N)
	}
	if rep.Network.TrainImages != 200 || len(sizes) != 4 || sizes[3] != 200 {
		t.Errorf("ntk: trained on %d images, sizes %v; want 200 and 37,75,150,200", rep.Network.TrainImages, sizes)
	}

	delete(net.Meta, models.MetaTrainedOn)
	if !strings.Contains(net.Meta["dataset"], "(200 images)") {
		t.Fatalf("the human-readable line is gone: %v", net.Meta)
	}
	old := filepath.Join(dir, "old.safetensors")
	if err := models.Save(old, net); err != nil {
		t.Fatal(err)
	}
	rep = ntkReport(t, old, dir)
	if rep.Network.TrainImages != 0 || len(rep.Trained.Sizes) != 3 {
		t.Errorf("ntk on a checkpoint without a record: trained on %d images, %d sizes; want unknown (0) and 3", rep.Network.TrainImages, len(rep.Trained.Sizes))
	}
	mustRun(t, "render", "--model", old, "--grid", "8", "--width", "64", "--height", "48", "--samples", "1", "--out", filepath.Join(dir, "old.png"))
	mustRun(t, "eval", "--model", old, "--ids", "0-3", "--out", filepath.Join(dir, "old.npy"))
}

func ntkReport(t *testing.T, model, dir string) *ntk.Report {
	t.Helper()
	js := filepath.Join(dir, "ntk.json")
	mustRun(t, "ntk", "--model", model, "--n", "300", "--trials", "0", "--init=false", "--test-n", "50", "--out", js)
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep ntk.Report
	if err := json.Unmarshal(b, &rep); err != nil || rep.Network == nil || rep.Trained == nil {
		t.Fatalf("ntk report %s: %v", b, err)
	}
	return &rep
}

// `--model embedded` is the built-in model in every command that takes a model (sample, render,
// analyze and ntk: TestEveryProbeKindWithTheEmbeddedModel).
func TestEveryCommandTakesTheEmbeddedModel(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"eval", "--model", "embedded", "--ids", "0-3", "--out", filepath.Join(dir, "e.npy")},
		{"landscape", "--model", "embedded", "--grid", "3", "--images", "20", "--hessian-steps", "0", "--out", filepath.Join(dir, "l.npy")},
		{"atlas", "--model", "embedded", "--planes", "1", "--lines", "1", "--grid", "5", "--points", "5", "--images", "50"},
	} {
		if out := mustRun(t, args...); out == "" {
			t.Errorf("%s: no output", args[0])
		}
	}
	if code, _, errs := cli("eval", "--model", "embeded", "--out", filepath.Join(dir, "x.npy")); code != 1 || !strings.Contains(errs, "embeded") {
		t.Errorf("a misspelt model name: exit %d, %q", code, errs)
	}
}
