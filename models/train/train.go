package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
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
	if err := checkMemory(net, cfg); err != nil {
		return nil, err
	}
	t, err := newTrainer(net, train, test, cfg)
	if err != nil {
		return nil, err
	}
	defer t.close()
	cfgJSON, _ := json.Marshal(cfg)
	net.Meta = withMeta(net.Meta, "training", string(cfgJSON))
	if train.Name != "" {
		net.Meta["dataset"] = train.Name + " (" + strconv.Itoa(train.Len()) + " images)"
		net.SetTrainedOn(record(train.Name, train.Len(), cfg))
	}
	var history []EpochStats
	for epoch := 1; epoch <= cfg.MaxEpochs; epoch++ {
		st, err := t.epoch(ctx, epoch, progress)
		if err != nil {
			return history, err
		}
		t.store.CopyTo(net)
		history = append(history, st)
		h, _ := json.Marshal(history)
		net.Meta["history"] = string(h)
		if progress != nil {
			progress(Progress{Epoch: epoch, Epochs: cfg.MaxEpochs, Batch: t.batches, Batches: t.batches,
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
