package study

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// tiny is the smallest study that runs every stage: ResNet-8 add and mul on 64 training images
// for one epoch (so neither fits: the unfitted path), a few probes, a small NTK, Hessian and
// landscape, one figure probe. It takes seconds; `make test` runs it.
func tiny(data ...string) Config {
	c := Quick()
	c.Data, c.Limit, c.TestImages, c.Train.MaxEpochs = data, 64, 100, 1
	c.Settings = Settings{Planes: 4, Lines: 4, Flips: 4, Randoms: 4, Grid: 6, Points: 12, ProbeImages: 60, Regions: true,
		GateImages: 32, NTK: 16, NTKTrials: 1, NTKInit: true, HessianImages: 16, HessianSteps: 4, HessianTol: 1e-2,
		LandscapeGrid: 3, LandscapeImages: 16, LandscapeRange: 1, FigureGrid: 6, FigureProbes: []string{"data:0,1,2"},
		Bootstrap: 100, Level: 0.9}
	return c
}

// run runs a study and returns its progress lines.
func run(t *testing.T, ctx context.Context, c Config, out string, o Options) (string, error) {
	t.Helper()
	var log bytes.Buffer
	o.Progress, o.Command = &log, "surfscope study (test)"
	err := Run(ctx, c, out, o)
	return log.String(), err
}

// The whole study on the embedded sample: every cell's records, results.json with the tests, a
// self-contained report whose every picture command parses, the unfitted models recorded as such;
// a second run does nothing; a changed setting redoes only the stages it concerns.
func TestStudyEndToEnd(t *testing.T) {
	out := t.TempDir()
	c := tiny("sample")
	if _, err := run(t, context.Background(), c, out, Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	d := res.Datasets[0]
	if len(res.Datasets) != 1 || len(d.Variants) != 2 || d.Missing != nil {
		t.Fatalf("results: %d datasets, %d variants, missing %v", len(res.Datasets), len(d.Variants), d.Missing)
	}
	for _, v := range d.Variants {
		m := v.Model
		if m == nil || m.Fits || m.Epochs != 1 || m.TrainImages != 64 || v.Atlas == nil || v.NTK == nil || v.Hessian == nil || v.Landscape == nil ||
			v.Gates == nil || v.Gates.None == "" {
			t.Fatalf("%s: model %+v, atlas %v, ntk %v, hessian %v, landscape %v", v.Variant, m, v.Atlas != nil, v.NTK != nil, v.Hessian != nil, v.Landscape != nil)
		}
		if n := len(v.Atlas.Values["plane.grad"]); n != 4 {
			t.Errorf("%s: %d plane gradients, want 4", v.Variant, n)
		}
	}
	checkMetrics(t, d)
	checkReport(t, out, d)
	checkShards(t, c, out)
	times := stageTimes(t, out)
	log, err := run(t, context.Background(), c, out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log, "already done"); n != 13 {
		t.Errorf("second run: %d units already done, want 13 (12 cell stages and the figures):\n%s", n, log)
	}
	if again := stageTimes(t, out); !equalMaps(times, again) {
		t.Errorf("a second run rewrote stage records")
	}
	c.Settings.Planes = 5
	log, err = run(t, context.Background(), c, out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"sample/add/model", "sample/mul/ntk", "sample/figures"} {
		if !strings.Contains(log, u+" already done") {
			t.Errorf("%s was redone after a change of the atlas's planes:\n%s", u, log)
		}
	}
	if !strings.Contains(log, "sample/add/atlas done") || !strings.Contains(log, "configuration differs") {
		t.Errorf("the atlas was not redone, or the change not said:\n%s", log)
	}
}

// checkMetrics checks the comparison of the atlas metrics.
func checkMetrics(t *testing.T, d DatasetResults) {
	t.Helper()
	tested := 0
	for _, m := range d.Metrics {
		if len(m.Stats) != 2 {
			continue
		}
		for _, p := range m.Pairs {
			tested++
			if p.A != "add" || p.B != "mul" || p.N1 != 4 || p.N2 != 4 || !(p.PHolm >= p.P) || p.Interval.Level != 0.9 {
				t.Errorf("%s: pair %+v", m.Metric, p)
			}
		}
	}
	if tested < 10 {
		t.Errorf("%d metrics tested between add and mul", tested)
	}
}

// checkReport checks that report.html is self-contained and that every picture's command is a
// `surfscope render` command view reads back.
func checkReport(t *testing.T, out string, d DatasetResults) {
	t.Helper()
	html, err := os.ReadFile(filepath.Join(out, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	s := string(html)
	for _, want := range []string{"data:image/png;base64,", "<svg", "Mann–Whitney", "no (", "add − mul", "NTK spectrum"} {
		if !strings.Contains(s, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "src=\"http", "href=\"http"} {
		if strings.Contains(s, bad) {
			t.Errorf("report.html is not self-contained: %q", bad)
		}
	}
	if d.Figures == nil || len(d.Figures.Figures) != 2 {
		t.Fatalf("figures %+v: want the data plane and the landscapes", d.Figures)
	}
	for _, c := range d.Figures.Figures[0].Commands {
		args := strings.Fields(c.Command)
		if len(args) < 4 || args[0] != "surfscope" || args[1] != "render" || args[len(args)-2] != "--out" {
			t.Fatalf("%s: command %q", c.Variant, c.Command)
		}
		st, err := view.ParseArgs(args[2 : len(args)-2])
		if err != nil || !(st.HeightMin < st.HeightMax) || st.Probe != "data:0,1,2" {
			t.Errorf("%s: %q gives %+v (%v); want the shared height range and the probe", c.Variant, c.Command, st, err)
		}
	}
}

// stageTimes returns the modification time of every record of the study in out.
func stageTimes(t *testing.T, out string) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	files, _ := filepath.Glob(filepath.Join(out, "cells", "*", "*", "*.json"))
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = st.ModTime()
	}
	return m
}

func equalMaps(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !b[k].Equal(v) {
			return false
		}
	}
	return true
}

// A study killed during training resumes it from the last complete epoch.
func TestInterruptedTrainingResumes(t *testing.T) {
	out := t.TempDir()
	c := tiny("sample")
	c.Shortcuts, c.Train.MaxEpochs, c.Train.UntilFit = []string{"add"}, 2, false
	ctx, cancel := context.WithCancel(context.Background())
	go func() { // cancel once the state after epoch 1 is on disk
		for ctx.Err() == nil {
			if f, _ := filepath.Glob(filepath.Join(out, "cells", "sample", "add", "model.*.resume")); len(f) > 0 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := run(t, ctx, c, out, Options{Stages: []string{StageModel}})
	if err == nil {
		t.Fatal("the cancelled run returned no error")
	}
	log, err := run(t, context.Background(), c, out, Options{Stages: []string{StageModel}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log, "resuming training after epoch 1") {
		t.Fatalf("the second run did not resume:\n%s", log)
	}
	var m ModelResult
	if _, err := loadResult(filepath.Join(out, "cells", "sample", "add", "model.json"), &m); err != nil || m.Epochs != 2 {
		t.Fatalf("model after resuming: %+v (%v)", m, err)
	}
	if f, _ := filepath.Glob(filepath.Join(out, "cells", "sample", "add", "model.*.resume")); len(f) > 0 {
		t.Errorf("the finished run left its state: %v", f)
	}
}

// The CIFAR code path: a tiny CIFAR-10 folder written here trains and is analysed (3×32×32
// images), and models in a folder are imported instead of trained.
func TestCIFARFolderAndImport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cifar-mini")
	writeCIFAR10(t, dir, 20, 40)
	out := t.TempDir()
	c := tiny(dir)
	c.Shortcuts = []string{"gate"}
	c.Settings.Flips = 0
	if _, err := run(t, context.Background(), c, out, Options{Stages: []string{StageModel, StageGates, StageAtlas}}); err != nil {
		t.Fatal(err)
	}
	var m ModelResult
	if _, err := loadResult(filepath.Join(out, "cells", "cifar-mini", "gate", "model.json"), &m); err != nil {
		t.Fatal(err)
	}
	var g GatesResult
	if _, err := loadResult(filepath.Join(out, "cells", "cifar-mini", "gate", "gates.json"), &g); err != nil || g.GateSummary == nil ||
		len(g.Gates) != 3 || g.Inputs != 32 || !(g.Low+g.High >= 0 && g.Low+g.High <= 1) {
		t.Fatalf("gate saturation of the gate ResNet-8 (3 blocks): %+v (%v)", g, err)
	}
	var a surface.Atlas
	if _, err := loadResult(filepath.Join(out, "cells", "cifar-mini", "gate", "atlas.json"), &a); err != nil || len(a.Values["plane.gate_high"]) != 4 {
		t.Errorf("the atlas of a gated net lacks the gate saturation on its planes (%v)", err)
	}
	net, err := modelfile.Load(m.File(out))
	if err != nil || net.Input != [3]int{3, 32, 32} || m.TrainImages != 64 {
		t.Fatalf("model %+v: input %v (%v)", m, net.Input, err)
	}
	// Import: the trained model, placed as DIR/DATA/VARIANT.safetensors.
	models := t.TempDir()
	os.MkdirAll(filepath.Join(models, "cifar-mini"), 0o755)
	b, _ := os.ReadFile(m.File(out))
	os.WriteFile(filepath.Join(models, "cifar-mini", "gate.safetensors"), b, 0o644)
	c.Models = models
	out2 := t.TempDir()
	if _, err := run(t, context.Background(), c, out2, Options{Stages: []string{StageModel}}); err != nil {
		t.Fatal(err)
	}
	var im ModelResult
	if _, err := loadResult(filepath.Join(out2, "cells", "cifar-mini", "gate", "model.json"), &im); err != nil {
		t.Fatal(err)
	}
	if !im.Imported || im.SHA256 != m.SHA256 || im.TrainImages != 64 || im.TestAcc != m.TestAcc || im.Epochs != 1 {
		t.Errorf("imported %+v; trained %+v", im, m)
	}
	c.Shortcuts = []string{"mul"}
	if _, err := run(t, context.Background(), c, out2, Options{Stages: []string{StageModel}}); err == nil || !strings.Contains(err.Error(), "cifar-mini/mul.safetensors") {
		t.Errorf("a missing model: %v", err)
	}
}

// writeCIFAR10 writes a CIFAR-10 binary folder: five training batches of n records and a test
// batch of test records, random pixels and labels.
func writeCIFAR10(t *testing.T, dir string, n, test int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	batch := func(name string, n int) {
		b := make([]byte, n*3073)
		for r := 0; r < n; r++ {
			b[r*3073] = byte(rng.IntN(10))
			for p := 1; p < 3073; p++ {
				b[r*3073+p] = byte(rng.IntN(256))
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 5; i++ {
		batch("data_batch_"+string(rune('0'+i))+".bin", n)
	}
	batch("test_batch.bin", test)
}

// results.json holds every number: it round-trips and names its provenance.
func TestResultsJSON(t *testing.T) {
	res := &Results{Provenance: newProvenance("x"), Config: tiny("sample"), Test: TestDescription}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back Results
	if err := json.Unmarshal(b, &back); err != nil || back.Provenance.Surfscope == "" || back.Config.Settings.Planes != 4 {
		t.Fatalf("%v: %+v", err, back)
	}
}

// checkShards runs the study c as two shards into two folders (models only) and merges them: the
// models are those of the unsharded run in whole, weight for weight, and the merge draws the
// figures and writes the report.
func checkShards(t *testing.T, c Config, whole string) {
	t.Helper()
	parts := []string{t.TempDir(), t.TempDir()}
	for i, p := range parts {
		log, err := run(t, context.Background(), c, p, Options{Shard: Shard{Index: i, Count: 2}, Stages: []string{StageModel}})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(log, "/model done") != 1 || strings.Contains(log, "figures") {
			t.Fatalf("shard %d/2 did not train exactly one cell, or drew figures:\n%s", i, log)
		}
	}
	out := t.TempDir()
	if err := Merge(context.Background(), out, parts, Options{Command: "merge (test)"}); err != nil {
		t.Fatal(err)
	}
	res, err := ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Datasets[0].Variants {
		var w ModelResult
		if _, err := loadResult(filepath.Join(whole, "cells", "sample", v.Variant, "model.json"), &w); err != nil {
			t.Fatal(err)
		}
		if v.Model == nil {
			t.Fatalf("%s: no merged model", v.Variant)
		}
		a, err1 := modelfile.Load(v.Model.File(out))
		b, err2 := modelfile.Load(w.File(whole))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		sa, sb := surface.ParamsOf(a), surface.ParamsOf(b)
		same := len(sa.Data) == len(sb.Data) && len(sa.Data) > 0
		for k := 0; same && k < len(sa.Data); k++ {
			same = slices.Equal(sa.Data[k], sb.Data[k])
		}
		if !same {
			t.Errorf("%s: the sharded run's weights differ from the unsharded run's", v.Variant)
		}
	}
	if f := res.Datasets[0].Figures; f == nil || len(f.Figures) != 1 {
		t.Errorf("merged figures %+v", f)
	}
	if _, err := os.Stat(filepath.Join(out, ReportFile)); err != nil {
		t.Errorf("the merge wrote no report: %v", err)
	}
	other := c
	other.Seed = 2
	if err := (&runner{cfg: &other, out: parts[1]}).writePlan(plan(&other)); err != nil {
		t.Fatal(err)
	}
	if err := Merge(context.Background(), t.TempDir(), parts, Options{}); err == nil || !strings.Contains(err.Error(), "another study") {
		t.Errorf("parts of different studies merged: %v", err)
	}
}

// How the units are dealt to shards: by cell when the run trains, by unit when it does not;
// figures and the report never in a shard.
func TestSelectUnits(t *testing.T) {
	c := tiny("sample", "fashion")
	c.Shortcuts = []string{"add", "mul", "gate"}
	all := units(&c, plan(&c))
	seen := map[string]int{}
	for i := 0; i < 4; i++ {
		for _, u := range selectUnits(all, nil, Shard{Index: i, Count: 4}) {
			if u.cell == nil {
				t.Fatalf("shard %d has %s", i, u.key)
			}
			seen[u.key]++
			if first := selectUnits(all, nil, Shard{Index: i, Count: 4}); first[0].cell.id() != u.cell.id() && u.stage == StageModel && len(first) < 5 {
				t.Fatalf("shard %d split cell %s", i, u.cell.id())
			}
		}
	}
	if len(seen) != 6*len(CellStages) {
		t.Fatalf("%d units dealt, want %d", len(seen), 6*len(CellStages))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d shards", k, n)
		}
	}
	// Analyses alone: consecutive units of one cell go to different shards.
	a := selectUnits(all, []string{StageAtlas, StageNTK}, Shard{Index: 0, Count: 2})
	b := selectUnits(all, []string{StageAtlas, StageNTK}, Shard{Index: 1, Count: 2})
	if len(a) != 6 || len(b) != 6 || a[0].key != "sample/add/atlas" || b[0].key != "sample/add/ntk" {
		t.Errorf("analysis shards: %d and %d units, first %s and %s", len(a), len(b), a[0].key, b[0].key)
	}
	c.Settings.NTK, c.Settings.LandscapeGrid = 0, 0
	for _, u := range units(&c, plan(&c)) {
		if u.stage == StageNTK || u.stage == StageLandscape {
			t.Errorf("%s planned with its setting 0", u.key)
		}
	}
}
