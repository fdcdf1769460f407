package models

import (
	"fmt"
	"strconv"
	"strings"
)

// Shortcut says how a residual block combines its shortcut s(x) with its residual branch r(x).
// The block's output is ReLU of the combination.
type Shortcut string

const (
	// ShortcutAdd is He et al.'s residual sum s(x) + r(x) ("Deep residual learning", 2016).
	ShortcutAdd Shortcut = "add"
	// ShortcutMul multiplies them: s(x) · r(x).
	ShortcutMul Shortcut = "mul"
	// ShortcutBNMul multiplies batch-normalised factors: bn(s(x)) · bn(r(x)).
	ShortcutBNMul Shortcut = "bnmul"
	// ShortcutBNMul1 is ShortcutBNMul with both batch norms' biases initialised to 1, so that both
	// factors start near 1.
	ShortcutBNMul1 Shortcut = "bnmul1"
	// ShortcutGate gates the normalised shortcut with the residual: bn(s(x)) · sigmoid(bn(r(x))).
	ShortcutGate Shortcut = "gate"
	// ShortcutSGate puts the gate on the shortcut side: sigmoid(bn(s(x))) · bn(r(x)).
	ShortcutSGate Shortcut = "sgate"
	// ShortcutGate2 gates on both sides: sigmoid(bn(s(x))) · sigmoid(bn(r(x))).
	ShortcutGate2 Shortcut = "gate2"
)

// Shortcuts lists every Shortcut kind.
var Shortcuts = []Shortcut{ShortcutAdd, ShortcutMul, ShortcutBNMul, ShortcutBNMul1, ShortcutGate, ShortcutSGate, ShortcutGate2}

// normalizedShortcut reports whether the kind batch-normalises an identity shortcut.
func (k Shortcut) normalizedShortcut() bool {
	return k != ShortcutAdd && k != ShortcutMul
}

// Gate metadata (Attr.Meta) of the sigmoid nodes of shortcut combinations and SE blocks.
const (
	MetaResidualGate = "shortcut gate (residual side)"
	MetaShortcutGate = "shortcut gate (shortcut side)"
	MetaSEGate       = "se gate"
)

// ResNetConfig describes a CIFAR-style ResNet (He et al. 2016, section 4.2): a 3×3 convolution to
// 16·Width channels, three stages of (Depth−2)/6 basic blocks of 16·Width, 32·Width and
// 64·Width channels (the second and third start with stride 2), global average pooling and a dense
// output. Depth 8, 14 and 20 give ResNet-8/14/20. Every convolution is followed by batch norm; a
// block whose shape changes takes a 1×1 stride-2 convolution with batch norm as its shortcut
// (option B), other blocks the identity (batch-normalised for every kind but add and mul).
type ResNetConfig struct {
	Input    [3]int
	Classes  int
	Depth    int      // 6n+2; 0 means 8
	Width    int      // channel multiplier; 0 means 1
	Shortcut Shortcut // "" means ShortcutAdd
	// SE adds a squeeze-and-excitation gate to every residual branch before the combination
	// (Hu et al. 2018): r ← r · sigmoid(W₂ ReLU(W₁ avgpool(r))), with 1×1 convolutions reducing the
	// channels by 4.
	SE        bool
	Normalize *[2]float32
}

// ShortcutNames lists the Shortcut kinds for messages: "add, mul, …, gate2".
func ShortcutNames() string {
	names := make([]string, len(Shortcuts))
	for i, k := range Shortcuts {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// seReduction is the channel reduction inside SE gates; Hu et al. use 16 on ImageNet widths, too
// narrow for 16-channel stages.
const seReduction = 4

// NewResNet builds the ResNet with PyTorch's default initialisation drawn from seed (batch norms
// with weight 1 and bias 0, or bias 1 where ShortcutBNMul1 says so) and records the configuration
// in Arch.
func NewResNet(cfg ResNetConfig, seed int64) (*Net, error) {
	return buildTwice("resnet", func(dry bool) (*Net, error) { return newResNet(cfg, seed, dry) })
}

// newResNet builds the net NewResNet describes; dry, with parameter shapes and no values.
func newResNet(cfg ResNetConfig, seed int64, dry bool) (*Net, error) {
	if err := checkInputClasses("resnet", cfg.Input, cfg.Classes); err != nil {
		return nil, err
	}
	depth, width, kind := cfg.Depth, cfg.Width, cfg.Shortcut
	if depth == 0 {
		depth = 8
	}
	if width == 0 {
		width = 1
	}
	if kind == "" {
		kind = ShortcutAdd
	}
	if depth < 8 || (depth-2)%6 != 0 {
		return nil, fmt.Errorf("models: resnet: depth %d is not 6n+2 with n ≥ 1", depth)
	}
	if width < 0 {
		return nil, fmt.Errorf("models: resnet: width %d", width)
	}
	known := false
	for _, s := range Shortcuts {
		known = known || s == kind
	}
	if !known {
		return nil, fmt.Errorf("models: resnet: unknown shortcut %q (want %s)", cfg.Shortcut, ShortcutNames())
	}
	b := newNetBuilder(cfg.Input, cfg.Classes, seed, dry)
	x := b.normalize(0, cfg.Normalize)
	c := 16 * width
	x = b.conv("stem", x, cfg.Input[0], c, 3, 1, 1, false)
	x = b.batchNorm("stem_bn", x, c, 0, "")
	x = b.act("stem_relu", OpReLU, x)
	h, w := cfg.Input[1], cfg.Input[2]
	blocks := (depth - 2) / 6
	for stage := 0; stage < 3; stage++ {
		out := 16 * width << stage
		for i := 0; i < blocks; i++ {
			stride := 1
			if stage > 0 && i == 0 {
				stride = 2
				if h < 2 || w < 2 {
					return nil, fmt.Errorf("models: resnet: input %v is too small for three stages", cfg.Input)
				}
				h, w = (h+1)/2, (w+1)/2
			}
			x = b.basicBlock(fmt.Sprintf("s%d.b%d", stage+1, i+1), x, c, out, stride, kind, cfg.SE)
			c = out
		}
	}
	x = b.add("gap", OpGlobalAvgPool, Attr{}, nil, x)
	x = b.add("flatten", OpFlatten, Attr{}, nil, x)
	b.dense("out", x, c, cfg.Classes)
	a := b.net.Arch
	a["arch"] = "resnet"
	a["depth"] = strconv.Itoa(depth)
	a["width"] = strconv.Itoa(width)
	a["shortcut"] = string(kind)
	a["se"] = strconv.FormatBool(cfg.SE)
	a["seed"] = strconv.FormatInt(seed, 10)
	recordNormalize(a, cfg.Normalize)
	return b.finish()
}

// basicBlock appends conv3×3-BN-ReLU-conv3×3-BN (plus an SE gate), the shortcut and their
// combination, and returns the block's output node.
func (b *netBuilder) basicBlock(name string, x, cin, cout, stride int, kind Shortcut, se bool) int {
	beta := float32(0)
	if kind == ShortcutBNMul1 {
		beta = 1
	}
	r := b.conv(name+".conv1", x, cin, cout, 3, stride, 1, false)
	r = b.batchNorm(name+".bn1", r, cout, 0, "")
	r = b.act(name+".relu1", OpReLU, r)
	r = b.conv(name+".conv2", r, cout, cout, 3, 1, 1, false)
	r = b.batchNorm(name+".bn2", r, cout, beta, "residual")
	if se {
		hidden := max(cout/seReduction, 1)
		s := b.add(name+".se_pool", OpGlobalAvgPool, Attr{}, nil, r)
		s = b.conv(name+".se_fc1", s, cout, hidden, 1, 1, 0, true)
		s = b.act(name+".se_relu", OpReLU, s)
		s = b.conv(name+".se_fc2", s, hidden, cout, 1, 1, 0, true)
		s = b.add(name+".se_gate", OpSigmoid, Attr{Meta: MetaSEGate}, nil, s)
		r = b.add(name+".se_scale", OpMul, Attr{}, nil, r, s)
	}
	sc := x
	if stride != 1 || cin != cout {
		sc = b.conv(name+".down", x, cin, cout, 1, stride, 0, false)
		sc = b.batchNorm(name+".down_bn", sc, cout, beta, "shortcut")
	} else if kind.normalizedShortcut() {
		sc = b.batchNorm(name+".shortcut_bn", x, cout, beta, "shortcut")
	}
	if kind == ShortcutSGate || kind == ShortcutGate2 {
		sc = b.add(name+".shortcut_gate", OpSigmoid, Attr{Meta: MetaShortcutGate}, nil, sc)
	}
	if kind == ShortcutGate || kind == ShortcutGate2 {
		r = b.add(name+".gate", OpSigmoid, Attr{Meta: MetaResidualGate}, nil, r)
	}
	op, suffix := OpMul, ".mul"
	if kind == ShortcutAdd {
		op, suffix = OpAdd, ".add"
	}
	y := b.add(name+suffix, op, Attr{Meta: "shortcut"}, nil, sc, r)
	return b.act(name+".relu", OpReLU, y)
}
