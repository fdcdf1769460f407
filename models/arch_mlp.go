package models

import (
	"fmt"
	"strconv"
)

// MLPConfig describes a multi-layer perceptron: flatten, then Hidden dense layers each followed by
// Activation, then a dense layer to Classes logits.
type MLPConfig struct {
	Input   [3]int // per-sample input shape [C, H, W]
	Classes int
	Hidden  []int // widths of the hidden layers; nil means none (a linear classifier)
	// Activation is OpReLU, OpTanh, OpSigmoid, OpGELU or OpLeakyReLU (slope 0.01); "" means OpReLU.
	Activation Op
	// Normalize, when non-nil, holds (mean, std) applied to every channel by a normalize node first.
	Normalize *[2]float32
}

// NewMLP builds an MLP with PyTorch's default initialisation drawn from seed, and records the
// configuration in Arch. It returns an error for a bad shape, width or activation.
func NewMLP(cfg MLPConfig, seed int64) (*Net, error) {
	return buildTwice("mlp", func(dry bool) (*Net, error) { return newMLP(cfg, seed, dry) })
}

// newMLP builds the net NewMLP describes; dry, with parameter shapes and no values.
func newMLP(cfg MLPConfig, seed int64, dry bool) (*Net, error) {
	act := cfg.Activation
	if act == "" {
		act = OpReLU
	}
	if !archIsActivation(act) {
		return nil, fmt.Errorf("models: mlp: unknown activation %q", cfg.Activation)
	}
	if err := checkInputClasses("mlp", cfg.Input, cfg.Classes); err != nil {
		return nil, err
	}
	for _, h := range cfg.Hidden {
		if h <= 0 {
			return nil, fmt.Errorf("models: mlp: hidden width %d", h)
		}
	}
	b := newNetBuilder(cfg.Input, cfg.Classes, seed, dry)
	x := b.normalize(0, cfg.Normalize)
	x = b.add("flatten", OpFlatten, Attr{}, nil, x)
	in := cfg.Input[0] * cfg.Input[1] * cfg.Input[2]
	for i, h := range cfg.Hidden {
		x = b.dense("fc"+strconv.Itoa(i+1), x, in, h)
		x = b.addActivation(string(act)+strconv.Itoa(i+1), act, x)
		in = h
	}
	b.dense("out", x, in, cfg.Classes)
	b.net.Arch["arch"] = "mlp"
	b.net.Arch["hidden"] = formatInts(cfg.Hidden)
	b.net.Arch["activation"] = string(act)
	b.net.Arch["seed"] = strconv.FormatInt(seed, 10)
	recordNormalize(b.net.Arch, cfg.Normalize)
	return b.finish()
}

func (b *netBuilder) addActivation(name string, op Op, x int) int {
	a := Attr{}
	if op == OpLeakyReLU {
		a.Alpha = 0.01
	}
	return b.add(name, op, a, nil, x)
}

func checkInputClasses(arch string, input [3]int, classes int) error {
	if input[0] <= 0 || input[1] <= 0 || input[2] <= 0 {
		return fmt.Errorf("models: %s: bad input shape %v", arch, input)
	}
	if classes <= 0 {
		return fmt.Errorf("models: %s: %d classes", arch, classes)
	}
	return nil
}

func recordNormalize(arch map[string]string, ms *[2]float32) {
	if ms != nil {
		arch["normalize"] = strconv.FormatFloat(float64(ms[0]), 'g', -1, 32) + "," +
			strconv.FormatFloat(float64(ms[1]), 'g', -1, 32)
	}
}
