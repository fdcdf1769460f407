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
	// DropLast drops the last partial batch of each epoch, as PyTorch's DataLoader(drop_last=True)
	// and the speed reference's loop do; by default it is topped up from the start of the epoch's
	// permutation. With fewer images than BatchSize an epoch then has no step, which is an error.
	DropLast bool `json:"drop_last,omitempty"`
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
	for _, f := range []struct {
		name  string
		value float64
	}{{"lr", c.LR}, {"momentum", c.Momentum}, {"weight_decay", c.WeightDecay}, {"mixup", c.Mixup}} {
		if math.IsNaN(f.value) || math.IsInf(f.value, 0) || f.value < 0 && f.name != "momentum" {
			return c, fmt.Errorf("train: bad configuration: %s %v: want a finite value ≥ 0", f.name, f.value)
		}
	}
	if c.BatchSize < 0 || c.MaxEpochs < 0 {
		return c, fmt.Errorf("train: bad configuration: batch size %d, epochs %d: want values ≥ 0 (0: the default)", c.BatchSize, c.MaxEpochs)
	}
	return c, nil
}

// EpochStats is the record of one epoch. TrainLoss and TrainAcc are measured after the epoch on the
// clean training images in inference mode (no augmentation, batch norm on running statistics);
// BatchLoss is the mean loss of the epoch's training batches as they were trained.
// TestLoss and TestAcc are zero when there is no test data. Seconds is the time of the training
// steps alone; EvalSeconds that of the measurements.
type EpochStats struct {
	Epoch       int                     `json:"epoch"`
	TrainLoss   float64                 `json:"train_loss"`
	TrainAcc    float64                 `json:"train_acc"`
	TestLoss    float64                 `json:"test_loss"`
	TestAcc     float64                 `json:"test_acc"`
	BatchLoss   float64                 `json:"batch_loss"`
	LR          float64                 `json:"lr"`
	Seconds     float64                 `json:"seconds"`
	EvalSeconds float64                 `json:"eval_seconds"`
	Gates       []models.GateSaturation `json:"gates,omitempty"` // on the training images
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
	// Snapshot returns a copy of the net with the weights as they are now: after this batch's
	// optimizer step (after the epoch, with Done). Call it only inside the callback: it runs on
	// the training goroutine between two steps, so the copy never sees a half-updated weight, and
	// the copy is the caller's to use anywhere afterwards (a live view samples it while training
	// goes on). It copies every parameter: a few milliseconds for a large net.
	Snapshot func() *models.Net
}

// Run trains net in place with gorgonia on train, measuring test (nil for none) after every epoch.
// It stops after MaxEpochs, or earlier with UntilFit once every training image is classified
// correctly. The weights are copied back into net after each epoch, so a cancelled ctx leaves the
// net of the last completed epoch; Run then returns the history so far and ctx's error. The
// history is also stored as JSON in net.Meta["history"], the configuration in net.Meta["training"],
// what it was trained on as a models.TrainingRecord (Net.TrainedOn reads it), whether it fits the
// training set after the last epoch as a models.FitRecord (Net.Fit) and, for people, the data's
// name in net.Meta["dataset"]. progress may be nil. A loss that is not finite stops the
// run with a *DivergedError. Run is NewState followed by Continue.
func Run(ctx context.Context, net *models.Net, train, test *dataset.Set, cfg Config, progress func(Progress)) ([]EpochStats, error) {
	st, err := NewState(net, cfg)
	if err != nil {
		return nil, err
	}
	return Continue(ctx, st, train, test, progress, nil)
}

// DivergedError says that the training loss stopped being a finite number.
type DivergedError struct {
	Epoch, Batch int     // 1-based, where it happened
	Loss         float64 // NaN or ±Inf
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("train: training diverged in epoch %d, batch %d (loss %v)", e.Epoch, e.Batch, e.Loss)
}

// Continue trains st.Net from the epoch after st's last one, as Run does (st.Config says how),
// until the run is done (State.Done), ctx is cancelled or an error happens; it returns the whole
// history, the epochs before this call included. At the end of every epoch it brings st up to
// date and, when save is not nil, calls save(st): an error from save stops the run and comes
// back. Whatever stops it, st is left at the last completed epoch, so Continue(ctx, st, …) with
// the same data goes on as if nothing had stopped it: training from a saved State gives the same
// weights bit for bit as a run that was never stopped (same GOMAXPROCS, as for Run).
func Continue(ctx context.Context, st *State, train, test *dataset.Set, progress func(Progress), save func(*State) error) ([]EpochStats, error) {
	net, cfg := st.Net, st.Config
	if err := net.Validate(); err != nil {
		return st.History, err
	}
	if train.Len() == 0 {
		return st.History, fmt.Errorf("train: training data is empty")
	}
	if err := checkData("training", train, net); err != nil {
		return st.History, err
	}
	if err := checkData("test", test, net); err != nil {
		return st.History, err
	}
	if err := checkMemory(net, cfg); err != nil {
		return st.History, err
	}
	t, err := newTrainer(st, train, test)
	if err != nil {
		return st.History, err
	}
	defer t.close()
	cfgJSON, _ := json.Marshal(cfg)
	net.Meta = withMeta(net.Meta, "training", string(cfgJSON))
	if train.Name != "" {
		net.Meta["dataset"] = train.Name + " (" + strconv.Itoa(train.Len()) + " images)"
		net.SetTrainedOn(record(train.Name, train.Len(), cfg))
	}
	for !st.Done() {
		stats, err := t.epoch(ctx, st.Epoch()+1, progress)
		if err != nil {
			return st.History, err
		}
		t.store.CopyTo(net)
		st.History = append(st.History, stats)
		h, _ := json.Marshal(st.History)
		net.Meta["history"] = string(h)
		net.SetFit(models.NewFitRecord(stats.TrainAcc, train.Len(), st.Epoch()))
		st.commit(t.pcg, t.opt)
		if save != nil {
			if err := save(st); err != nil {
				return st.History, err
			}
		}
		if progress != nil {
			n := st.Epoch()
			progress(Progress{Epoch: n, Epochs: cfg.MaxEpochs, Batch: t.batches, Batches: t.batches,
				Loss: stats.BatchLoss, Done: &st.History[n-1], Snapshot: net.Clone})
		}
	}
	return st.History, nil
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
