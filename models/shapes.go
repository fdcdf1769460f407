package models

import (
	"fmt"
	"math"
)

// Shapes infers the per-sample output shape of every node and checks parameter shapes and values.
// It returns an error naming the node for any inconsistency, for NaN or Inf parameters, and when
// the last node's output does not hold Classes values.
func (n *Net) Shapes() ([][]int, error) {
	shapes, err := n.NodeShapes()
	if err != nil {
		return nil, err
	}
	last := shapes[len(shapes)-1]
	if n.Classes <= 0 || ShapeSize(last) != n.Classes {
		return nil, fmt.Errorf("models: output shape %v does not give %d classes", last, n.Classes)
	}
	return shapes, nil
}

// NodeShapes is Shapes without the check of Classes, for a net under construction: the
// per-sample output shape of every node so far.
func (n *Net) NodeShapes() ([][]int, error) {
	if len(n.Nodes) == 0 || n.Nodes[0].Op != OpInput {
		return nil, fmt.Errorf("models: net has no input node")
	}
	if n.Input[0] <= 0 || n.Input[1] <= 0 || n.Input[2] <= 0 || n.Input[1] > MaxSide || n.Input[2] > MaxSide {
		return nil, fmt.Errorf("models: bad input shape %v: want sides 1 to %d (models.MaxSide)", n.Input, MaxSide)
	}
	if _, err := checkedSize(n.Input[:]); err != nil {
		return nil, fmt.Errorf("models: input: %v", err)
	}
	shapes := make([][]int, len(n.Nodes))
	shapes[0] = []int{n.Input[0], n.Input[1], n.Input[2]}
	for i := 1; i < len(n.Nodes); i++ {
		nd := &n.Nodes[i]
		for _, in := range nd.Inputs {
			if in < 0 || in >= i {
				return nil, fmt.Errorf("models: node %d %q (%s): input %d is not an earlier node", i, nd.Name, nd.Op, in)
			}
		}
		for name, t := range nd.Params {
			if t == nil {
				return nil, fmt.Errorf("models: node %d %q: param %s is nil", i, nd.Name, name)
			}
			if size, err := checkedSize(t.Shape); err != nil {
				return nil, fmt.Errorf("models: node %d %q: param %s: %v", i, nd.Name, name, err)
			} else if len(t.Data) != size {
				return nil, fmt.Errorf("models: node %d %q: param %s: data length does not match shape", i, nd.Name, name)
			}
			for k, v := range t.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, fmt.Errorf("models: node %d %q: param %s[%d] is %v", i, nd.Name, name, k, v)
				}
			}
		}
		s, err := nodeShape(nd, shapes)
		if err == nil {
			_, err = checkedSize(s)
		}
		if err != nil {
			return nil, fmt.Errorf("models: node %d %q (%s): %v", i, nd.Name, nd.Op, err)
		}
		shapes[i] = s
	}
	return shapes, nil
}

func wantInputs(nd *Node, k int) error {
	if len(nd.Inputs) != k {
		return fmt.Errorf("has %d inputs, want %d", len(nd.Inputs), k)
	}
	return nil
}

func param(nd *Node, name string, shape ...int) error {
	t := nd.Params[name]
	if t == nil {
		return fmt.Errorf("missing param %s", name)
	}
	if len(t.Shape) != len(shape) {
		return fmt.Errorf("param %s has shape %v, want %v", name, t.Shape, shape)
	}
	for i := range shape {
		if t.Shape[i] != shape[i] {
			return fmt.Errorf("param %s has shape %v, want %v", name, t.Shape, shape)
		}
	}
	return nil
}

func optionalParam(nd *Node, name string, shape ...int) error {
	if nd.Params[name] == nil {
		return nil
	}
	return param(nd, name, shape...)
}

func nodeShape(nd *Node, shapes [][]int) ([]int, error) {
	switch nd.Op {
	case OpAdd, OpMul:
		if err := wantInputs(nd, 2); err != nil {
			return nil, err
		}
	case OpConcat:
		if len(nd.Inputs) < 2 {
			return nil, fmt.Errorf("has %d inputs, want at least 2", len(nd.Inputs))
		}
		return concatShape(nd, shapes)
	case OpInput:
		return nil, fmt.Errorf("input op must be node 0 only")
	default:
		if err := wantInputs(nd, 1); err != nil {
			return nil, err
		}
	}
	x := shapes[nd.Inputs[0]]
	switch nd.Op {
	case OpNormalize:
		if err := param(nd, "mean", x[0]); err != nil {
			return nil, err
		}
		if err := param(nd, "std", x[0]); err != nil {
			return nil, err
		}
		for _, v := range nd.Params["std"].Data {
			if v == 0 {
				return nil, fmt.Errorf("std is zero")
			}
		}
		return x, nil
	case OpFlatten:
		return []int{ShapeSize(x)}, nil
	case OpDense:
		return denseShape(nd, x)
	case OpConv:
		return convShape(nd, x)
	case OpBatchNorm:
		for _, p := range []string{"gamma", "beta", "mean", "var"} {
			if err := param(nd, p, x[0]); err != nil {
				return nil, err
			}
		}
		return x, nil
	case OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU:
		return x, nil
	case OpMaxPool, OpAvgPool:
		return poolShape(nd, x)
	case OpGlobalAvgPool:
		if len(x) != 3 {
			return nil, fmt.Errorf("input shape %v is not [C,H,W]", x)
		}
		return []int{x[0], 1, 1}, nil
	case OpAdd, OpMul:
		return broadcastShape(x, shapes[nd.Inputs[1]])
	case OpReshape:
		for _, d := range nd.Attr.Shape {
			if d <= 0 {
				return nil, fmt.Errorf("bad target shape %v", nd.Attr.Shape)
			}
		}
		if size, err := checkedSize(nd.Attr.Shape); err != nil {
			return nil, fmt.Errorf("target shape: %v", err)
		} else if len(nd.Attr.Shape) == 0 || size != ShapeSize(x) {
			return nil, fmt.Errorf("cannot reshape %v to %v", x, nd.Attr.Shape)
		}
		return append([]int(nil), nd.Attr.Shape...), nil
	case OpSoftmax, OpLogSoftmax:
		return x, nil
	case OpClip:
		lo, hi := float64(nd.Attr.Min), float64(nd.Attr.Max)
		if math.IsNaN(lo) || math.IsNaN(hi) {
			return nil, fmt.Errorf("clip bounds [%v, %v]", lo, hi)
		}
		return x, nil
	}
	return nil, fmt.Errorf("unknown op %q", nd.Op)
}

// denseShape checks the parameters of dense node nd on input shape x and returns its output shape.
func denseShape(nd *Node, x []int) ([]int, error) {
	in := ShapeSize(x)
	w := nd.Params["weight"]
	if w == nil || len(w.Shape) != 2 || w.Shape[0] <= 0 {
		return nil, fmt.Errorf("param weight must be [out,in]")
	}
	if w.Shape[1] != in {
		return nil, fmt.Errorf("weight %v does not fit input of size %d", w.Shape, in)
	}
	if err := optionalParam(nd, "bias", w.Shape[0]); err != nil {
		return nil, err
	}
	return []int{w.Shape[0]}, nil
}

// convShape checks the parameters and attributes of convolution node nd on input shape x and
// returns its output shape.
func convShape(nd *Node, x []int) ([]int, error) {
	if len(x) != 3 {
		return nil, fmt.Errorf("input shape %v is not [C,H,W]", x)
	}
	w := nd.Params["weight"]
	if w == nil || len(w.Shape) != 4 || w.Shape[0] <= 0 || w.Shape[1] <= 0 {
		return nil, fmt.Errorf("param weight must be [out,in/groups,kh,kw]")
	}
	if nd.Attr.Groups < 0 {
		return nil, fmt.Errorf("%d groups", nd.Attr.Groups)
	}
	g := nd.Attr.NumGroups()
	if x[0]%g != 0 || w.Shape[0]%g != 0 || w.Shape[1]*g != x[0] {
		return nil, fmt.Errorf("weight %v with %d groups does not fit %d input channels", w.Shape, g, x[0])
	}
	if err := optionalParam(nd, "bias", w.Shape[0]); err != nil {
		return nil, err
	}
	oh, ow, err := windowOut(x[1], x[2], w.Shape[2], w.Shape[3], nd.Attr)
	if err != nil {
		return nil, err
	}
	return []int{w.Shape[0], oh, ow}, nil
}

// poolShape checks the attributes of pooling node nd on input shape x and returns its output
// shape.
func poolShape(nd *Node, x []int) ([]int, error) {
	if len(x) != 3 {
		return nil, fmt.Errorf("input shape %v is not [C,H,W]", x)
	}
	a := nd.Attr
	a.Dilation = [2]int{1, 1}
	oh, ow, err := windowOut(x[1], x[2], a.Kernel[0], a.Kernel[1], a)
	if err != nil {
		return nil, err
	}
	return []int{x[0], oh, ow}, nil
}

// windowOut checks the attributes of a sliding window (checkWindowAttr) and returns its output
// height and width.
func windowOut(h, w, kh, kw int, a Attr) (int, int, error) {
	if err := checkWindowAttr(h, w, kh, kw, a); err != nil {
		return 0, 0, err
	}
	sh, sw := a.Strides()
	dh, dw := a.Dilations()
	oh := (h+a.Pad[0]+a.Pad[2]-dh*(kh-1)-1)/sh + 1
	ow := (w+a.Pad[1]+a.Pad[3]-dw*(kw-1)-1)/sw + 1
	if oh <= 0 || ow <= 0 {
		return 0, 0, fmt.Errorf("kernel %dx%d does not fit input %dx%d", kh, kw, h, w)
	}
	return oh, ow, nil
}

// broadcastShape returns the shape of a element-wise combination of a and b. The two must have
// the same rank; each dimension must match or be 1 in one of them.
func broadcastShape(a, b []int) ([]int, error) {
	if len(a) != len(b) {
		return nil, fmt.Errorf("cannot broadcast %v with %v", a, b)
	}
	out := make([]int, len(a))
	for i := range a {
		switch {
		case a[i] == b[i], b[i] == 1:
			out[i] = a[i]
		case a[i] == 1:
			out[i] = b[i]
		default:
			return nil, fmt.Errorf("cannot broadcast %v with %v", a, b)
		}
	}
	return out, nil
}

// concatShape checks the inputs of an OpConcat node and returns its output shape: the inputs'
// common shape with the sizes along Attr.Axis summed.
func concatShape(nd *Node, shapes [][]int) ([]int, error) {
	first := shapes[nd.Inputs[0]]
	axis := nd.Attr.Axis
	if axis < 0 || axis >= len(first) {
		return nil, fmt.Errorf("axis %d out of range for input shape %v", axis, first)
	}
	out := append([]int(nil), first...)
	out[axis] = 0
	for k, in := range nd.Inputs {
		s := shapes[in]
		ok := len(s) == len(first)
		for d := 0; ok && d < len(s); d++ {
			ok = d == axis || s[d] == first[d]
		}
		if !ok {
			return nil, fmt.Errorf("input %d has shape %v; along axis %d it cannot join input 0 of shape %v", k, s, axis, first)
		}
		out[axis] += s[axis]
	}
	return out, nil
}
