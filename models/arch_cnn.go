package models

import (
	"fmt"
	"strconv"
)

// CNNConfig describes a plain convolutional net: Convs "same"-padded convolutions (each optionally
// followed by batch norm) with Activation, 2×2 max pooling, then optional hidden dense layers and
// the output layer.
//
// The standard benchmark CNN of WORKLOADS.md (conv 1→16, ReLU, conv 16→32, ReLU, max pool 2,
// dense 6272→10) is CNNConfig{Input: [3]int{1, 28, 28}, Classes: 10, Channels: []int{16, 32}}.
type CNNConfig struct {
	Input   [3]int
	Classes int
	// Channels holds the output width of each convolution.
	Channels []int
	// Kernel is the square kernel size, odd; 0 means 3. Padding keeps the spatial size.
	Kernel int
	// PoolEvery puts a 2×2 max pool (stride 2) after every PoolEvery convolutions; 0 means one pool
	// after the last convolution only. The last convolution is always followed by a pool.
	PoolEvery int
	// BatchNorm inserts batch norm between each convolution (then without bias) and its activation.
	BatchNorm bool
	// Activation is as in MLPConfig; "" means OpReLU.
	Activation Op
	// GlobalPool averages each channel after the convolutions instead of flattening the feature map.
	GlobalPool bool
	// Hidden holds the widths of dense layers between the features and the output.
	Hidden    []int
	Normalize *[2]float32
}

// NewCNN builds a CNN with PyTorch's default initialisation drawn from seed and records the
// configuration in Arch.
func NewCNN(cfg CNNConfig, seed int64) (*Net, error) {
	return buildTwice("cnn", func(dry bool) (*Net, error) { return newCNN(cfg, seed, dry) })
}

// newCNN builds the net NewCNN describes; dry, with parameter shapes and no values.
func newCNN(cfg CNNConfig, seed int64, dry bool) (*Net, error) {
	act := cfg.Activation
	if act == "" {
		act = OpReLU
	}
	if !archIsActivation(act) {
		return nil, fmt.Errorf("models: cnn: unknown activation %q", cfg.Activation)
	}
	if err := checkInputClasses("cnn", cfg.Input, cfg.Classes); err != nil {
		return nil, err
	}
	k := cfg.Kernel
	if k == 0 {
		k = 3
	}
	if k < 0 || k%2 == 0 {
		return nil, fmt.Errorf("models: cnn: kernel %d is not a positive odd size", cfg.Kernel)
	}
	if len(cfg.Channels) == 0 {
		return nil, fmt.Errorf("models: cnn: no convolutions")
	}
	b := newNetBuilder(cfg.Input, cfg.Classes, seed, dry)
	x := b.normalize(0, cfg.Normalize)
	c, h, w := cfg.Input[0], cfg.Input[1], cfg.Input[2]
	for i, out := range cfg.Channels {
		if out <= 0 {
			return nil, fmt.Errorf("models: cnn: convolution %d has %d channels", i+1, out)
		}
		id := strconv.Itoa(i + 1)
		x = b.conv("conv"+id, x, c, out, k, 1, k/2, !cfg.BatchNorm)
		if cfg.BatchNorm {
			x = b.batchNorm("bn"+id, x, out, 0, "")
		}
		x = b.addActivation(string(act)+id, act, x)
		c = out
		last := i == len(cfg.Channels)-1
		if last || (cfg.PoolEvery > 0 && (i+1)%cfg.PoolEvery == 0) {
			if h < 2 || w < 2 {
				return nil, fmt.Errorf("models: cnn: feature map %dx%d is too small to pool after convolution %d", h, w, i+1)
			}
			x = b.add("pool"+id, OpMaxPool, Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}, nil, x)
			h, w = h/2, w/2
		}
	}
	if cfg.GlobalPool {
		x = b.add("gap", OpGlobalAvgPool, Attr{}, nil, x)
		h, w = 1, 1
	}
	x = b.add("flatten", OpFlatten, Attr{}, nil, x)
	in := c * h * w
	for i, hd := range cfg.Hidden {
		if hd <= 0 {
			return nil, fmt.Errorf("models: cnn: hidden width %d", hd)
		}
		x = b.dense("fc"+strconv.Itoa(i+1), x, in, hd)
		x = b.addActivation(string(act)+"_fc"+strconv.Itoa(i+1), act, x)
		in = hd
	}
	b.dense("out", x, in, cfg.Classes)
	a := b.net.Arch
	a["arch"] = "cnn"
	a["channels"] = formatInts(cfg.Channels)
	a["kernel"] = strconv.Itoa(k)
	a["pool_every"] = strconv.Itoa(cfg.PoolEvery)
	a["batchnorm"] = strconv.FormatBool(cfg.BatchNorm)
	a["activation"] = string(act)
	a["global_pool"] = strconv.FormatBool(cfg.GlobalPool)
	a["hidden"] = formatInts(cfg.Hidden)
	a["seed"] = strconv.FormatInt(seed, 10)
	recordNormalize(a, cfg.Normalize)
	return b.finish()
}
