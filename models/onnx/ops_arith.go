package onnx

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/surfscope/surfscope/models"
)

// Element-wise arithmetic. Two data operands map onto OpAdd and OpMul (residual sums, x * out,
// SE gates). A constant operand maps onto an affine node per channel (axis 0 of the sample) or,
// when the constant varies along other axes, per element of the flattened sample:
//
//	x + c, x − c, x / c   OpNormalize with mean −c, c, 0 and std 1, 1, c (exact in float32)
//	x · c, c − x, −x      OpBatchNorm with gamma c, −1, −1, beta 0, c, 0, mean 0, var 1, Eps 1e-30
//
// A bias added after Gemm, MatMul or Conv folds into that node, and x − mean followed by / std
// folds into one OpNormalize, as PyTorch exports input normalisation.

// affineEps makes OpBatchNorm an exact affine map: sqrt(1 + 1e-30) is 1 in float32 and float64.
const affineEps = 1e-30

// linear records that a data value equals base·factor, to recognise GELU's x/√2 and 0.5·x.
type linear struct {
	base   *value
	factor float64
}

type geluStage int

const (
	geluErf        geluStage = iota // erf(x/√2)
	geluOnePlusErf                  // 1 + erf(x/√2)
	geluXTimes                      // x·(1 + erf(x/√2))
	geluHalfTimes                   // ½·(1 + erf(x/√2))
)

// geluPart is a partial match of GELU's erf expansion, as torch.onnx exports nn.GELU:
// x·½(1 + erf(x/√2)) in any order of the multiplications.
type geluPart struct {
	x     *value
	stage geluStage
}

var errGeluPart = errors.New("Erf is supported only inside GELU's expansion x·½·(1 + erf(x/√2))")

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Abs(b) }

func erfOp(b *builder, n *node) error {
	v := n.input(0)
	if v == nil || v.lin == nil || !near(v.lin.factor, 1/math.Sqrt2) {
		return errGeluPart
	}
	n.out[0] = &value{gelu: &geluPart{x: v.lin.base, stage: geluErf}}
	return nil
}

// geluStep advances a GELU match by one Add or Mul, emitting OpGELU when it completes.
func (b *builder) geluStep(n *node, p, o *value) error {
	if p.gelu == nil {
		p, o = o, p
	}
	if o.gelu != nil {
		return errGeluPart
	}
	g := p.gelu
	scalar := func(want float64) bool {
		return o.c != nil && o.c.size() == 1 && o.c.float && near(float64(o.c.f[0]), want)
	}
	next := geluStage(-1)
	switch {
	case n.op == "Add" && g.stage == geluErf && scalar(1):
		next = geluOnePlusErf
	case n.op != "Mul":
	case g.stage == geluOnePlusErf && o == g.x:
		next = geluXTimes
	case g.stage == geluOnePlusErf && scalar(0.5):
		next = geluHalfTimes
	case g.stage == geluOnePlusErf && o.lin != nil && o.lin.base == g.x && near(o.lin.factor, 0.5),
		g.stage == geluXTimes && scalar(0.5),
		g.stage == geluHalfTimes && o == g.x:
		n.out[0] = b.emit(n.name(), models.OpGELU, models.Attr{}, nil, g.x.shape, g.x)
		return nil
	}
	if next < 0 {
		return errGeluPart
	}
	n.out[0] = &value{gelu: &geluPart{x: g.x, stage: next}}
	return nil
}

func arithmetic(b *builder, n *node) error {
	x, y := n.input(0), n.input(1)
	if x == nil || y == nil {
		return fmt.Errorf("needs two inputs")
	}
	if b.opset < 7 { // legacy broadcasting: attributes broadcast and axis
		n.attrs.ignore("broadcast", "axis")
		switch {
		case y.c != nil && x.isData():
			c, err := legacyBroadcast(n, b.full(x.shape), y.c)
			if err != nil {
				return err
			}
			y = &value{c: c}
		case x.isData() && y.isData() && n.attrs.has("axis") && !slices.Equal(x.shape, y.shape):
			return fmt.Errorf("legacy broadcasting of two data tensors is not supported")
		}
	}
	switch {
	case x.gelu != nil || y.gelu != nil:
		return b.geluStep(n, x, y)
	case x.isData() && y.isData():
		return b.dataData(n, x, y)
	case x.isData():
		return b.dataConst(n, x, y.c, false)
	}
	return b.dataConst(n, y, x.c, true)
}

// dataData combines two data values: OpAdd, OpMul, or OpAdd of a negation for Sub.
func (b *builder) dataData(n *node, x, y *value) error {
	if len(x.shape) != len(y.shape) {
		if b.batched {
			return fmt.Errorf("data of sample shapes %v and %v: broadcasting would mix the batch axis", x.shape, y.shape)
		}
		pad := func(v *value, r int) *value {
			s := slices.Concat(slices.Repeat([]int{1}, r-len(v.shape)), v.shape)
			return b.reshape(v, s, n.name()+"/rank")
		}
		r := max(len(x.shape), len(y.shape))
		x, y = pad(x, r), pad(y, r)
	}
	out, err := broadcastShapes(x.shape, y.shape)
	if err != nil {
		return err
	}
	switch n.op {
	case "Add":
		n.out[0] = b.emit(n.name(), models.OpAdd, models.Attr{}, nil, out, x, y)
	case "Mul":
		n.out[0] = b.emit(n.name(), models.OpMul, models.Attr{}, nil, out, x, y)
	case "Sub":
		neg := b.affine(n.name()+"/neg", "onnx:Neg", y, models.OpBatchNorm, map[string][]float32{
			"gamma": fill(y.shape[0], -1), "beta": fill(y.shape[0], 0)}, true)
		n.out[0] = b.emit(n.name(), models.OpAdd, models.Attr{}, nil, out, x, neg)
	default:
		return fmt.Errorf("%s of two data tensors is not supported", n.op)
	}
	return nil
}

func fill(n int, v float32) []float32 {
	f := make([]float32, n)
	for k := range f {
		f[k] = v
	}
	return f
}

// alignConst checks that constant c broadcasts to a data value of sample shape s without
// varying along the batch, and returns it with the batch axis dropped and rank len(s).
func (b *builder) alignConst(c *constant, s []int) (*constant, error) {
	cs := c.shape
	full := b.full(s)
	if len(cs) > len(full) {
		return nil, fmt.Errorf("constant of shape %v has more axes than the data %v", brief(cs), full)
	}
	if b.batched && len(cs) == len(full) {
		if cs[0] != 1 {
			return nil, fmt.Errorf("constant of shape %v varies along the batch axis", brief(cs))
		}
		cs = cs[1:]
	}
	if out, err := broadcastShapes(s, cs); err != nil || !slices.Equal(out, s) {
		return nil, fmt.Errorf("constant of shape %v does not broadcast to the sample shape %v", brief(c.shape), s)
	}
	if !c.float && slices.Contains(c.i, batchDim) {
		return nil, errBatchArithmetic
	}
	return &constant{shape: slices.Concat(slices.Repeat([]int{1}, len(s)-len(cs)), cs), float: c.float, f: c.f, i: c.i}, nil
}

// sampleConst aligns constant c with a data value of sample shape s. It returns c's values per
// channel (len s[0]) when c varies only along the sample's axis 0, else for every element.
func (b *builder) sampleConst(c *constant, s []int) (vals []float32, perChannel bool, err error) {
	a, err := b.alignConst(c, s)
	if err != nil {
		return nil, false, err
	}
	if models.ShapeSize(a.shape[1:]) == 1 {
		return expand(a, slices.Concat([]int{s[0]}, slices.Repeat([]int{1}, len(s)-1))), true, nil
	}
	if models.ShapeSize(s) > maxComputed {
		return nil, false, fmt.Errorf("a constant expanded over a sample of %d values is too large", models.ShapeSize(s))
	}
	return expand(a, s), false, nil
}

// affine emits an OpNormalize or OpBatchNorm node on x with the given parameters, per channel or
// per element of the flattened sample; batch-norm mean and var are filled in as 0 and 1. The node
// is Fixed: its parameters are constants of the ONNX graph's arithmetic, not weights.
func (b *builder) affine(name, meta string, x *value, op models.Op, p map[string][]float32, perChannel bool) *value {
	return b.affineNode(name, meta, x, op, p, perChannel, true)
}

// affineNode is affine with the node's Fixed flag given.
func (b *builder) affineNode(name, meta string, x *value, op models.Op, p map[string][]float32, perChannel, fixed bool) *value {
	xx := x
	if !perChannel {
		xx = b.reshape(x, []int{models.ShapeSize(x.shape)}, name+"/flat")
	}
	c := xx.shape[0]
	params := map[string]*models.Tensor{}
	for k, v := range p {
		params[k] = tensor(v, c)
	}
	attr := models.Attr{Meta: meta}
	if op == models.OpBatchNorm {
		attr.Eps = affineEps
		params["mean"] = tensor(fill(c, 0), c)
		params["var"] = tensor(fill(c, 1), c)
	}
	y := b.emit(name, op, attr, params, xx.shape, xx)
	b.net.Nodes[y.node].Fixed = fixed
	return b.reshape(y, x.shape, name+"/unflat")
}

// dataConst combines data x with constant c (c on the left when left is set).
func (b *builder) dataConst(n *node, x *value, c *constant, left bool) error {
	vals, perChannel, err := b.sampleConst(c, x.shape)
	if err != nil {
		return err
	}
	name, meta := n.name(), "onnx:"+n.op
	op := n.op
	if left && op == "Sub" {
		op = "SubFrom"
	}
	switch op {
	case "Add":
		if b.foldBias(x, vals, perChannel) {
			n.out[0] = &value{node: x.node, shape: x.shape}
			return nil
		}
		neg := make([]float32, len(vals))
		for k, v := range vals {
			neg[k] = -v
		}
		n.out[0] = b.affine(name, meta, x, models.OpNormalize, map[string][]float32{"mean": neg, "std": fill(len(vals), 1)}, perChannel)
	case "Sub":
		n.out[0] = b.affine(name, meta, x, models.OpNormalize, map[string][]float32{"mean": vals, "std": fill(len(vals), 1)}, perChannel)
	case "Div":
		if left {
			return fmt.Errorf("division of a constant by data is not supported")
		}
		if slices.Contains(vals, 0) {
			return fmt.Errorf("division by a constant that contains zero")
		}
		if nd := &b.net.Nodes[x.node]; perChannel && nd.Op == models.OpNormalize && b.sole(x) &&
			!slices.ContainsFunc(nd.Params["std"].Data, func(v float32) bool { return v != 1 }) {
			nd.Params["std"] = tensor(vals, len(vals))
			nd.Attr.Meta = "onnx:Sub,Div"
			n.out[0] = &value{node: x.node, shape: x.shape}
		} else {
			n.out[0] = b.affine(name, meta, x, models.OpNormalize, map[string][]float32{"mean": fill(len(vals), 0), "std": vals}, perChannel)
		}
	case "Mul":
		n.out[0] = b.affine(name, meta, x, models.OpBatchNorm, map[string][]float32{"gamma": vals, "beta": fill(len(vals), 0)}, perChannel)
	case "SubFrom":
		n.out[0] = b.affine(name, meta, x, models.OpBatchNorm, map[string][]float32{"gamma": fill(len(vals), -1), "beta": vals}, perChannel)
	}
	if (op == "Mul" || op == "Div") && c.size() == 1 {
		f := float64(vals[0])
		if op == "Div" {
			f = 1 / f
		}
		n.out[0].lin = &linear{base: x, factor: f}
	}
	return nil
}

// foldBias adds per-channel vals to the bias of the Dense or Conv node, or to the beta of the
// affine batch-norm node, that computes x, when nothing else reads x.
func (b *builder) foldBias(x *value, vals []float32, perChannel bool) bool {
	if !perChannel || !b.sole(x) {
		return false
	}
	nd := &b.net.Nodes[x.node]
	key := "bias"
	switch {
	case nd.Attr.Meta == metaPad: // stays a pure padding, to merge into what reads it
		return false
	case nd.Op == models.OpDense || nd.Op == models.OpConv:
	case nd.Op == models.OpBatchNorm && strings.HasPrefix(nd.Attr.Meta, "onnx:"):
		key = "beta"
	default:
		return false
	}
	if len(vals) != b.shapes[x.node][0] {
		return false
	}
	bias := nd.Params[key]
	if bias == nil {
		bias = tensor(make([]float32, len(vals)), len(vals))
		nd.Params[key] = bias
	}
	for k, v := range vals {
		bias.Data[k] += v
	}
	return true
}

func neg(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	c := x.shape[0]
	n.out[0] = b.affine(n.name(), "onnx:Neg", x, models.OpBatchNorm, map[string][]float32{"gamma": fill(c, -1), "beta": fill(c, 0)}, true)
	return nil
}
