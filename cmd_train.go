package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train"
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

// trainConfig is what `surfscope train` is asked to do.
type trainConfig struct {
	arch  archFlags
	data  string
	limit int // train on the first images of the split only (0 = all)
	cfg   train.Config
	out   string
}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseTrain(args, stderr)
	if err != nil {
		return err
	}
	hist, err := runTrain(ctx, c, stderr)
	if err != nil {
		return err
	}
	last := hist[len(hist)-1]
	fmt.Fprintf(stdout, "wrote %s: %d epochs, train accuracy %.2f%%, test accuracy %.2f%%\n",
		c.out, len(hist), 100*last.TrainAcc, 100*last.TestAcc)
	return nil
}

// parseTrain reads the flags of `surfscope train`.
func parseTrain(args []string, stderr io.Writer) (*trainConfig, error) {
	fs := newFlags("train", "--data NAME --arch mlp|cnn|resnet [--shortcut add|mul|bnmul|bnmul1|gate] [flags] --out model.safetensors", stderr)
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
	fs.StringVar(&c.out, "out", "", "checkpoint to write (.safetensors)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if c.out == "" {
		return nil, fmt.Errorf("--out is required")
	}
	cfg.Seed = a.seed
	return c, nil
}

// runTrain trains the network and saves it, also when cancelled (the last complete epoch); the
// checkpoint records what it was trained on (models.TrainingRecord).
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
		trainSet = trainSet.Head(c.limit)
	}
	net, err := c.arch.build(trainSet)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "training %s (%d parameters) on %d images of %s\n", c.arch.arch, net.NumParams(), trainSet.Len(), c.data)
	hist, err := train.Run(ctx, net, trainSet, test, c.cfg, func(p train.Progress) {
		if e := p.Done; e != nil {
			fmt.Fprintf(stderr, "epoch %d: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%% (%.1fs)\n",
				e.Epoch, e.TrainLoss, 100*e.TrainAcc, e.TestLoss, 100*e.TestAcc, e.Seconds)
			fmt.Fprint(stderr, view.EpochGatesText(e.Gates))
		}
	})
	cancelled := errors.Is(err, context.Canceled)
	if err != nil && !cancelled {
		return nil, err
	}
	net.Meta["data"] = c.data
	if serr := models.Save(c.out, net); serr != nil {
		return nil, serr
	}
	if cancelled {
		return nil, fmt.Errorf("cancelled after %d epochs; the last complete epoch was saved to %s", len(hist), c.out)
	}
	if len(hist) == 0 {
		return nil, fmt.Errorf("no epoch was trained")
	}
	return hist, nil
}
