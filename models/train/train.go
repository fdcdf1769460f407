package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

// Config says how Run trains. The zero value is Adam at 1e-3, batch 128, up to 100 epochs,
// no weight decay, no augmentation, a constant learning rate.
type Config struct {
	Optimizer   string  `json:"optimizer"`              // "adam" (default) or "sgd"
	LR          float64 `json:"lr"`                     // 0 means 1e-3 for Adam, 0.1 for SGD
	Momentum    float64 `json:"momentum,omitempty"`     // SGD momentum: 0 means 0.9, negative means none
	WeightDecay float64 `json:"weight_decay,omitempty"` // L2 coefficient added to every gradient, as PyTorch's weight_decay
	BatchSize   int     `json:"batch_size"`             // 0 means 128
	MaxEpochs   int     `json:"max_epochs"`             // 0 means 100
	UntilFit    bool    `json:"until_fit,omitempty"`    // stop after the first epoch that classifies every training image correctly
	Seed        int64   `json:"seed"`                   // shuffling and augmentation
	Flip        bool    `json:"flip,omitempty"`         // flip each training image horizontally with probability 1/2
	Mixup       float64 `json:"mixup,omitempty"`        // mixup α (Beta(α,α) mixing weights); 0 means none
	Schedule    string  `json:"schedule,omitempty"`     // "" constant, "cosine" or "step" (÷10 at 50% and 75% of MaxEpochs)
}

func (c Config) withDefaults() (Config, error) {
	switch c.Optimizer {
	case "":
		c.Optimizer = "adam"
	case "adam", "sgd":
	default:
		return c, fmt.Errorf("train: unknown optimizer %q (want adam or sgd)", c.Optimizer)
	}
	switch c.Schedule {
	case "", "cosine", "step":
	default:
		return c, fmt.Errorf("train: unknown schedule %q (want cosine or step)", c.Schedule)
	}
	if c.LR == 0 {
		c.LR = 1e-3
		if c.Optimizer == "sgd" {
			c.LR = 0.1
		}
	}
	if c.Optimizer == "sgd" && c.Momentum == 0 {
		c.Momentum = 0.9
	}
	if c.BatchSize == 0 {
		c.BatchSize = 128
	}
	if c.MaxEpochs == 0 {
		c.MaxEpochs = 100
	}
	if c.LR < 0 || math.IsNaN(c.LR) || c.BatchSize < 0 || c.MaxEpochs < 0 || c.Mixup < 0 || c.WeightDecay < 0 {
		return c, fmt.Errorf("train: bad configuration %+v", c)
	}
	return c, nil
}

// EpochStats is the record of one epoch. TrainLoss and TrainAcc are measured after the epoch on the
// clean training images in inference mode (no augmentation, batch norm on running statistics);
// BatchLoss is the mean loss of the epoch's training batches as they were trained.
// TestLoss and TestAcc are zero when there is no test data. Seconds is the time of the training
// steps alone; EvalSeconds that of the measurements.
type EpochStats struct {
	Epoch       int         `json:"epoch"`
	TrainLoss   float64     `json:"train_loss"`
	TrainAcc    float64     `json:"train_acc"`
	TestLoss    float64     `json:"test_loss"`
	TestAcc     float64     `json:"test_acc"`
	BatchLoss   float64     `json:"batch_loss"`
	LR          float64     `json:"lr"`
	Seconds     float64     `json:"seconds"`
	EvalSeconds float64     `json:"eval_seconds"`
	Gates       []GateStats `json:"gates,omitempty"`
}

// GateStats says how saturated one sigmoid node is on the training images: the share of its
// outputs below 0.05 (Low) and above 0.95 (High).
type GateStats struct {
	Node int     `json:"node"`
	Name string  `json:"name"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Progress reports training as it goes: after every batch, and once more at the end of each epoch
// with Done set. When Done is set the net already holds that epoch's weights, so the callback may
// Save it (a checkpoint per epoch survives a cancelled or crashed run). The callback runs on
// Run's goroutine and must not modify the net.
type Progress struct {
	Epoch, Epochs  int // 1-based epoch, and the cap
	Batch, Batches int // 1-based batch within the epoch
	Loss           float64
	Done           *EpochStats
}

// Run trains net in place with gorgonia on train, measuring test (nil for none) after every epoch.
// It stops after MaxEpochs, or earlier with UntilFit once every training image is classified
// correctly. The weights are copied back into net after each epoch, so a cancelled ctx leaves the
// net of the last completed epoch; Run then returns the history so far and ctx's error. The
// history is also stored as JSON in net.Meta["history"], the configuration in net.Meta["training"],
// what it was trained on as a models.TrainingRecord (Net.TrainedOn reads it) and, for people, the
// data's name in net.Meta["dataset"]. progress may be nil.
func Run(ctx context.Context, net *models.Net, train, test *dataset.Set, cfg Config, progress func(Progress)) ([]EpochStats, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if train.Len() == 0 {
		return nil, fmt.Errorf("train: training data is empty")
	}
	if err := checkData("training", train, net); err != nil {
		return nil, err
	}
	if err := checkData("test", test, net); err != nil {
		return nil, err
	}
	ps := graph.NewStore(net)
	batch := cfg.BatchSize
	tg, err := graph.Build(net, ps, batch, true)
	if err != nil {
		return nil, err
	}
	defer tg.Close()
	ev, err := newEvaluation(net, ps, min(evalBatch, max(train.Len(), test.Len())))
	if err != nil {
		return nil, err
	}
	defer ev.close()

	var opt optimizer
	if cfg.Optimizer == "sgd" {
		opt = &sgdOptimizer{momentum: max(cfg.Momentum, 0), decay: cfg.WeightDecay}
	} else {
		opt = &adamOptimizer{beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: cfg.WeightDecay}
	}
	params := make([][]float32, len(tg.Learn))
	for j := range tg.Learn {
		params[j] = tg.Learn[j].Data
	}
	grads := make([][]float32, len(params))

	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x7a1))
	fill := &batchFiller{data: train, size: net.InputSize(), c: net.Input[0], h: net.Input[1], w: net.Input[2],
		k: net.Classes, flip: cfg.Flip, mixup: cfg.Mixup, rng: rng}
	n := train.Len()
	batches := (n + batch - 1) / batch
	totalSteps := batches * cfg.MaxEpochs
	var history []EpochStats
	cfgJSON, _ := json.Marshal(cfg)
	net.Meta = withMeta(net.Meta, "training", string(cfgJSON))
	if train.Name != "" {
		net.Meta["dataset"] = train.Name + " (" + strconv.Itoa(n) + " images)"
		net.SetTrainedOn(record(train.Name, n, cfg))
	}
	ids := make([]int, batch)
	for epoch := 1; epoch <= cfg.MaxEpochs; epoch++ {
		start := time.Now()
		perm := rng.Perm(n)
		lossSum := 0.0
		var lr float64
		for b := 0; b < batches; b++ {
			if err := ctx.Err(); err != nil {
				return history, err
			}
			// The last batch is topped up from the start of the permutation, so every step sees a
			// full batch and every image is seen at least once per epoch.
			for s := range ids {
				ids[s] = perm[(b*batch+s)%n]
			}
			fill.fill(tg.X, tg.Targets, ids)
			if err := tg.Run(); err != nil {
				return history, err
			}
			loss := tg.Loss()
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return history, fmt.Errorf("train: training diverged in epoch %d, batch %d (loss %v); the net keeps the weights of epoch %d",
					epoch, b+1, loss, epoch-1)
			}
			for j := range grads {
				if grads[j], err = tg.Gradient(j); err != nil {
					return history, err
				}
			}
			lr = learningRate(cfg.Schedule, cfg.LR, (epoch-1)*batches+b, totalSteps)
			opt.step(params, grads, lr)
			lossSum += loss
			if progress != nil {
				progress(Progress{Epoch: epoch, Epochs: cfg.MaxEpochs, Batch: b + 1, Batches: batches, Loss: loss})
			}
		}
		st := EpochStats{Epoch: epoch, BatchLoss: lossSum / float64(batches), LR: lr, Seconds: time.Since(start).Seconds()}
		evalStart := time.Now()
		if err := ev.measure(ctx, train, &st.TrainLoss, &st.TrainAcc, &st.Gates); err != nil {
			return history, err
		}
		if test.Len() > 0 {
			if err := ev.measure(ctx, test, &st.TestLoss, &st.TestAcc, nil); err != nil {
				return history, err
			}
		}
		st.EvalSeconds = time.Since(evalStart).Seconds()
		ps.CopyTo(net)
		history = append(history, st)
		h, _ := json.Marshal(history)
		net.Meta["history"] = string(h)
		if progress != nil {
			progress(Progress{Epoch: epoch, Epochs: cfg.MaxEpochs, Batch: batches, Batches: batches,
				Loss: st.BatchLoss, Done: &history[len(history)-1]})
		}
		if cfg.UntilFit && st.TrainAcc == 1 {
			break
		}
	}
	return history, nil
}

func withMeta(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// record is the record of training on the first n images of the set named setName, which is
// "<data>/<split>" as dataset.Open names its sets.
func record(setName string, n int, cfg Config) models.TrainingRecord {
	data, split := setName, ""
	if i := strings.LastIndexByte(setName, '/'); i >= 0 {
		data, split = setName[:i], setName[i+1:]
	}
	return models.TrainingRecord{Data: data, Split: split, Images: n, Seed: cfg.Seed, Flip: cfg.Flip, Mixup: cfg.Mixup}
}
