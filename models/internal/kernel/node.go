package kernel

import "github.com/surfscope/surfscope/models"

// The kernels' reading of models' nodes: which Activation an activation node is, and the sliding
// windows of convolution and pooling nodes, for every engine that runs these kernels.

// IsActivation reports whether op is an element-wise activation that Activation implements.
func IsActivation(op models.Op) bool {
	switch op {
	case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
		return true
	}
	return false
}

// ActivationOf returns the Activation of node nd, an activation node (IsActivation); it panics for
// any other op.
func ActivationOf(nd *models.Node) Activation {
	switch nd.Op {
	case models.OpReLU:
		return Activation{Kind: ReLU}
	case models.OpLeakyReLU:
		return Activation{Kind: LeakyReLU, A: nd.Attr.Alpha}
	case models.OpSigmoid:
		return Activation{Kind: Sigmoid}
	case models.OpTanh:
		return Activation{Kind: Tanh}
	case models.OpGELU:
		return Activation{Kind: GELU}
	case models.OpClip:
		return Activation{Kind: Clip, A: nd.Attr.Min, B: nd.Attr.Max}
	}
	panic("kernel: not an activation: " + string(nd.Op))
}

// ConvWindow returns the window of convolution node nd whose input and output have the
// per-sample shapes in and out ([C,H,W]).
func ConvWindow(nd *models.Node, in, out []int) Window {
	w := nd.Params["weight"].Shape
	sh, sw := nd.Attr.Strides()
	dh, dw := nd.Attr.Dilations()
	return Window{H: in[1], W: in[2], KH: w[2], KW: w[3], SH: sh, SW: sw,
		PT: nd.Attr.Pad[0], PL: nd.Attr.Pad[1], DH: dh, DW: dw, OH: out[1], OW: out[2]}
}

// PoolWindow returns the window of pooling node nd (OpMaxPool, OpAvgPool) whose input and output
// have the per-sample shapes in and out ([C,H,W]).
func PoolWindow(nd *models.Node, in, out []int) Window {
	sh, sw := nd.Attr.Strides()
	return Window{H: in[1], W: in[2], KH: nd.Attr.Kernel[0], KW: nd.Attr.Kernel[1], SH: sh, SW: sw,
		PT: nd.Attr.Pad[0], PL: nd.Attr.Pad[1], DH: 1, DW: 1, OH: out[1], OW: out[2]}
}
