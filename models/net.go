package models

import (
	"maps"
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
	// Fixed marks a node whose parameters are constants of the function rather than learned
	// weights: the identity depthwise convolution that stands for an imported Pad, the affine
	// batch norm that stands for an imported multiplication by a constant. Training, loss
	// landscapes, Hessians and the NTK leave its parameters alone (see Learned).
	Fixed bool
}

// Learned reports whether parameter name of the node is a learned weight: the weight and bias of
// a dense or convolution node, the gamma and beta of a batch norm — unless the node is Fixed.
// Batch-norm running statistics and normalisation constants are never learned.
func (nd *Node) Learned(name string) bool {
	if nd.Fixed || nd.Params[name] == nil {
		return false
	}
	switch nd.Op {
	case OpDense, OpConv:
		return name == "weight" || name == "bias"
	case OpBatchNorm:
		return name == "gamma" || name == "beta"
	}
	return false
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

// NumParams returns the number of scalar parameters stored, constants and running statistics
// included (NumLearned counts the learned ones).
func (n *Net) NumParams() int {
	total := 0
	for i := range n.Nodes {
		for _, t := range n.Nodes[i].Params {
			total += len(t.Data)
		}
	}
	return total
}

// NumLearned returns the number of learned scalar parameters (Node.Learned): what PyTorch's
// sum(p.numel() for p in model.parameters()) counts, and the size of the NTK's parameter space.
func (n *Net) NumLearned() int {
	total := 0
	for i := range n.Nodes {
		nd := &n.Nodes[i]
		for name, t := range nd.Params {
			if nd.Learned(name) {
				total += len(t.Data)
			}
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

// Validate checks the graph, the parameter shapes and that every parameter is finite.
func (n *Net) Validate() error {
	_, err := n.Shapes()
	return err
}
