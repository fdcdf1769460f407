package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

// trainer is the machinery of one Continue call: the training graph, the evaluation graph that
// shares its parameter store, the optimiser, and the generator that shuffles and augments the
// batches, the last two started from the State.
type trainer struct {
	cfg           Config
	train, test   *dataset.Set
	store         *graph.Store
	graph         *graph.Graph
	eval          *evaluation
	opt           optimizer
	params, grads [][]float32
	pcg           *rand.PCG // the source of rng, whose state State.commit records
	rng           *rand.Rand
	fill          *batchFiller
	ids           []int // the images of the current batch
	batches       int   // per epoch
	net           *models.Net
}

func newTrainer(st *State, train, test *dataset.Set) (*trainer, error) {
	net, cfg := st.Net, st.Config
	t := &trainer{cfg: cfg, train: train, test: test, store: graph.NewStore(net), net: net}
	var err error
	if t.graph, err = graph.Build(net, t.store, cfg.BatchSize, true); err != nil {
		return nil, err
	}
	if t.eval, err = newEvaluation(net, t.store, min(evalBatch, max(train.Len(), test.Len()))); err != nil {
		t.graph.Close()
		return nil, err
	}
	t.params = make([][]float32, len(t.graph.Learn))
	for j := range t.graph.Learn {
		t.params[j] = t.graph.Learn[j].Data
	}
	if t.opt, err = st.newOptimizer(t.params); err != nil {
		t.close()
		return nil, err
	}
	t.grads = make([][]float32, len(t.params))
	t.pcg = st.generator()
	t.rng = rand.New(t.pcg)
	t.fill = &batchFiller{data: train, size: net.InputSize(), c: net.Input[0], h: net.Input[1], w: net.Input[2],
		k: net.Classes, flip: cfg.Flip, mixup: cfg.Mixup, rng: t.rng}
	t.ids = make([]int, cfg.BatchSize)
	t.batches = (train.Len() + cfg.BatchSize - 1) / cfg.BatchSize
	if cfg.DropLast {
		if t.batches = train.Len() / cfg.BatchSize; t.batches == 0 {
			t.close()
			return nil, fmt.Errorf("train: %d training images make no full batch of %d (drop-last)", train.Len(), cfg.BatchSize)
		}
	}
	return t, nil
}

// snapshot returns a copy of the net with the store's current weights (Progress.Snapshot).
func (t *trainer) snapshot() *models.Net {
	c := t.net.Clone()
	t.store.CopyTo(c)
	return c
}

func (t *trainer) close() {
	t.graph.Close()
	t.eval.close()
}

// epoch trains one epoch on a fresh permutation of the training images, reporting every batch,
// then measures the net on the training and test images.
func (t *trainer) epoch(ctx context.Context, epoch int, progress func(Progress)) (EpochStats, error) {
	start := time.Now()
	n := t.train.Len()
	perm := t.rng.Perm(n)
	lossSum, lr := 0.0, 0.0
	for b := 0; b < t.batches; b++ {
		if err := ctx.Err(); err != nil {
			return EpochStats{}, err
		}
		// The last batch is topped up from the start of the permutation (or dropped with
		// DropLast), so every step sees a full batch.
		for s := range t.ids {
			t.ids[s] = perm[(b*len(t.ids)+s)%n]
		}
		lr = learningRate(t.cfg.Schedule, t.cfg.LR, (epoch-1)*t.batches+b, t.batches*t.cfg.MaxEpochs)
		loss, err := t.step(lr)
		if err != nil {
			return EpochStats{}, err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return EpochStats{}, &DivergedError{Epoch: epoch, Batch: b + 1, Loss: loss}
		}
		lossSum += loss
		if progress != nil {
			progress(Progress{Epoch: epoch, Epochs: t.cfg.MaxEpochs, Batch: b + 1, Batches: t.batches, Loss: loss, Snapshot: t.snapshot})
		}
	}
	st := EpochStats{Epoch: epoch, BatchLoss: lossSum / float64(t.batches), LR: lr, Seconds: time.Since(start).Seconds()}
	evalStart := time.Now()
	if err := t.eval.measure(ctx, t.train, &st.TrainLoss, &st.TrainAcc, &st.Gates); err != nil {
		return EpochStats{}, err
	}
	if t.test.Len() > 0 {
		if err := t.eval.measure(ctx, t.test, &st.TestLoss, &st.TestAcc, nil); err != nil {
			return EpochStats{}, err
		}
	}
	st.EvalSeconds = time.Since(evalStart).Seconds()
	return st, nil
}

// step trains on the batch of the images t.ids at learning rate lr and returns its loss. A
// diverged loss (NaN or Inf) leaves the weights as they were.
func (t *trainer) step(lr float64) (float64, error) {
	t.fill.fill(t.graph.X, t.graph.Targets, t.ids)
	if err := t.graph.Run(); err != nil {
		return 0, err
	}
	loss := t.graph.Loss()
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, nil
	}
	for j := range t.grads {
		var err error
		if t.grads[j], err = t.graph.Gradient(j); err != nil {
			return 0, err
		}
	}
	t.opt.step(t.params, t.grads, lr)
	return loss, nil
}
