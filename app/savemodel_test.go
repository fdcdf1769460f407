package app

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/provenance"
)

// A model trained in the window is saved by File ▸ Save Model: the checkpoint holds its weights,
// its training history and the provenance of the action, and the window then names the file.
func TestSaveTrainedModel(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.model.form.widths.SetText("16")
	u.model.form.epochs.SetText("1")
	u.model.form.untilFit.SetChecked(false)
	test.Tap(u.model.trainBtn)
	waitFor(t, "training to finish", 120*time.Second, func() bool { return !u.model.trainBtn.Disabled() })
	s := u.session.Snapshot()
	if s.ModelSource != "trained" || s.ModelID.Path != provenance.Unsaved {
		t.Fatalf("after training the model is %q (%+v)", s.ModelSource, s.ModelID)
	}
	path := filepath.Join(t.TempDir(), "trained.safetensors")
	u.exportWith(path, u.modelSaver)
	// The status line may already show the trained model's surface, sampled after training, when
	// the save ends: wait for the export job and the session instead.
	abs, _ := filepath.Abs(path)
	waitFor(t, "the model to be saved", 30*time.Second, func() bool {
		return !u.exports.running && u.session.Snapshot().ModelID.Path == abs
	})
	got, err := models.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, nd := range s.Net.Nodes {
		for k, p := range nd.Params {
			if !slices.Equal(p.Data, got.Nodes[i].Params[k].Data) {
				t.Fatalf("node %d %s: saved weights differ from the trained net's", i, k)
			}
		}
	}
	if got.Meta["history"] == "" || got.Meta["history"] != s.Net.Meta["history"] {
		t.Error("the saved model lost its training history")
	}
	rec, _, err := provenance.Read(path)
	if err != nil || rec.Action != "app: File ▸ Save Model" || rec.Data != "sample" {
		t.Errorf("provenance %+v, %v", rec, err)
	}
	after := u.session.Snapshot()
	if after.ModelID.Path != abs || after.ModelID.SHA256 == "" || !strings.Contains(u.window.Title(), "trained.safetensors") {
		t.Errorf("after saving, the model is %+v, the window %q", after.ModelID, u.window.Title())
	}
}
