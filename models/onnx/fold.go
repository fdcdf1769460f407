package onnx

import (
	"fmt"
	"math"
	"slices"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/surfscope/surfscope/models"
)

// Constant folding: ops whose inputs are all known at import time are evaluated here, so the
// shape arithmetic PyTorch exports around Reshape (Shape, Gather, Unsqueeze, Concat, ...) turns
// into plain constants. The batch size is carried symbolically as batchDim.

func foldConstant(b *builder, n *node) error {
	a := n.attrs
	var c *constant
	var err error
	switch {
	case a.has("value"):
		c, err = decodeTensor(a.Tensor("value"))
	case a.has("value_float"):
		c = newFloat(nil, []float32{a.Float("value_float", 0)})
	case a.has("value_floats"):
		f := a.Floats("value_floats")
		c = newFloat([]int{len(f)}, slices.Clone(f))
	case a.has("value_int"):
		c = newInt(nil, []int64{a.Int("value_int", 0)})
	case a.has("value_ints"):
		i := a.Ints("value_ints")
		c = newInt([]int{len(i)}, slices.Clone(i))
	default:
		return fmt.Errorf("Constant without a supported value attribute")
	}
	if err != nil {
		return err
	}
	if a.err != nil {
		return a.err
	}
	n.out[0] = &value{c: c}
	return nil
}

func foldConstantOfShape(b *builder, n *node) error {
	sc, err := n.konst(0)
	if err != nil {
		return err
	}
	dims, err := sc.ints()
	if err != nil {
		return err
	}
	if slices.Contains(dims, batchDim) {
		return fmt.Errorf("a tensor the size of the batch is not supported")
	}
	shape, size, err := checkedSize(dims)
	if err != nil {
		return err
	}
	if size > maxComputed {
		return fmt.Errorf("constant of shape %v is too large", brief(shape))
	}
	fill := newFloat(nil, []float32{0})
	if t := n.attrs.Tensor("value"); t != nil {
		if fill, err = decodeTensor(t); err != nil {
			return err
		}
		if fill.size() != 1 {
			return fmt.Errorf("value has shape %v, want one element", fill.shape)
		}
	}
	if fill.float {
		f := make([]float32, size)
		for k := range f {
			f[k] = fill.f[0]
		}
		n.out[0] = &value{c: newFloat(shape, f)}
	} else {
		i := make([]int64, size)
		for k := range i {
			i[k] = fill.i[0]
		}
		n.out[0] = &value{c: newInt(shape, i)}
	}
	return nil
}

// broadcastShapes returns numpy's broadcast of two shapes.
func broadcastShapes(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for k := range r {
		da, db := 1, 1
		if i := k - (r - len(a)); i >= 0 {
			da = a[i]
		}
		if i := k - (r - len(b)); i >= 0 {
			db = b[i]
		}
		switch {
		case da == db, db == 1:
			out[k] = da
		case da == 1:
			out[k] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", brief(a), brief(b))
		}
	}
	return out, nil
}

// broadcastIndex maps flat index k of shape out to the flat index of a (right-aligned, size-1
// dimensions repeating).
func broadcastIndex(k int, out, a []int) int {
	idx, stride := 0, 1
	for d := len(out) - 1; d >= 0; d-- {
		i := k % out[d]
		k /= out[d]
		if ad := d - (len(out) - len(a)); ad >= 0 {
			if a[ad] != 1 {
				idx += i * stride
			}
			stride *= a[ad]
		}
	}
	return idx
}

// expand broadcasts the float values of c to shape s (which c must broadcast to).
func expand(c *constant, s []int) []float32 {
	f := c.floats()
	out := make([]float32, models.ShapeSize(s))
	for k := range out {
		out[k] = f[broadcastIndex(k, s, c.shape)]
	}
	return out
}

func foldBinary(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	y, err := n.konst(1)
	if err != nil {
		return err
	}
	if b.opset < 7 {
		n.attrs.ignore("broadcast")
		if y, err = legacyBroadcast(n, x.shape, y); err != nil {
			return err
		}
	}
	shape, err := broadcastShapes(x.shape, y.shape)
	if err != nil {
		return err
	}
	size := models.ShapeSize(shape)
	if size > maxComputed {
		return fmt.Errorf("result of shape %v is too large", brief(shape))
	}
	if x.float || y.float {
		xf, yf := x.floats(), y.floats()
		f := make([]float32, size)
		for k := range f {
			f[k] = arith(n.op, xf[broadcastIndex(k, shape, x.shape)], yf[broadcastIndex(k, shape, y.shape)])
		}
		n.out[0] = &value{c: newFloat(shape, f)}
		return nil
	}
	i := make([]int64, size)
	for k := range i {
		p, q := x.i[broadcastIndex(k, shape, x.shape)], y.i[broadcastIndex(k, shape, y.shape)]
		if p == batchDim || q == batchDim {
			return errBatchArithmetic
		}
		switch n.op {
		case "Add":
			i[k] = p + q
		case "Sub":
			i[k] = p - q
		case "Mul":
			i[k] = p * q
		case "Div":
			if q == 0 {
				return fmt.Errorf("integer division by zero")
			}
			i[k] = p / q
		}
	}
	n.out[0] = &value{c: newInt(shape, i)}
	return nil
}

func arith(op string, p, q float32) float32 {
	switch op {
	case "Add":
		return p + q
	case "Sub":
		return p - q
	case "Mul":
		return p * q
	}
	return p / q
}

// legacyBroadcast applies opset < 7 broadcasting (attributes broadcast and axis): the second
// operand's shape is aligned at axis of the first, which numpy-style broadcasting reaches by
// appending size-1 dimensions.
func legacyBroadcast(n *node, xshape []int, y *constant) (*constant, error) {
	if !n.attrs.has("axis") {
		return y, nil
	}
	axis := int(n.attrs.Int("axis", 0))
	if axis < 0 {
		axis += len(xshape)
	}
	pad := len(xshape) - axis - len(y.shape)
	if axis < 0 || pad < 0 {
		return nil, fmt.Errorf("broadcast axis %d does not fit shapes %v and %v", axis, brief(xshape), brief(y.shape))
	}
	s := slices.Clone(y.shape)
	for range pad {
		s = append(s, 1)
	}
	return &constant{shape: s, float: y.float, f: y.f, i: y.i}, nil
}

func foldNeg(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	if x.float {
		f := make([]float32, len(x.f))
		for k, v := range x.f {
			f[k] = -v
		}
		n.out[0] = &value{c: newFloat(x.shape, f)}
		return nil
	}
	i := make([]int64, len(x.i))
	for k, v := range x.i {
		if v == batchDim {
			return errBatchArithmetic
		}
		i[k] = -v
	}
	n.out[0] = &value{c: newInt(x.shape, i)}
	return nil
}

func foldCast(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	n.attrs.ignore("saturate")
	to := pb.TensorProto_DataType(n.attrs.Int("to", 0))
	switch to {
	case pb.TensorProto_FLOAT, pb.TensorProto_DOUBLE, pb.TensorProto_FLOAT16, pb.TensorProto_BFLOAT16:
		if slices.Contains(x.i, batchDim) {
			return errBatchArithmetic
		}
		n.out[0] = &value{c: newFloat(x.shape, slices.Clone(x.floats()))}
	case pb.TensorProto_INT64, pb.TensorProto_INT32, pb.TensorProto_INT16, pb.TensorProto_INT8,
		pb.TensorProto_UINT64, pb.TensorProto_UINT32, pb.TensorProto_UINT16, pb.TensorProto_UINT8:
		if !x.float {
			n.out[0] = &value{c: x}
			return nil
		}
		i := make([]int64, len(x.f))
		for k, v := range x.f {
			if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 1<<62 {
				return fmt.Errorf("cannot cast %v to an integer", v)
			}
			i[k] = int64(v)
		}
		n.out[0] = &value{c: newInt(x.shape, i)}
	case pb.TensorProto_BOOL:
		f := x.floats()
		i := make([]int64, len(f))
		for k, v := range f {
			if v != 0 {
				i[k] = 1
			}
		}
		n.out[0] = &value{c: newInt(x.shape, i)}
	default:
		return fmt.Errorf("cast to %s is not supported", to)
	}
	return nil
}
