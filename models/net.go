package models

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// Tensor is a dense float32 array stored in row-major (C) order.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor returns a zeroed tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, ShapeSize(shape))}
}

// Len returns the number of elements the shape describes.
func (t *Tensor) Len() int { return ShapeSize(t.Shape) }

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// ShapeSize returns the number of elements of an array of the given shape: the product of its
// dimensions (1 for a scalar, the empty shape).
func ShapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Op names the kind of a node in a Net.
type Op string

// The node vocabulary shared by training, the forward pass, checkpoints and ONNX import.
// Shapes below are per sample (the batch dimension is implicit).
const (
	// OpInput is node 0 of every net: the [C,H,W] image in pixel space, values in [0,1].
	OpInput Op = "input"
	// OpNormalize computes (x − mean[c]) / std[c] per channel. Params "mean", "std": [C].
	OpNormalize Op = "normalize"
	// OpFlatten reshapes any input to a vector [D].
	OpFlatten Op = "flatten"
	// OpDense computes W·x + b on a vector. Params "weight" [out,in], "bias" [out] (optional).
	OpDense Op = "dense"
	// OpConv is a 2D convolution (cross-correlation, as in PyTorch) on [C,H,W].
	// Params "weight" [out, in/groups, kh, kw], "bias" [out] (optional). Attr Stride, Pad, Dilation, Groups.
	OpConv Op = "conv"
	// OpBatchNorm is inference batch norm per channel (axis 0 of the sample) of [C,...] or [C]:
	// gamma (x − mean)/sqrt(var + Eps) + beta. Params "gamma", "beta", "mean", "var": [C]. Attr Eps.
	OpBatchNorm Op = "batchnorm"
	// Element-wise activations.
	OpReLU      Op = "relu"
	OpLeakyReLU Op = "leakyrelu" // Attr Alpha
	OpSigmoid   Op = "sigmoid"
	OpTanh      Op = "tanh"
	OpGELU      Op = "gelu" // exact erf form: x·Φ(x)
	// OpMaxPool and OpAvgPool pool [C,H,W] over Attr Kernel with Stride and Pad
	// (AvgPool divides by the full kernel area, PyTorch's count_include_pad=True).
	OpMaxPool Op = "maxpool"
	OpAvgPool Op = "avgpool"
	// OpGlobalAvgPool averages each channel: [C,H,W] → [C,1,1].
	OpGlobalAvgPool Op = "globalavgpool"
	// OpAdd and OpMul combine two inputs element-wise with broadcasting of size-1 trailing dims
	// ([C,1,1] against [C,H,W]) — residual sums, multiplicative shortcuts and SE gates.
	OpAdd Op = "add"
	OpMul Op = "mul"
	// OpReshape gives its input the per-sample shape Attr.Shape (same number of elements); the
	// row-major data is unchanged, like OpFlatten. ONNX Reshape, Squeeze, Unsqueeze map onto it.
	OpReshape Op = "reshape"
	// OpSoftmax computes exp(x − max)/Σ exp(x − max) along the last axis of the sample.
	OpSoftmax Op = "softmax"
	// OpLogSoftmax computes log softmax, x − max − log Σ exp(x − max), along the last axis of
	// the sample (PyTorch's F.log_softmax at the end of a classifier). Not affine, not trainable.
	OpLogSoftmax Op = "logsoftmax"
	// OpConcat joins its n ≥ 2 inputs along sample axis Attr.Axis: 0 is the channels of [C,H,W]
	// (DenseNet and Inception blocks) or the features of a vector. The inputs have the same rank
	// and agree on every other axis; the output holds them in input order. Not trainable.
	OpConcat Op = "concat"
	// OpClip limits every value to [Attr.Min, Attr.Max] as min(max(x, Min), Max) (ReLU6,
	// hardtanh); ±Inf bounds leave that side open.
	OpClip Op = "clip"
)

// Attr holds the attributes a node's op reads; the zero value means the op's defaults
// (stride 1, no padding, dilation 1, one group, Eps 1e-5).
type Attr struct {
	Kernel   [2]int  // pooling window (kh, kw)
	Stride   [2]int  // 0 means 1
	Pad      [4]int  // top, left, bottom, right
	Dilation [2]int  // 0 means 1
	Groups   int     // 0 means 1
	Alpha    float32 // LeakyReLU slope
	Eps      float32 // BatchNorm epsilon; 0 means 1e-5
	Meta     string  // free-form annotation (e.g. "shortcut", "gate"), not used by the math
	Shape    []int   // OpReshape: the per-sample output shape
	Min, Max float32 // OpClip bounds
	Axis     int     // OpConcat: the sample axis the inputs are joined along (0: channels)
}

// Node is one operation in a Net. Inputs index earlier nodes of the same Net.
type Node struct {
	Name   string
	Op     Op
	Inputs []int
	Attr   Attr
	Params map[string]*Tensor
}

// Net is surfscope's single representation of a network: a directed acyclic graph of nodes in
// topological order with float32 parameters. Node 0 is OpInput; the output of the last node is the
// logits vector of length Classes.
type Net struct {
	// Arch records how the net was built (e.g. "arch": "mlp", "depth": "2"); it is saved in checkpoints.
	Arch map[string]string
	// Meta records provenance: the dataset trained on, the training history (JSON), the source file of
	// an import. It is saved in checkpoints and never read by the math.
	Meta map[string]string
	// Input is the per-sample input shape [C, H, W].
	Input [3]int
	// Classes is the number of logits.
	Classes int
	Nodes   []Node
}

// InputSize returns C·H·W.
func (n *Net) InputSize() int { return n.Input[0] * n.Input[1] * n.Input[2] }

// NumClasses returns the number of logits.
func (n *Net) NumClasses() int { return n.Classes }

// NumParams returns the number of scalar parameters.
func (n *Net) NumParams() int {
	total := 0
	for i := range n.Nodes {
		for _, t := range n.Nodes[i].Params {
			total += len(t.Data)
		}
	}
	return total
}

// Clone returns a deep copy of n: its nodes with their inputs, attributes and parameters, and the
// Arch and Meta maps.
func (n *Net) Clone() *Net {
	c := *n
	c.Arch, c.Meta = maps.Clone(n.Arch), maps.Clone(n.Meta)
	c.Nodes = make([]Node, len(n.Nodes))
	for i, nd := range n.Nodes {
		nd.Inputs = slices.Clone(nd.Inputs)
		nd.Attr.Shape = slices.Clone(nd.Attr.Shape)
		if nd.Params != nil {
			p := make(map[string]*Tensor, len(nd.Params))
			for k, t := range nd.Params {
				p[k] = t.Clone()
			}
			nd.Params = p
		}
		c.Nodes[i] = nd
	}
	return &c
}

// ParamRef is one parameter tensor of a net, Net.Nodes[Node].Params[Name], as the gradient engines
// list them: Data holds the values the engine computes with.
type ParamRef struct {
	Node  int
	Name  string
	Shape []int
	Data  []float32
}

// Strides returns the strides along height and width, 0 read as 1.
func (a Attr) Strides() (h, w int) { return orOne(a.Stride[0]), orOne(a.Stride[1]) }

// Dilations returns the dilations along height and width, 0 read as 1.
func (a Attr) Dilations() (h, w int) { return orOne(a.Dilation[0]), orOne(a.Dilation[1]) }

// NumGroups returns the number of convolution groups, 0 read as 1.
func (a Attr) NumGroups() int { return orOne(a.Groups) }

// Epsilon returns the batch-norm epsilon, 0 read as 1e-5.
func (a Attr) Epsilon() float32 {
	if a.Eps == 0 {
		return 1e-5
	}
	return a.Eps
}

func orOne(v int) int {
	if v == 0 {
		return 1
	}
	return v
}

// Shapes infers the per-sample output shape of every node and checks parameter shapes and values.
// It returns an error naming the node for any inconsistency, for NaN or Inf parameters, and when
// the last node's output does not hold Classes values.
func (n *Net) Shapes() ([][]int, error) {
	shapes, err := n.NodeShapes()
	if err != nil {
		return nil, err
	}
	last := shapes[len(shapes)-1]
	if ShapeSize(last) != n.Classes {
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
	if n.Input[0] <= 0 || n.Input[1] <= 0 || n.Input[2] <= 0 {
		return nil, fmt.Errorf("models: bad input shape %v", n.Input)
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
			if t == nil || len(t.Data) != t.Len() {
				return nil, fmt.Errorf("models: node %d %q: param %s: data length does not match shape", i, nd.Name, name)
			}
			for k, v := range t.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, fmt.Errorf("models: node %d %q: param %s[%d] is %v", i, nd.Name, name, k, v)
				}
			}
		}
		s, err := nodeShape(nd, shapes)
		if err != nil {
			return nil, fmt.Errorf("models: node %d %q (%s): %v", i, nd.Name, nd.Op, err)
		}
		shapes[i] = s
	}
	return shapes, nil
}

// Validate checks the graph, the parameter shapes and that every parameter is finite.
func (n *Net) Validate() error {
	_, err := n.Shapes()
	return err
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
		in := ShapeSize(x)
		w := nd.Params["weight"]
		if w == nil || len(w.Shape) != 2 {
			return nil, fmt.Errorf("param weight must be [out,in]")
		}
		if w.Shape[1] != in {
			return nil, fmt.Errorf("weight %v does not fit input of size %d", w.Shape, in)
		}
		if err := optionalParam(nd, "bias", w.Shape[0]); err != nil {
			return nil, err
		}
		return []int{w.Shape[0]}, nil
	case OpConv:
		if len(x) != 3 {
			return nil, fmt.Errorf("input shape %v is not [C,H,W]", x)
		}
		w := nd.Params["weight"]
		if w == nil || len(w.Shape) != 4 {
			return nil, fmt.Errorf("param weight must be [out,in/groups,kh,kw]")
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
		if len(nd.Attr.Shape) == 0 || ShapeSize(nd.Attr.Shape) != ShapeSize(x) {
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

func windowOut(h, w, kh, kw int, a Attr) (int, int, error) {
	if kh <= 0 || kw <= 0 {
		return 0, 0, fmt.Errorf("kernel %dx%d", kh, kw)
	}
	sh, sw := a.Strides()
	dh, dw := a.Dilations()
	for _, p := range a.Pad {
		if p < 0 {
			return 0, 0, fmt.Errorf("negative padding %v", a.Pad)
		}
	}
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
