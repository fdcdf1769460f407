package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/surfscope/surfscope/models"
)

// Run records what the net was trained on as data (models.TrainingRecord); the record survives a checkpoint round trip.
func TestTrainRecordsItsDataAsAValue(t *testing.T) {
	train, _ := sampleSets(t, 96, 0)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := net.TrainedOn(); ok || err != nil {
		t.Fatalf("an untrained net has a record: %v, %v", ok, err)
	}
	cfg := Config{MaxEpochs: 1, BatchSize: 32, Seed: 7, Flip: true, Mixup: 0.2}
	if _, err := Run(context.Background(), net, train, nil, cfg, nil); err != nil {
		t.Fatal(err)
	}
	want := models.TrainingRecord{Data: "sample", Split: "train", Images: 96, Seed: 7, Flip: true, Mixup: 0.2}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := models.Save(path, net); err != nil {
		t.Fatal(err)
	}
	back, err := models.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*models.Net{net, back} {
		if r, ok, err := n.TrainedOn(); !ok || err != nil || r != want {
			t.Errorf("record %+v (%v, %v), want %+v", r, ok, err, want)
		}
	}
}
