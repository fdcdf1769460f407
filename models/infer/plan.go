package models

import (
	"math"
	"sync"

	"github.com/surfscope/surfscope/models/internal/kernel"
)

// A fwdPlan is a net compiled into a list of kernel steps: batch norms folded into the conv or dense
// node before them, activations optionally fused into the conv or dense fwdStep that feeds them,
// flattens turned into aliases, and nodes that do not reach the output dropped.
type fwdPlan struct {
	steps   []fwdStep
	size    []int  // per-sample value size of every node
	buf     []int  // node whose buffer holds the node's value (flatten aliases its input); -1: none
	given   []bool // values filled in from outside the fwdPlan (the input, or an affine frontier)
	out     int    // output node
	unit    int    // samples per work unit
	col     int    // im2col floats needed for one sample
	wide    int    // floats of a conv product over the padded width, one group of one sample
	classes int
	flops   float64 // multiply-adds ×2 per sample, conv and dense steps only
	// extInput: node 0's value is read from the caller's input, not from scratch.
	extInput bool
	pool     sync.Pool // of *fwdScratch
	gradPool sync.Pool // of *gradScratch
}

// A fwdStep computes the value of node `node` from the values of nodes in[0] (and in[1] for add and
// mul; every input in ins for concat) for the samples of one work unit.
type fwdStep struct {
	op   Op
	node int
	in   [2]int
	act  kernel.Activation // fused activation (conv, dense) or the function of an activation step

	w, b      []float32 // dense [nout,nin], conv [cout,cinG·kh·kw]; bias (zeros if the node has none)
	nin, nout int       // dense sizes; conv: input and output size per sample
	groups    int
	cinG      int
	coutG     int
	win       kernel.Window
	pointwise bool // 1x1 conv, stride 1, no padding: the input is its own im2col matrix
	// wide: stride 1, so the product runs over the padded input's full width (see forward_conv.go);
	// hp, wp: the padded height and width.
	wide   bool
	hp, wp int
	pool   bool // a fused 2x2 max pool (stride 2) follows the activation

	lo, hi float32 // the activation as a clamp, when clamp is true (identity, ReLU, Clip)
	clamp  bool

	scale, shift []float32 // normalize, batchnorm: y = x·scale[c] + shift[c]
	plane        int       // elements per channel

	bc fwdBroadcast // add, mul

	ins []int        // concat: the input nodes, in order
	cat concatLayout // concat
}

type fwdOptions struct {
	fuse  bool   // fuse activations into the conv or dense fwdStep before them
	given []bool // nodes whose values are supplied (nil: just the input)
	skip  []bool // nodes not to compute (their consumers are given or skipped)
	// ownInput: a given input node lives in scratch (filled by the caller) rather than in the
	// caller's x.
	ownInput bool
}

// fwdWorkerFloats bounds the activations one worker keeps for a unit of samples (32 MiB).
const fwdWorkerFloats = 8 << 20

// fwdMaxUnit caps the samples per work unit: enough rows for sgemm to run near peak.
const fwdMaxUnit = 64

func fwdCompile(n *Net, shapes [][]int, opt fwdOptions) *fwdPlan {
	nn := len(n.Nodes)
	p := &fwdPlan{size: make([]int, nn), buf: make([]int, nn), given: make([]bool, nn), out: nn - 1, classes: n.Classes}
	for i := range shapes {
		p.size[i] = shapeSize(shapes[i])
		p.buf[i] = -1
	}
	if opt.given == nil {
		opt.given = make([]bool, nn)
		opt.given[0] = true
	}
	if opt.skip == nil {
		opt.skip = make([]bool, nn)
	}
	copy(p.given, opt.given)
	p.extInput = opt.given[0] && !opt.ownInput

	// Consumers, and the nodes the output depends on.
	consumers := make([][]int, nn)
	for i := range n.Nodes {
		for _, in := range n.Nodes[i].Inputs {
			consumers[in] = append(consumers[in], i)
		}
	}
	live := make([]bool, nn)
	live[nn-1] = true
	for i := nn - 1; i > 0; i-- {
		if live[i] && !opt.given[i] {
			for _, in := range n.Nodes[i].Inputs {
				live[in] = true
			}
		}
	}
	sole := func(i int) int { // the only consumer of i, or -1; the output has an outside consumer
		if len(consumers[i]) != 1 || i == nn-1 {
			return -1
		}
		return consumers[i][0]
	}

	if live[0] {
		p.buf[0] = 0
	}
	absorbed := make([]bool, nn)
	for i := 1; i < nn; i++ {
		nd := &n.Nodes[i]
		if absorbed[i] || !live[i] {
			continue
		}
		if opt.given[i] {
			p.buf[i] = i
			continue
		}
		if opt.skip[i] {
			continue
		}
		s := fwdStep{op: nd.Op, node: i, in: [2]int{nd.Inputs[0], -1}}
		if len(nd.Inputs) > 1 {
			s.in[1] = nd.Inputs[1]
		}
		in := shapes[nd.Inputs[0]]
		switch nd.Op {
		case OpFlatten, OpReshape:
			p.buf[i] = p.buf[nd.Inputs[0]]
			continue
		case OpDense, OpConv:
			w := nd.Params["weight"]
			s.w = append([]float32(nil), w.Data...)
			if b := nd.Params["bias"]; b != nil {
				s.b = append([]float32(nil), b.Data...)
			}
			if nd.Op == OpDense {
				s.nout, s.nin = w.Shape[0], w.Shape[1]
				p.flops += 2 * float64(s.nin*s.nout)
			} else {
				fwdSetConv(&s, nd, in, shapes[i])
				p.flops += 2 * float64(s.nout*s.cinG*s.win.KH*s.win.KW)
			}
			if c := sole(i); c >= 0 && n.Nodes[c].Op == OpBatchNorm {
				fwdFoldBatchNorm(&s, &n.Nodes[c])
				absorbed[c] = true
				s.node = c
			}
			if s.b == nil {
				s.b = make([]float32, w.Shape[0])
			}
			if c := sole(s.node); opt.fuse && c >= 0 && fwdIsActivation(n.Nodes[c].Op) && !opt.given[c] {
				s.act = fwdActivation(&n.Nodes[c])
				absorbed[c] = true
				s.node = c
			}
			s.lo, s.hi, s.clamp = kernel.ClampOf(s.act)
			// A 2x2 max pool after a clamp commutes with bias and clamp: pool the raw product.
			if c := sole(s.node); opt.fuse && s.wide && s.clamp && c >= 0 && !opt.given[c] && fwdIsPool2(&n.Nodes[c]) {
				s.pool = true
				absorbed[c] = true
				s.node = c
			}
			if nd.Op == OpConv {
				p.col = max(p.col, s.colSize())
				p.wide = max(p.wide, s.wideSize())
			}
		case OpNormalize:
			mean, std := nd.Params["mean"].Data, nd.Params["std"].Data
			s.scale, s.shift = make([]float32, len(mean)), make([]float32, len(mean))
			for c := range mean {
				s.scale[c] = float32(1 / float64(std[c]))
				s.shift[c] = float32(-float64(mean[c]) / float64(std[c]))
			}
			s.plane = p.size[i] / in[0]
		case OpBatchNorm:
			s.scale, s.shift = fwdBatchNormAffine(nd)
			s.plane = p.size[i] / in[0]
		case OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU, OpClip:
			s.act = fwdActivation(nd)
		case OpSoftmax, OpLogSoftmax:
			s.plane = in[len(in)-1]
		case OpConcat:
			s.ins = append([]int(nil), nd.Inputs...)
			s.cat = newConcatLayout(nd, shapes)
		case OpMaxPool, OpAvgPool:
			a := nd.Attr
			sh, sw := a.stride()
			s.win = kernel.Window{H: in[1], W: in[2], KH: a.Kernel[0], KW: a.Kernel[1], SH: sh, SW: sw,
				PT: a.Pad[0], PL: a.Pad[1], DH: 1, DW: 1, OH: shapes[i][1], OW: shapes[i][2]}
			s.groups = in[0]
		case OpGlobalAvgPool:
			s.groups, s.plane = in[0], in[1]*in[2]
		case OpAdd, OpMul:
			s.bc = newFwdBroadcast(in, shapes[nd.Inputs[1]], shapes[i])
		default:
			panic("models: compile: unknown op " + string(nd.Op))
		}
		p.buf[s.node] = s.node
		p.steps = append(p.steps, s)
	}

	per := 0
	for i := range p.buf {
		if p.buf[i] == i {
			per += p.size[i]
		}
	}
	p.unit = fwdMaxUnit
	for p.unit > 1 && p.unit*per > fwdWorkerFloats {
		p.unit /= 2
	}
	return p
}

func fwdSetConv(s *fwdStep, nd *Node, in, out []int) {
	w := nd.Params["weight"]
	a := nd.Attr
	sh, sw := a.stride()
	dh, dw := a.dilation()
	s.groups = a.groups()
	s.cinG, s.coutG = w.Shape[1], w.Shape[0]/s.groups
	s.win = kernel.Window{H: in[1], W: in[2], KH: w.Shape[2], KW: w.Shape[3], SH: sh, SW: sw,
		PT: a.Pad[0], PL: a.Pad[1], DH: dh, DW: dw, OH: out[1], OW: out[2]}
	s.nin, s.nout = shapeSize(in), shapeSize(out)
	s.pointwise = s.win.KH == 1 && s.win.KW == 1 && sh == 1 && sw == 1 && a.Pad == [4]int{} && s.win.OH == in[1] && s.win.OW == in[2]
	s.hp, s.wp = in[1]+a.Pad[0]+a.Pad[2], in[2]+a.Pad[1]+a.Pad[3]
	s.wide = !s.pointwise && sh == 1 && sw == 1 && s.hp-(s.win.KH-1)*dh == s.win.OH && s.wp-(s.win.KW-1)*dw == s.win.OW
}

// fwdBatchNormAffine returns the per-channel scale gamma/sqrt(var+eps) and shift beta − mean·scale.
func fwdBatchNormAffine(nd *Node) (scale, shift []float32) {
	p := nd.Params
	eps := float64(nd.Attr.eps())
	c := len(p["gamma"].Data)
	scale, shift = make([]float32, c), make([]float32, c)
	for i := 0; i < c; i++ {
		sc := float64(p["gamma"].Data[i]) / math.Sqrt(float64(p["var"].Data[i])+eps)
		scale[i] = float32(sc)
		shift[i] = float32(float64(p["beta"].Data[i]) - float64(p["mean"].Data[i])*sc)
	}
	return scale, shift
}

// fwdFoldBatchNorm folds the batch norm bn that follows the conv or dense fwdStep s into its weights.
func fwdFoldBatchNorm(s *fwdStep, bn *Node) {
	p := bn.Params
	eps := float64(bn.Attr.eps())
	c := len(p["gamma"].Data)
	per := len(s.w) / c // weights per output channel (dense: per output feature)
	b := make([]float32, c)
	for o := 0; o < c; o++ {
		sc := float64(p["gamma"].Data[o]) / math.Sqrt(float64(p["var"].Data[o])+eps)
		for k := o * per; k < (o+1)*per; k++ {
			s.w[k] = float32(float64(s.w[k]) * sc)
		}
		bias := 0.0
		if s.b != nil {
			bias = float64(s.b[o])
		}
		b[o] = float32((bias-float64(p["mean"].Data[o]))*sc + float64(p["beta"].Data[o]))
	}
	s.b = b
}

// fwdIsPool2 reports whether nd is a 2x2 max pool with stride 2 and no padding.
func fwdIsPool2(nd *Node) bool {
	a := nd.Attr
	sh, sw := a.stride()
	return nd.Op == OpMaxPool && a.Kernel == [2]int{2, 2} && sh == 2 && sw == 2 && a.Pad == [4]int{}
}

func fwdIsActivation(op Op) bool {
	switch op {
	case OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU, OpClip:
		return true
	}
	return false
}

func fwdActivation(nd *Node) kernel.Activation {
	switch nd.Op {
	case OpReLU:
		return kernel.Activation{Kind: kernel.ReLU}
	case OpLeakyReLU:
		return kernel.Activation{Kind: kernel.LeakyReLU, A: nd.Attr.Alpha}
	case OpSigmoid:
		return kernel.Activation{Kind: kernel.Sigmoid}
	case OpTanh:
		return kernel.Activation{Kind: kernel.Tanh}
	case OpGELU:
		return kernel.Activation{Kind: kernel.GELU}
	case OpClip:
		return kernel.Activation{Kind: kernel.Clip, A: nd.Attr.Min, B: nd.Attr.Max}
	}
	panic("models: not an activation: " + string(nd.Op))
}
