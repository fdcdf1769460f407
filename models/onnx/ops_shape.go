package onnx

import (
	"fmt"
	"slices"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/models"
)

// Ops that move no data: they change a value's shape (OpReshape, OpFlatten) or alias it.

// batchTarget splits a Reshape target of a batched data value into the sample part: the first
// entry must keep the batch (the symbolic batch size, 0 meaning "copy", the declared batch size,
// or -1 when the rest already holds the whole sample).
func (b *builder) batchTarget(t []int64, sample []int, allowzero bool) ([]int64, error) {
	if len(t) == 0 {
		return nil, fmt.Errorf("reshape to a scalar")
	}
	first, rest := t[0], t[1:]
	switch {
	case first == batchDim, first == 0 && !allowzero:
	case b.batch > 0 && first == int64(b.batch):
	case first == -1 && !slices.Contains(rest, -1):
	default:
		return nil, fmt.Errorf("reshape target %v mixes the batch dimension into the sample", brief(t))
	}
	return rest, nil
}

func reshapeData(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	t, allowzero, err := reshapeTarget(n)
	if err != nil {
		return err
	}
	if b.batched {
		if t, err = b.batchTarget(t, x.shape, allowzero); err != nil {
			return err
		}
	}
	s, err := resolveShape(x.shape, t, allowzero)
	if err != nil {
		return err
	}
	return b.setShape(n, x, s)
}

// setShape sets the node's output to x under sample shape s.
func (b *builder) setShape(n *node, x *value, s []int) error {
	if len(s) == 0 {
		return fmt.Errorf("samples of rank 0 are not supported")
	}
	n.out[0] = b.reshape(x, s, n.name())
	return nil
}

func flattenData(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	full := b.full(x.shape)
	axis, err := normAxis(n.attrs.Int("axis", 1), len(full), true)
	if err != nil {
		return err
	}
	if b.batched { // the output [N·…, …] keeps the batch apart only for axis 1
		if axis != 1 {
			return fmt.Errorf("Flatten at axis %d mixes the batch into the sample", axis)
		}
		return b.setShape(n, x, []int{models.ShapeSize(x.shape)})
	}
	return b.setShape(n, x, []int{models.ShapeSize(x.shape[:axis]), models.ShapeSize(x.shape[axis:])})
}

// sampleAxes turns ONNX axes of a tensor of full rank r into sample axes.
func (b *builder) sampleAxes(axes []int64, r int) ([]int64, error) {
	out := make([]int64, len(axes))
	for k, ax := range axes {
		a, err := normAxis(ax, r, false)
		if err != nil {
			return nil, err
		}
		if b.batched {
			if a == 0 {
				return nil, errBatchAxis
			}
			a--
		}
		out[k] = int64(a)
	}
	return out, nil
}

func squeezeData(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	axes, given, err := axesArg(b, n, 13, 1)
	if err != nil {
		return err
	}
	if !given && b.batched && b.batch == 1 {
		return fmt.Errorf("Squeeze without axes would drop the batch dimension of size 1")
	}
	if axes, err = b.sampleAxes(axes, len(b.full(x.shape))); err != nil {
		return err
	}
	s, err := squeezeShape(x.shape, axes, given)
	if err != nil {
		return err
	}
	return b.setShape(n, x, s)
}

func unsqueezeData(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	axes, given, err := axesArg(b, n, 13, 1)
	if err != nil {
		return err
	}
	if !given {
		return fmt.Errorf("Unsqueeze without axes")
	}
	if axes, err = b.sampleAxes(axes, len(b.full(x.shape))+len(axes)); err != nil {
		return err
	}
	s, err := unsqueezeShape(x.shape, axes)
	if err != nil {
		return err
	}
	return b.setShape(n, x, s)
}

// transposeData supports the transposes that only move size-1 axes (a reshape).
func transposeData(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	full := b.full(x.shape)
	perm, err := transposePerm(n, len(full))
	if err != nil {
		return err
	}
	if b.batched {
		if perm[0] != 0 {
			return fmt.Errorf("transpose %v moves the batch axis", brief(perm))
		}
		for k := range perm {
			perm[k]--
		}
		perm = perm[1:]
	}
	s := make([]int, len(perm))
	last := -1
	for k, a := range perm {
		s[k] = x.shape[a]
		if s[k] > 1 {
			if a < last {
				return fmt.Errorf("transpose %v of sample shape %v moves data; only moves of size-1 axes are supported", brief(n.attrs.Ints("perm")), brief(x.shape))
			}
			last = a
		}
	}
	return b.setShape(n, x, s)
}

// alias implements Identity, Dropout in inference and Cast to float: the output is the input.
func alias(b *builder, n *node) error {
	v := n.input(0)
	if v == nil {
		return fmt.Errorf("input 0 is missing")
	}
	if v.gelu != nil {
		return errGeluPart
	}
	switch n.op {
	case "Dropout":
		if err := checkInference(b, n); err != nil {
			return err
		}
	case "Cast":
		if v.c != nil {
			return foldCast(b, n)
		}
		n.attrs.ignore("saturate")
		if to := pb.TensorProto_DataType(n.attrs.Int("to", 0)); to != pb.TensorProto_FLOAT {
			return fmt.Errorf("cast of data to %s is not supported", to)
		}
	}
	n.out[0] = v
	return nil
}

// checkInference accepts a Dropout that is the identity: not in training mode, or with ratio 0.
func checkInference(b *builder, n *node) error {
	n.attrs.ignore("seed", "is_test", "ratio")
	if b.opset < 12 {
		return nil
	}
	tc, err := n.optConst(2)
	if err != nil || tc == nil {
		return err
	}
	if tc.size() != 1 || tc.floats()[0] == 0 {
		return nil
	}
	rc, err := n.optConst(1)
	if err != nil {
		return err
	}
	if rc != nil && rc.size() == 1 && rc.floats()[0] == 0 {
		return nil
	}
	return fmt.Errorf("dropout in training mode is random; export the model in eval mode")
}

// shapeOf implements Shape for data (the batch size stays symbolic) and constants.
func shapeOf(b *builder, n *node) error {
	v := n.input(0)
	if v == nil || v.gelu != nil {
		return fmt.Errorf("input 0 is missing")
	}
	var dims []int64
	if v.c != nil {
		dims = dims64(v.c.shape)
	} else {
		dims = dims64(v.shape)
		if b.batched {
			dims = append([]int64{batchDim}, dims...)
		}
	}
	r := int64(len(dims))
	start, end := n.attrs.Int("start", 0), n.attrs.Int("end", r)
	if start < 0 {
		start += r
	}
	if end < 0 {
		end += r
	}
	start, end = min(max(start, 0), r), min(max(end, 0), r)
	dims = dims[start:max(start, end)]
	n.out[0] = &value{c: newInt([]int{len(dims)}, slices.Clone(dims))}
	return nil
}

// padData implements zero padding of the two spatial axes of [C,H,W] samples (or the last axis
// of [C,L]) as a depthwise identity convolution that carries the padding; finish merges it into
// a convolution or average pooling that follows.
func padData(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	mode := n.attrs.String("mode", "constant")
	var pads []int64
	var fill float64
	if b.opset < 11 {
		pads = n.attrs.Ints("pads")
		fill = float64(n.attrs.Float("value", 0))
	} else {
		pc, err := n.konst(1)
		if err != nil {
			return err
		}
		if pads, err = pc.ints(); err != nil {
			return err
		}
		vc, err := n.optConst(2)
		if err != nil {
			return err
		}
		if vc != nil {
			if fill, err = vc.scalar(); err != nil {
				return err
			}
		}
		if n.input(3) != nil {
			return fmt.Errorf("Pad with axes is not supported")
		}
	}
	if mode != "constant" || fill != 0 {
		return fmt.Errorf("only zero padding is supported, not mode %q with value %v", mode, fill)
	}
	full := b.full(x.shape)
	r := len(full)
	if len(pads) != 2*r {
		return fmt.Errorf("pads %v for rank %d", brief(pads), r)
	}
	rs := len(x.shape)
	if rs != 2 && rs != 3 {
		return fmt.Errorf("padding of sample shape %v is not supported; want [C,H,W] or [C,L]", x.shape)
	}
	var p [4]int // top, left, bottom, right
	for k := range r {
		begin, end := pads[k], pads[k+r]
		if begin < 0 || end < 0 || begin > maxElements || end > maxElements {
			return fmt.Errorf("negative or huge pads %v", brief(pads))
		}
		sk := k - (r - rs) // sample axis
		switch {
		case begin == 0 && end == 0:
		case sk == rs-1:
			p[1], p[3] = int(begin), int(end)
		case sk == rs-2 && rs == 3:
			p[0], p[2] = int(begin), int(end)
		default:
			return fmt.Errorf("pads %v pad more than the spatial axes", brief(pads))
		}
	}
	c := x.shape[0]
	x3 := b.reshape(x, []int{c, models.ShapeSize(x.shape[1 : rs-1]), x.shape[rs-1]}, n.name()+"/3d")
	ones := make([]float32, c)
	for k := range ones {
		ones[k] = 1
	}
	out := []int{c, x3.shape[1] + p[0] + p[2], x3.shape[2] + p[1] + p[3]}
	y := b.emit(n.name(), models.OpConv, models.Attr{Pad: p, Groups: c, Meta: metaPad},
		map[string]*models.Tensor{"weight": tensor(ones, c, 1, 1, 1)}, out, x3)
	b.net.Nodes[y.node].Fixed = true
	if rs == 2 {
		y = b.reshape(y, []int{c, out[2]}, n.name()+"/2d")
	}
	n.out[0] = y
	return nil
}

// metaPad marks the identity convolutions that implement Pad: fixed, not learned.
const metaPad = "onnx:Pad (fixed identity conv)"
