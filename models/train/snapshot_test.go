package train

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// Progress.Snapshot copies the weights at a batch boundary: the snapshot after an epoch's last
// batch is, bit for bit, the net the epoch leaves, an earlier one differs, and snapshots used on
// other goroutines while training goes on are never touched by the optimizer (run with -race).
func TestSnapshotAtBatchBoundary(t *testing.T) {
	train, test := sampleSets(t, 200, 50)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var first, last *models.Net
	var wg sync.WaitGroup
	sums := make(chan float32, 64)
	_, err = Run(context.Background(), net, train, test, Config{MaxEpochs: 1, BatchSize: 20, LR: 3e-3}, func(p Progress) {
		if p.Done != nil {
			return
		}
		s := p.Snapshot()
		switch p.Batch {
		case 1:
			first = s
		case p.Batches:
			last = s
		}
		wg.Add(1)
		go func() { // evaluates the snapshot while the next steps run
			defer wg.Done()
			ev, err := infer.New(s)
			if err != nil {
				t.Error(err)
				return
			}
			z := ev.Forward(nil, train.Images[:train.ImageSize()], 1)
			sums <- z[0]
		}()
	})
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if first == nil || last == nil || len(sums) != 10 {
		t.Fatalf("snapshots: first %v, last %v, %d evaluated", first != nil, last != nil, len(sums))
	}
	same := func(a, b *models.Net) bool {
		for i, nd := range a.Nodes {
			for k, p := range nd.Params {
				if !slices.Equal(p.Data, b.Nodes[i].Params[k].Data) {
					return false
				}
			}
		}
		return true
	}
	if !same(last, net) {
		t.Error("the snapshot after the last batch is not the net the epoch left")
	}
	if same(first, net) {
		t.Error("the snapshot after the first batch already has the epoch's final weights")
	}
}
