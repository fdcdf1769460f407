package onnx

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// concatData maps Concat with at least one data input onto OpConcat along the corresponding
// sample axis (DenseNet and Inception blocks join along the channels). Constant inputs become
// data through constData; one input is just an alias. Concats of constants only are folded
// (foldConcat).
func concatData(b *builder, n *node) error {
	if len(n.in) == 0 {
		return fmt.Errorf("no inputs")
	}
	var x *value // the first data input: it fixes the sample rank
	for k, v := range n.in {
		if v == nil {
			return fmt.Errorf("input %d is missing", k)
		}
		if v.c == nil && x == nil {
			if _, err := n.data(k); err != nil {
				return err
			}
			x = v
		}
	}
	if x == nil {
		return fmt.Errorf("no data input")
	}
	def := int64(0)
	if b.opset < 4 {
		def = 1 // Concat-1 concatenated along axis 1 by default
	}
	axis, err := b.sampleAxis(n.attrs.Int("axis", def), len(x.shape))
	if err != nil {
		return err
	}
	ins := make([]*value, len(n.in))
	out := slices.Clone(x.shape)
	out[axis] = 0
	for k, v := range n.in {
		if v.c != nil {
			if v, err = b.concatConst(n, k, v.c, len(x.shape)); err != nil {
				return err
			}
		} else if _, err := n.data(k); err != nil {
			return err
		}
		s := v.shape
		ok := len(s) == len(out)
		for d := 0; ok && d < len(s); d++ {
			ok = d == axis || s[d] == x.shape[d]
		}
		if !ok {
			return fmt.Errorf("input %d has sample shape %v, which differs from %v off axis %d", k, s, x.shape, axis)
		}
		out[axis] += s[axis]
		ins[k] = v
	}
	if len(ins) == 1 {
		n.out[0] = ins[0]
		return nil
	}
	n.out[0] = b.emit(n.name(), models.OpConcat, models.Attr{Axis: axis}, nil, out, ins...)
	return nil
}

// concatConst turns constant input k of a Concat over samples of rank r into data. A batched
// constant must have a leading batch axis of size 1: it is repeated for every sample.
func (b *builder) concatConst(n *node, k int, c *constant, r int) (*value, error) {
	if !c.float {
		return nil, fmt.Errorf("input %d is an integer constant; Concat of float data needs float inputs", k)
	}
	s := c.shape
	if b.batched {
		if len(s) != r+1 || s[0] != 1 {
			return nil, fmt.Errorf("constant input %d of shape %v does not fit samples of rank %d with a batch axis of size 1", k, brief(s), r)
		}
		s = s[1:]
	}
	if len(s) != r {
		return nil, fmt.Errorf("constant input %d of shape %v does not fit samples of rank %d", k, brief(s), r)
	}
	return b.constData(fmt.Sprintf("%s/const%d", n.name(), k), c.floats(), s)
}

// metaConst marks the dense nodes that produce a constant: zero weights, the constant as bias.
const metaConst = "onnx:constant (zero weights, constant bias)"

// constData emits nodes whose value is the constant vals of sample shape s for every sample: a
// dense layer with zero weights and vals as bias, reading the global average of each input
// channel (a few values, so the zero weights cost little). The result is exact for finite
// inputs; it is affine in the input, so the affine probes treat it like any other layer.
func (b *builder) constData(name string, vals []float32, s []int) (*value, error) {
	c := b.net.Input[0]
	size := models.ShapeSize(s)
	if size*c > maxComputed {
		return nil, fmt.Errorf("a constant of %d values is too large to enter the data", size)
	}
	src := b.emit(name+"/source", models.OpGlobalAvgPool, models.Attr{}, nil, []int{c, 1, 1}, &value{node: 0, shape: b.net.Input[:]})
	params := map[string]*models.Tensor{"weight": tensor(make([]float32, size*c), size, c), "bias": tensor(slices.Clone(vals), size)}
	y := b.emit(name, models.OpDense, models.Attr{Meta: metaConst}, params, []int{size}, src)
	b.net.Nodes[y.node].Fixed = true
	return b.reshape(y, s, name+"/shape"), nil
}
