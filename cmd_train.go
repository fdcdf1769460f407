package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/models/train"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/view"
)

// archFlags describe a new network.
type archFlags struct {
	arch, hidden, activation, channels, shortcut string
	depth, width                                 int
	bn, se                                       bool
	seed                                         int64
}

// build makes an untrained network for images of set.
func (a *archFlags) build(set *dataset.Set) (*models.Net, error) {
	input := [3]int{set.C, set.H, set.W}
	switch a.arch {
	case "mlp":
		hidden, err := parseInts(a.hidden)
		if err != nil {
			return nil, fmt.Errorf("--hidden %q: %v", a.hidden, err)
		}
		return models.NewMLP(models.MLPConfig{Input: input, Classes: set.Classes, Hidden: hidden,
			Activation: models.Op(a.activation)}, a.seed)
	case "cnn":
		channels, err := parseInts(a.channels)
		if err != nil {
			return nil, fmt.Errorf("--channels %q: %v", a.channels, err)
		}
		return models.NewCNN(models.CNNConfig{Input: input, Classes: set.Classes, Channels: channels,
			BatchNorm: a.bn, Activation: models.Op(a.activation)}, a.seed)
	case "resnet":
		return models.NewResNet(models.ResNetConfig{Input: input, Classes: set.Classes, Depth: a.depth,
			Width: a.width, Shortcut: models.Shortcut(a.shortcut), SE: a.se}, a.seed)
	}
	return nil, fmt.Errorf("--arch %q: want mlp, cnn or resnet", a.arch)
}

// ignored names the flags that the architecture and the optimiser opt do not use.
func (a *archFlags) ignored(opt string) map[string]string {
	uses := map[string][]string{"mlp": {"hidden", "activation"}, "cnn": {"channels", "bn", "activation"},
		"resnet": {"depth", "width", "shortcut", "se"}}[a.arch]
	out := map[string]string{}
	for _, name := range []string{"hidden", "activation", "channels", "bn", "depth", "width", "shortcut", "se"} {
		if !slices.Contains(uses, name) {
			out[name] = "--arch " + a.arch + " does not use it"
		}
	}
	if opt != "sgd" {
		out["momentum"] = "it applies to --opt sgd"
	}
	return out
}

// trainConfig is what `surfscope train` is asked to do.
type trainConfig struct {
	arch       archFlags
	data       string
	limit      int // train on the first images of the split only (0 = all)
	cfg        train.Config
	out        string // the trained model
	resume     bool   // continue the interrupted run of out (or outDir)
	saveEvery  int    // with outDir: a checkpoint every saveEvery epochs
	outDir     string // checkpoint series folder
	allowUnfit bool   // a net that does not fit its training set is not an error
	// provenance goes into every checkpoint the run writes (net.Meta[provenance.MetaKey]) and the
	// series index
	provenance provenance.Record
}

// trainProvenance completes rec with what the run trains on: the data, the train split and the seed.
func (c *trainConfig) trainProvenance(rec provenance.Record) provenance.Record {
	rec.Data, rec.Split = view.DataProvenance(c.data), dataset.Train
	if c.arch.seed >= 0 {
		rec.SetSeed(uint64(c.arch.seed))
	}
	return rec
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("train", args)
	c, err := parseTrain(args, stderr)
	if err != nil {
		return err
	}
	c.provenance = c.trainProvenance(rec)
	hist, err := runTrain(ctx, c, stderr)
	var unfit *unfitError
	if err != nil && !errors.As(err, &unfit) {
		return err
	}
	last := hist[len(hist)-1]
	fmt.Fprintf(stdout, "wrote %s: %d epochs, train accuracy %s, test accuracy %.2f%%\n",
		c.model(), len(hist), models.Percent(last.TrainAcc), 100*last.TestAcc)
	return err
}

// unfitError says that training ended with a net that does not fit its training set (the model
// was written, and records it): exit status 3 unless --allow-unfit.
type unfitError struct{ msg string }

func (e *unfitError) Error() string { return e.msg }

// checkFit says loudly on stderr when the trained net does not fit its training set, and returns
// an *unfitError for it unless --allow-unfit.
func (c *trainConfig) checkFit(net *models.Net, stderr io.Writer) error {
	fit, ok, err := net.Fit()
	if err != nil || !ok || fit.Fits {
		return err
	}
	msg := fmt.Sprintf("NOT FITTED: the run ended after %d epochs with %s training accuracy, %d of %d training images misclassified; %s records fits: false",
		fit.Epochs, models.Percent(fit.TrainAccuracy), fit.Misclassified, fit.Images, c.model())
	if c.allowUnfit {
		fmt.Fprintf(stderr, "surfscope train: WARNING: %s (accepted: --allow-unfit)\n", msg)
		return nil
	}
	return &unfitError{msg + "; train longer (--epochs) or pass --allow-unfit to accept it"}
}

// parseTrain reads the flags of `surfscope train`.
func parseTrain(args []string, stderr io.Writer) (*trainConfig, error) {
	fs := newFlags("train", "--data NAME --arch mlp|cnn|resnet [--shortcut add|mul|bnmul|bnmul1|gate|sgate|gate2] [flags] --out model.safetensors [--save-every K --out-dir DIR] [--resume]", stderr)
	c := &trainConfig{}
	a, cfg := &c.arch, &c.cfg
	fs.StringVar(&c.data, "data", "sample", view.DataUsage)
	fs.IntVar(&c.limit, "limit", 0, "train on the first N training images only (0 = all)")
	fs.StringVar(&a.arch, "arch", "mlp", "architecture: mlp, cnn or resnet")
	fs.StringVar(&a.hidden, "hidden", "256,256", "mlp: hidden layer widths")
	fs.StringVar(&a.activation, "activation", "relu", "mlp and cnn: relu, tanh, sigmoid, gelu")
	fs.StringVar(&a.channels, "channels", "16,32", "cnn: output channels of each 3x3 convolution")
	fs.BoolVar(&a.bn, "bn", false, "cnn: batch norm after each convolution")
	fs.IntVar(&a.depth, "depth", 8, "resnet: depth 6n+2 (8, 14, 20, ...)")
	fs.IntVar(&a.width, "width", 1, "resnet: channel multiplier")
	fs.StringVar(&a.shortcut, "shortcut", "add", "resnet: how a block combines shortcut s and branch r: add (s + r), mul (s·r), bnmul (bn(s)·bn(r)), bnmul1 (bnmul, biases 1), gate (bn(s)·σ(bn(r))), sgate (σ(bn(s))·bn(r)), gate2 (σ(bn(s))·σ(bn(r)))")
	fs.BoolVar(&a.se, "se", false, "resnet: squeeze-excitation gate on every residual branch")
	fs.Int64Var(&a.seed, "seed", 1, "random seed for the weights and the batch order")
	fs.StringVar(&cfg.Optimizer, "opt", "adam", "optimiser: adam or sgd")
	fs.Float64Var(&cfg.LR, "lr", 0, "learning rate (0 = 1e-3 for adam, 0.1 for sgd)")
	fs.Float64Var(&cfg.Momentum, "momentum", 0, "sgd momentum (0 = 0.9)")
	fs.StringVar(&cfg.Schedule, "schedule", "", "learning-rate schedule: constant (empty), cosine or step")
	fs.Float64Var(&cfg.WeightDecay, "wd", 0, "weight decay")
	fs.IntVar(&cfg.BatchSize, "batch", 128, "batch size")
	fs.IntVar(&cfg.MaxEpochs, "epochs", 50, "epoch cap")
	fs.BoolVar(&cfg.UntilFit, "until-fit", true, "stop at 100% training accuracy")
	fs.BoolVar(&cfg.Flip, "flip", false, "augment with horizontal flips")
	fs.Float64Var(&cfg.Mixup, "mixup", 0, "mixup with Beta(A, A) mixing weights (0 = off)")
	fs.StringVar(&c.out, "out", "", "checkpoint to write (.safetensors); the run's state after every epoch goes to FILE.resume until it ends")
	fs.BoolVar(&c.resume, "resume", false, "continue the interrupted run of --out (or --out-dir) from its last complete epoch, with the same flags")
	fs.IntVar(&c.saveEvery, "save-every", 0, "with --out-dir: a checkpoint every K epochs, and the last (0 = every epoch)")
	fs.StringVar(&c.outDir, "out-dir", "", "folder for a checkpoint series: epoch-NNNN.safetensors files and their index "+series.IndexName)
	fs.BoolVar(&c.allowUnfit, "allow-unfit", false, "accept a net that ends short of 100% training accuracy: warn and exit 0 (else exit 3; the model is written and records fits: false either way)")
	if err := parse(fs, args, map[string]flagRule{"width": atLeast(1)}); err != nil {
		return nil, err
	}
	switch {
	case c.out == "" && c.outDir == "":
		return nil, &flagError{"--out is required (or --out-dir for a checkpoint series)"}
	case c.saveEvery > 0 && c.outDir == "":
		return nil, &flagError{"--save-every needs --out-dir, the folder of the series"}
	}
	warnIgnored(fs, stderr, c.arch.ignored(cfg.Optimizer))
	c.saveEvery = max(c.saveEvery, 1)
	cfg.Seed = a.seed
	return c, nil
}

// model is the file the trained model ends in: --out, else the last checkpoint of the series.
func (c *trainConfig) model() string {
	if c.out != "" {
		return c.out
	}
	return filepath.Join(c.outDir, series.IndexName)
}

// statePath is the file that holds the run's state between epochs: --out + ".resume", or
// "train.resume" in the series folder.
func (c *trainConfig) statePath() string {
	if c.out != "" {
		return c.out + ".resume"
	}
	return filepath.Join(c.outDir, "train.resume")
}

// runTrain trains the network, from scratch or (--resume) from the state an interrupted run left.
// After every epoch the run's state goes to statePath, atomically, and every saveEvery epochs a
// checkpoint to the series. At the end the model goes to --out and the state file is removed; see
// finishTrain for what an interrupted, diverged or failed run leaves.
func runTrain(ctx context.Context, c *trainConfig, stderr io.Writer) ([]train.EpochStats, error) {
	trainSet, err := openSplit(c.data, dataset.Train, nil)
	if err != nil {
		return nil, err
	}
	test, err := openSplit(c.data, dataset.Test, nil)
	if err != nil {
		return nil, err
	}
	if c.limit > 0 {
		trainSet = trainSet.Head(min(c.limit, trainSet.Len()))
	}
	st, err := c.startState(trainSet)
	if err != nil {
		return nil, err
	}
	if st.Net.Meta == nil {
		st.Net.Meta = map[string]string{}
	}
	st.Net.Meta[provenance.MetaKey] = c.provenance.JSON() // a resumed run's checkpoints name the command that resumed it
	sw, err := c.seriesWriter(st, trainSet)
	if err != nil {
		return nil, err
	}
	if st.Epoch() > 0 {
		fmt.Fprintf(stderr, "resuming %s after epoch %d of at most %d (%s)\n", c.arch.arch, st.Epoch(), st.Config.MaxEpochs, c.statePath())
	} else {
		fmt.Fprintf(stderr, "training %s (%d parameters) on %d images of %s\n", c.arch.arch, st.Net.NumParams(), trainSet.Len(), c.data)
	}
	save := func(s *train.State) error {
		if sw != nil && (s.Epoch()%c.saveEvery == 0 || s.Done()) {
			if err := sw.Add(s.Net, seriesEntry(s.History)); err != nil {
				return err
			}
		}
		return train.SaveState(c.statePath(), s)
	}
	hist, err := train.Continue(ctx, st, trainSet, test, func(p train.Progress) {
		if e := p.Done; e != nil {
			fmt.Fprintf(stderr, "epoch %d: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%% (%.1fs)\n",
				e.Epoch, e.TrainLoss, 100*e.TrainAcc, e.TestLoss, 100*e.TestAcc, e.Seconds)
			fmt.Fprint(stderr, view.EpochGatesText(e.Gates))
		}
	}, save)
	if err := c.finishTrain(st, err); err != nil {
		return hist, err
	}
	return hist, c.checkFit(st.Net, stderr)
}

// seriesEntry is the index entry of the last epoch of hist.
func seriesEntry(hist []train.EpochStats) series.Entry {
	e := hist[len(hist)-1]
	var secs float64
	for _, h := range hist {
		secs += h.Seconds + h.EvalSeconds
	}
	return series.Entry{Epoch: e.Epoch, TrainLoss: e.TrainLoss, TrainAcc: e.TrainAcc, TestLoss: e.TestLoss,
		TestAcc: e.TestAcc, Seconds: secs, Time: time.Now().UTC()}
}

// finishTrain writes what a run that stopped with err leaves:
//   - finished: the model in --out; the state file is removed;
//   - interrupted (Ctrl-C) after an epoch completed: the last complete epoch in --out, the state
//     kept for --resume; before any epoch completed: nothing (--out is left as it was);
//   - diverged: nothing, and the state is removed (resuming would diverge again);
//   - any other error: nothing; the state of the last complete epoch is kept for --resume.
func (c *trainConfig) finishTrain(st *train.State, err error) error {
	var div *train.DivergedError
	switch {
	case err == nil:
		if c.out != "" {
			if err := models.Save(c.out, st.Net); err != nil {
				return err
			}
		}
		return removeIfPresent(c.statePath())
	case errors.As(err, &div):
		removeIfPresent(c.statePath())
		return fmt.Errorf("%v at learning rate %g (--lr); nothing was written; a smaller --lr may help", err, st.Config.LR)
	case errors.Is(err, context.Canceled) && st.Epoch() == 0:
		return &interruptedError{fmt.Sprintf("interrupted in epoch 1, before any epoch completed; nothing was written%s", c.unchanged())}
	case errors.Is(err, context.Canceled) && c.out == "":
		return &interruptedError{fmt.Sprintf("interrupted in epoch %d; the same command with --resume continues the run from epoch %d (%s)",
			st.Epoch()+1, st.Epoch(), c.statePath())}
	case errors.Is(err, context.Canceled):
		if err := models.Save(c.out, st.Net); err != nil {
			return err
		}
		return &interruptedError{fmt.Sprintf("interrupted in epoch %d; %s holds epoch %d, the last complete one; the same command with --resume continues the run",
			st.Epoch()+1, c.out, st.Epoch())}
	}
	if _, serr := os.Stat(c.statePath()); serr == nil {
		return fmt.Errorf("%v (the state of the last epoch saved is in %s: the same command with --resume continues from it)", err, c.statePath())
	}
	return err
}

// unchanged says " (OUT is unchanged)" when --out names an existing file.
func (c *trainConfig) unchanged() string {
	if _, err := os.Stat(c.out); c.out != "" && err == nil {
		return " (" + c.out + " is unchanged)"
	}
	return ""
}

func removeIfPresent(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
