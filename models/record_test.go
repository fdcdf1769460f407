package models

import (
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
