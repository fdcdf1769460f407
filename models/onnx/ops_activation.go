package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// Element-wise activations, Clip and Softmax.

func activation(op models.Op) opFunc {
	return func(b *builder, n *node) error {
		x, err := n.data(0)
		if err != nil {
			return err
		}
		var attr models.Attr
		switch op {
		case models.OpLeakyReLU:
			attr.Alpha = n.attrs.Float("alpha", 0.01)
		case models.OpGELU:
			if a := n.attrs.String("approximate", "none"); a != "none" {
				return fmt.Errorf("GELU approximation %q is not supported, only the exact erf form", a)
			}
		}
		n.attrs.ignore("consumed_inputs") // opset < 6 bookkeeping
		n.out[0] = b.emit(n.name(), op, attr, nil, x.shape, x)
		return nil
	}
}

func clip(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	if b.opset < 11 {
		lo, hi = n.attrs.Float("min", lo), n.attrs.Float("max", hi)
	} else {
		for k, dst := range []*float32{&lo, &hi} {
			c, err := n.optConst(k + 1)
			if err != nil {
				return err
			}
			if c != nil {
				v, err := c.scalar()
				if err != nil {
					return err
				}
				*dst = float32(v)
			}
		}
	}
	if math.IsNaN(float64(lo)) || math.IsNaN(float64(hi)) {
		return fmt.Errorf("clip bound is NaN")
	}
	if lo == 0 && math.IsInf(float64(hi), 1) { // torch.clamp(x, min=0)
		n.out[0] = b.emit(n.name(), models.OpReLU, models.Attr{}, nil, x.shape, x)
		return nil
	}
	// Open sides become ±MaxFloat32 (the same on finite values): checkpoints store attributes as
	// JSON, which has no infinities.
	lo, hi = max(lo, -math.MaxFloat32), min(hi, math.MaxFloat32)
	n.out[0] = b.emit(n.name(), models.OpClip, models.Attr{Min: lo, Max: hi}, nil, x.shape, x)
	return nil
}

// softmax maps Softmax onto OpSoftmax and LogSoftmax onto OpLogSoftmax, which work along the
// last sample axis: from opset 13 the axis must be the last one of size > 1; before 13 the sample
// is flattened from axis on, as the operators then defined.
func softmax(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	s := x.shape
	var inner []int
	if b.opset >= 13 {
		a, err := b.sampleAxis(n.attrs.Int("axis", -1), len(s))
		if err != nil {
			return err
		}
		for _, d := range s[a+1:] {
			if d != 1 {
				return fmt.Errorf("%s along axis %d of sample shape %v: only the last axis of size > 1 is supported", n.op, a, s)
			}
		}
		inner = s[:a+1]
	} else {
		a, err := b.sampleAxis(n.attrs.Int("axis", 1), len(s))
		if err != nil {
			return err
		}
		inner = []int{models.ShapeSize(s[:a]), models.ShapeSize(s[a:])}
		if inner[0] == 1 {
			inner = inner[1:]
		}
	}
	y := b.reshape(x, inner, n.name()+"/in")
	op := models.OpSoftmax
	if n.op == "LogSoftmax" {
		op = models.OpLogSoftmax
	}
	y = b.emit(n.name(), op, models.Attr{}, nil, inner, y)
	n.out[0] = b.reshape(y, s, n.name()+"/out")
	return nil
}

// hardSigmoid maps HardSigmoid, max(0, min(1, αx + β)), onto an affine node and OpClip, and
// HardSwish, x·HardSigmoid(x) with α = 1/6, β = ½, onto those and OpMul.
func hardSigmoid(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	alpha, beta := n.attrs.Float("alpha", 0.2), n.attrs.Float("beta", 0.5)
	if n.op == "HardSwish" {
		alpha, beta = 1.0/6, 0.5
	}
	c := x.shape[0]
	lin := b.affine(n.name()+"/affine", "onnx:"+n.op, x, models.OpBatchNorm,
		map[string][]float32{"gamma": fill(c, alpha), "beta": fill(c, beta)}, true)
	y := b.emit(n.name(), models.OpClip, models.Attr{Min: 0, Max: 1}, nil, x.shape, lin)
	if n.op == "HardSwish" {
		y = b.emit(n.name()+"/mul", models.OpMul, models.Attr{}, nil, x.shape, x, y)
	}
	n.out[0] = y
	return nil
}

// prelu maps PRelu with one slope onto OpLeakyReLU, and with a slope per channel or element onto
// relu(x) + (−slope)·relu(−x), which is exact in floating point (one term is always zero).
func prelu(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	sc, err := n.konst(1)
	if err != nil {
		return err
	}
	if sc.size() == 1 {
		n.out[0] = b.emit(n.name(), models.OpLeakyReLU, models.Attr{Alpha: sc.floats()[0]}, nil, x.shape, x)
		return nil
	}
	if b.opset < 7 && len(sc.shape) == 1 && b.batched && sc.shape[0] == x.shape[0] {
		// PRelu-6 applied a slope vector per channel; numpy broadcasting needs [C,1,…].
		sc = &constant{shape: slices.Concat(sc.shape, slices.Repeat([]int{1}, len(x.shape)-1)), float: sc.float, f: sc.f, i: sc.i}
	}
	vals, perChannel, err := b.sampleConst(sc, x.shape)
	if err != nil {
		return err
	}
	c := x.shape[0]
	neg := b.affine(n.name()+"/neg", "onnx:PRelu", x, models.OpBatchNorm,
		map[string][]float32{"gamma": fill(c, -1), "beta": fill(c, 0)}, true)
	pos := b.emit(n.name()+"/pos", models.OpReLU, models.Attr{}, nil, x.shape, x)
	neg = b.emit(n.name()+"/relu", models.OpReLU, models.Attr{}, nil, x.shape, neg)
	slope := make([]float32, len(vals))
	for k, v := range vals {
		slope[k] = -v
	}
	// The slopes are PReLU's learned weights (nn.PReLU's parameter), unlike the −1 above.
	neg = b.affineNode(n.name()+"/slope", "onnx:PRelu", neg, models.OpBatchNorm,
		map[string][]float32{"gamma": slope, "beta": fill(len(vals), 0)}, perChannel, false)
	n.out[0] = b.emit(n.name(), models.OpAdd, models.Attr{}, nil, x.shape, pos, neg)
	return nil
}
