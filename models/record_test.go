package models

import (
	"context"
	"path/filepath"
	"testing"
)

// Train records what the net was trained on as data; the record survives a checkpoint round trip.
func TestTrainRecordsItsDataAsAValue(t *testing.T) {
	train, _ := sampleSets(t, 96, 0)
	net, err := NewMLP(MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := net.TrainedOn(); ok || err != nil {
		t.Fatalf("an untrained net has a record: %v, %v", ok, err)
	}
	cfg := TrainConfig{MaxEpochs: 1, BatchSize: 32, Seed: 7, Flip: true, Mixup: 0.2}
	if _, err := Train(context.Background(), net, train, nil, cfg, nil); err != nil {
		t.Fatal(err)
	}
	want := TrainingRecord{Data: "sample", Split: "train", Images: 96, Seed: 7, Flip: true, Mixup: 0.2}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Save(path, net); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Net{net, back} {
		if r, ok, err := n.TrainedOn(); !ok || err != nil || r != want {
			t.Errorf("record %+v (%v, %v), want %+v", r, ok, err, want)
		}
	}
}

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
