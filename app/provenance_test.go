package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
)

// Every export of the grid carries its provenance, each in its format's way: the NPY a sidecar
// that matches the file, the CSV comment lines, the JSON a block, the VTK field data. The command
// each names computes the same numbers headless.
func TestExportsCarryProvenance(t *testing.T) {
	u := newTestUI(t)
	sampleProbe(t, u, "random:3,11")
	s := u.session.Snapshot()
	dir := t.TempDir()
	jobs := map[string]func(){
		"g.npy":  func() { u.export(filepath.Join(dir, "g.npy"), npyExport.saver(s)) },
		"g.csv":  func() { u.export(filepath.Join(dir, "g.csv"), csvExport.saver(s)) },
		"s.json": func() { u.export(filepath.Join(dir, "s.json"), u.statsExport().saver(s)) },
		"s.vts":  func() { u.export(filepath.Join(dir, "s.vts"), vtsSaver(s, 4)) },
	}
	want := map[string]struct{ action, metric, command string }{
		"g.npy":  {"Export Grid (NPY)", "logits", "surfscope sample --model embedded --data sample --probe random:3,11 --points 256 --out " + filepath.Join(dir, "g.npy")},
		"g.csv":  {"Export Grid (CSV)", "logits", "surfscope sample --model embedded --data sample --probe random:3,11 --points 256 --out " + filepath.Join(dir, "g.npy")},
		"s.json": {"Export Statistics (JSON)", "probe summary", "surfscope analyze --model embedded --data sample --probe random:3,11 --points 256 --out " + filepath.Join(dir, "s.json")},
		"s.vts":  {"Export Surface for ParaView (VTK)", "logit", "surfscope analyze --model embedded --data sample --probe random:3,11 --points 256 --metric logit:4 --vts " + filepath.Join(dir, "s.vts")},
	}
	emb, _ := modelfile.Identify(modelfile.Embedded)
	for name, run := range jobs {
		path := filepath.Join(dir, name)
		run()
		waitFor(t, "the export of "+name, 60*time.Second, func() bool { return strings.HasPrefix(u.status.Text, "saved "+path) })
		rec, where, err := provenance.Read(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		w := want[name]
		if rec.Action != "app: File ▸ "+w.action || rec.Metric != w.metric || rec.Command != w.command {
			t.Errorf("%s (%s): action %q, metric %q, command\n%s\nwant\n%s", name, where, rec.Action, rec.Metric, rec.Command, w.command)
		}
		if len(rec.Models) != 1 || rec.Models[0] != emb || rec.Probe != "random:3,11" || rec.Seed == nil || *rec.Seed != 11 ||
			len(rec.Grid) != 2 || rec.Grid[0] != s.Grid.NX || rec.T[1] != s.Grid.T[s.Grid.NY-1] {
			t.Errorf("%s: provenance %+v", name, rec)
		}
	}
	if _, data, err := surface.ReadNPY(filepath.Join(dir, "g.npy")); err != nil || len(data) != len(s.Grid.Values) {
		t.Errorf("the NPY: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "s.json")); !strings.Contains(string(b), `"curvature"`) {
		t.Errorf("the statistics lost their content:\n%.300s", b)
	}
}

// A model trained in the app and never saved is named "unsaved" with the hash of the checkpoint it
// would be saved as; a model opened from a file by its absolute path and the file's hash.
func TestModelIdentity(t *testing.T) {
	net, err := modelfile.Load(modelfile.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	if err := s.SetModel(t.Context(), net, "trained"); err != nil {
		t.Fatal(err)
	}
	id := s.Snapshot().ModelID
	dir := t.TempDir()
	saved := filepath.Join(dir, "m.safetensors")
	if err := models.Save(saved, net); err != nil {
		t.Fatal(err)
	}
	file, _ := modelfile.Identify(saved)
	if id.Path != provenance.Unsaved || id.SHA256 != file.SHA256 {
		t.Errorf("trained model: %+v, want unsaved with the saved file's %s", id, file.SHA256)
	}
	if err := s.SetModel(t.Context(), net, saved); err != nil || s.Snapshot().ModelID != file {
		t.Errorf("model from a file: %+v, %v", s.Snapshot().ModelID, err)
	}
	if err := s.SetModel(t.Context(), net, filepath.Join(dir, "gone.safetensors")); err == nil {
		t.Error("a model whose file is gone was taken without its hash")
	}
}
