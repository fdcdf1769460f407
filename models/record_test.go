package models

import (
	"bytes"
	"path/filepath"
	"testing"
)

// A checkpoint saved before training records existed (no "trained_on" key) still loads, and says
// it has no record; a damaged record is an error, not a panic.
func TestCheckpointWithoutARecordStillLoads(t *testing.T) {
	net, err := NewMLP(MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{8}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.Meta = map[string]string{"dataset": "mnist/train (10000 images)", "data": "mnist"} // what train wrote before
	path := filepath.Join(t.TempDir(), "old.safetensors")
	if err := Save(path, net); err != nil {
		t.Fatal(err)
	}
	old, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok, err := old.TrainedOn(); ok || err != nil || r != (TrainingRecord{}) {
		t.Errorf("old checkpoint: record %+v, %v, %v; want none and no error", r, ok, err)
	}
	old.Meta[MetaTrainedOn] = "{images: 3"
	if _, ok, err := old.TrainedOn(); ok || err == nil {
		t.Error("a damaged record read without an error")
	}
}

// The fit record round-trips through a checkpoint and says "no (99.92%)" as the app's badge does,
// with the decimals it takes not to round an unfitted net up to 100%.
func TestFitRecord(t *testing.T) {
	n, err := NewMLP(MLPConfig{Input: [3]int{1, 2, 2}, Classes: 2, Hidden: []int{3}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := n.Fit(); ok || err != nil {
		t.Errorf("an untrained net has a fit record: %v %v", ok, err)
	}
	for _, c := range []struct {
		acc    float64
		images int
		want   string
		wrong  int
	}{{1, 4000, "yes", 0}, {0.9992, 5000, "no (99.92%)", 4}, {59999.0 / 60000, 60000, "no (99.998%)", 1}, {0.5, 2, "no (50.00%)", 1}} {
		r := NewFitRecord(c.acc, c.images, 7)
		n.SetFit(r)
		var buf bytes.Buffer
		if err := Encode(&buf, n); err != nil {
			t.Fatal(err)
		}
		m, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := m.Fit()
		if !ok || err != nil || got != r || got.String() != c.want || got.Misclassified != c.wrong || got.Fits != (c.wrong == 0) || got.Epochs != 7 {
			t.Errorf("accuracy %v of %d: %+v %q (ok %v, %v), want %q", c.acc, c.images, got, got.String(), ok, err, c.want)
		}
	}
	n.Meta[MetaFit] = "{"
	if _, _, err := n.Fit(); err == nil {
		t.Error("a broken fit record reads")
	}
}
