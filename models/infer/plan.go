package infer

import (
	"sync"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/batchnorm"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/layout"
)

// A plan is a net compiled into a list of kernel steps: batch norms folded into the conv or dense
// node before them, activations optionally fused into the conv or dense step that feeds them,
// flattens turned into aliases, and nodes that do not reach the output dropped.
type plan struct {
	steps   []step
	size    []int  // per-sample value size of every node
	buf     []int  // node whose buffer holds the node's value (flatten aliases its input); -1: none
	given   []bool // values filled in from outside the plan (the input, or an affine frontier)
	out     int    // output node
	unit    int    // samples per work unit
	col     int    // im2col floats needed for one sample
	wide    int    // floats of a conv product over the padded width, one group of one sample
	classes int
	flops   float64 // multiply-adds ×2 per sample, conv and dense steps only
	// extInput: node 0's value is read from the caller's input, not from scratch.
	extInput bool
	pool     sync.Pool // of *scratch
	gradPool sync.Pool // of *gradScratch
}

// A step computes the value of node `node` from the values of nodes in[0] (and in[1] for add and
// mul; every input in ins for concat) for the samples of one work unit.
type step struct {
	op   models.Op
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

	bc broadcast // add, mul

	ins []int         // concat: the input nodes, in order
	cat layout.Concat // concat
}

type planOptions struct {
	fuse  bool   // fuse activations into the conv or dense step before them
	given []bool // nodes whose values are supplied (nil: just the input)
	skip  []bool // nodes not to compute (their consumers are given or skipped)
	// ownInput: a given input node lives in scratch (filled by the caller) rather than in the
	// caller's x.
	ownInput bool
	// keep: nodes whose values the caller reads (Tap); nil means the output. Only what they need
	// is computed, and no step is folded or fused past them.
	keep []bool
}

// workerFloats bounds the activations one worker keeps for a unit of samples (32 MiB).
const workerFloats = 8 << 20

// maxUnit caps the samples per work unit: enough rows for sgemm to run near peak.
const maxUnit = 64

func compile(n *models.Net, shapes [][]int, opt planOptions) *plan {
	nn := len(n.Nodes)
	p := &plan{size: make([]int, nn), buf: make([]int, nn), given: make([]bool, nn), out: nn - 1, classes: n.Classes}
	for i := range shapes {
		p.size[i] = models.ShapeSize(shapes[i])
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

	c := &compiler{n: n, shapes: shapes, opt: opt, p: p, consumers: make([][]int, nn), absorbed: make([]bool, nn)}
	if opt.keep == nil {
		c.opt.keep = make([]bool, nn)
	}
	for i := range n.Nodes {
		for _, in := range n.Nodes[i].Inputs {
			c.consumers[in] = append(c.consumers[in], i)
		}
	}
	live := make([]bool, nn) // the nodes the output (or the kept nodes) depend on
	live[nn-1] = true
	if opt.keep != nil {
		copy(live, opt.keep)
	}
	for i := nn - 1; i > 0; i-- {
		if live[i] && !opt.given[i] {
			for _, in := range n.Nodes[i].Inputs {
				live[in] = true
			}
		}
	}
	if live[0] {
		p.buf[0] = 0
	}
	for i := 1; i < nn; i++ {
		nd := &n.Nodes[i]
		switch {
		case c.absorbed[i] || !live[i]:
		case opt.given[i]:
			p.buf[i] = i
		case opt.skip[i]:
		case nd.Op == models.OpFlatten || nd.Op == models.OpReshape:
			p.buf[i] = p.buf[nd.Inputs[0]]
		default:
			s := c.step(i)
			p.buf[s.node] = s.node
			p.steps = append(p.steps, s)
		}
	}

	per := 0
	for i := range p.buf {
		if p.buf[i] == i {
			per += p.size[i]
		}
	}
	p.unit = maxUnit
	for p.unit > 1 && p.unit*per > workerFloats {
		p.unit /= 2
	}
	return p
}

// compiler is compile's view of the net while it emits steps.
type compiler struct {
	n         *models.Net
	shapes    [][]int
	opt       planOptions
	p         *plan
	consumers [][]int // per node, the nodes that read it
	absorbed  []bool  // nodes folded or fused into the step of an earlier node
}

// sole returns the only consumer of node i, or -1; the output has an outside consumer.
func (c *compiler) sole(i int) int {
	if len(c.consumers[i]) != 1 || i == len(c.n.Nodes)-1 {
		return -1
	}
	return c.consumers[i][0]
}

// step returns the step that computes node i (and the nodes fused into it).
func (c *compiler) step(i int) step {
	nd := &c.n.Nodes[i]
	s := step{op: nd.Op, node: i, in: [2]int{nd.Inputs[0], -1}}
	if len(nd.Inputs) > 1 {
		s.in[1] = nd.Inputs[1]
	}
	in, out := c.shapes[nd.Inputs[0]], c.shapes[i]
	switch nd.Op {
	case models.OpDense, models.OpConv:
		c.layer(&s, nd)
	case models.OpNormalize:
		mean, std := nd.Params["mean"].Data, nd.Params["std"].Data
		s.scale, s.shift = make([]float32, len(mean)), make([]float32, len(mean))
		for ch := range mean {
			s.scale[ch] = float32(1 / float64(std[ch]))
			s.shift[ch] = float32(-float64(mean[ch]) / float64(std[ch]))
		}
		s.plane = c.p.size[i] / in[0]
	case models.OpBatchNorm:
		scale, shift := batchnorm.Affine(nd)
		s.scale, s.shift = float32s(scale), float32s(shift)
		s.plane = c.p.size[i] / in[0]
	case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
		s.act = kernel.ActivationOf(nd)
	case models.OpSoftmax, models.OpLogSoftmax:
		s.plane = in[len(in)-1]
	case models.OpConcat:
		s.ins = append([]int(nil), nd.Inputs...)
		s.cat = layout.NewConcat(nd, c.shapes)
	case models.OpMaxPool, models.OpAvgPool:
		s.win = kernel.PoolWindow(nd, in, out)
		s.groups = in[0]
	case models.OpGlobalAvgPool:
		s.groups, s.plane = in[0], in[1]*in[2]
	case models.OpAdd, models.OpMul:
		s.bc = newBroadcast(in, c.shapes[nd.Inputs[1]], out)
	default:
		panic("infer: compile: unknown op " + string(nd.Op))
	}
	return s
}

// layer fills the step of dense or conv node nd: its weights, with a batch norm that follows
// folded in, then (when fusing) the activation after that and a 2×2 max pool after a clamp.
func (c *compiler) layer(s *step, nd *models.Node) {
	i := s.node
	w := nd.Params["weight"]
	s.w = append([]float32(nil), w.Data...)
	if b := nd.Params["bias"]; b != nil {
		s.b = append([]float32(nil), b.Data...)
	}
	if nd.Op == models.OpDense {
		s.nout, s.nin = w.Shape[0], w.Shape[1]
		c.p.flops += 2 * float64(s.nin*s.nout)
	} else {
		setConv(s, nd, c.shapes[nd.Inputs[0]], c.shapes[i])
		c.p.flops += 2 * float64(s.nout*s.cinG*s.win.KH*s.win.KW)
	}
	if n := c.sole(i); n >= 0 && c.n.Nodes[n].Op == models.OpBatchNorm && !c.opt.keep[i] {
		foldBatchNorm(s, &c.n.Nodes[n])
		c.absorbed[n] = true
		s.node = n
	}
	if s.b == nil {
		s.b = make([]float32, w.Shape[0])
	}
	if n := c.sole(s.node); c.opt.fuse && n >= 0 && kernel.IsActivation(c.n.Nodes[n].Op) && !c.opt.given[n] && !c.opt.keep[s.node] {
		s.act = kernel.ActivationOf(&c.n.Nodes[n])
		c.absorbed[n] = true
		s.node = n
	}
	s.lo, s.hi, s.clamp = kernel.ClampOf(s.act)
	// A 2x2 max pool after a clamp commutes with bias and clamp: pool the raw product.
	if n := c.sole(s.node); c.opt.fuse && s.wide && s.clamp && n >= 0 && !c.opt.given[n] && !c.opt.keep[s.node] && isPool2(&c.n.Nodes[n]) {
		s.pool = true
		c.absorbed[n] = true
		s.node = n
	}
	if nd.Op == models.OpConv {
		c.p.col = max(c.p.col, s.colSize())
		c.p.wide = max(c.p.wide, s.wideSize())
	}
}

func setConv(s *step, nd *models.Node, in, out []int) {
	w := nd.Params["weight"]
	a := nd.Attr
	s.groups = a.NumGroups()
	s.cinG, s.coutG = w.Shape[1], w.Shape[0]/s.groups
	s.win = kernel.ConvWindow(nd, in, out)
	sh, sw, dh, dw := s.win.SH, s.win.SW, s.win.DH, s.win.DW
	s.nin, s.nout = models.ShapeSize(in), models.ShapeSize(out)
	s.pointwise = s.win.KH == 1 && s.win.KW == 1 && sh == 1 && sw == 1 && a.Pad == [4]int{} && s.win.OH == in[1] && s.win.OW == in[2]
	s.hp, s.wp = in[1]+a.Pad[0]+a.Pad[2], in[2]+a.Pad[1]+a.Pad[3]
	s.wide = !s.pointwise && sh == 1 && sw == 1 && s.hp-(s.win.KH-1)*dh == s.win.OH && s.wp-(s.win.KW-1)*dw == s.win.OW
}

// foldBatchNorm folds the batch norm bn that follows the conv or dense step s into its weights.
func foldBatchNorm(s *step, bn *models.Node) {
	p := bn.Params
	scale, _ := batchnorm.Affine(bn)
	per := len(s.w) / len(scale) // weights per output channel (dense: per output feature)
	b := make([]float32, len(scale))
	for o, sc := range scale {
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

// float32s rounds v to float32.
func float32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// isPool2 reports whether nd is a 2x2 max pool with stride 2 and no padding.
func isPool2(nd *models.Node) bool {
	a := nd.Attr
	sh, sw := a.Strides()
	return nd.Op == models.OpMaxPool && a.Kernel == [2]int{2, 2} && sh == 2 && sw == 2 && a.Pad == [4]int{}
}
