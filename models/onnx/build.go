package onnx

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/models"
)

// value is what an ONNX tensor name stands for during import: a constant known at import time,
// or data computed by a Net node from the input (per-sample shape in shape), or a partial match
// of the GELU pattern that has no node yet.
type value struct {
	c     *constant
	node  int
	shape []int
	lin   *linear   // data equal to base·factor (a scalar Mul or Div), for the GELU pattern
	gelu  *geluPart // partial GELU expansion
	uses  int       // ONNX consumers over every name bound to this value
}

func (v *value) isData() bool { return v.c == nil && v.gelu == nil }

// poisoned marks the outputs of a node that failed, so that its consumers are skipped quietly.
var poisoned = &value{}

var errPoisoned = errors.New("depends on a failed node")

// builder translates one ONNX graph into a models.Net.
type builder struct {
	opset   int
	batched bool // the first input dimension is the batch (false: the whole tensor is one sample)
	batch   int  // declared batch size of the input, 0 when symbolic

	net     models.Net
	shapes  [][]int // per-sample shape of every Net node
	netUses []int   // how many Net nodes read each node

	vals map[string]*value
	uses map[string]int // ONNX consumers of each name, graph outputs included
}

// node is one ONNX node being translated: resolved inputs (nil for an absent optional input),
// attributes, and the outputs the op function sets.
type node struct {
	proto *pb.NodeProto
	op    string
	in    []*value
	attrs *attrs
	out   []*value
}

func (n *node) name() string {
	if n.proto.GetName() != "" {
		return n.proto.GetName()
	}
	if o := n.proto.GetOutput(); len(o) > 0 {
		return o[0]
	}
	return n.op
}

func (n *node) input(i int) *value {
	if i < len(n.in) {
		return n.in[i]
	}
	return nil
}

// data returns input i, which must be computed from the network input.
func (n *node) data(i int) (*value, error) {
	v := n.input(i)
	switch {
	case v == nil:
		return nil, fmt.Errorf("input %d is missing", i)
	case v.gelu != nil:
		return nil, errGeluPart
	case v.c != nil:
		return nil, fmt.Errorf("input %d is a constant; only data computed from the network input is supported here", i)
	}
	return v, nil
}

// konst returns input i, which must be known at import time.
func (n *node) konst(i int) (*constant, error) {
	v := n.input(i)
	if v == nil {
		return nil, fmt.Errorf("input %d is missing", i)
	}
	if v.c == nil {
		return nil, fmt.Errorf("input %d depends on the network input; it must be an initializer or a constant", i)
	}
	return v.c, nil
}

// optConst returns input i if it is present (nil if not), which must be a constant.
func (n *node) optConst(i int) (*constant, error) {
	if n.input(i) == nil {
		return nil, nil
	}
	return n.konst(i)
}

// build translates the graph, collecting every error it finds.
func (b *builder) build(g *pb.GraphProto) (*models.Net, error) {
	b.vals = map[string]*value{}
	b.uses = map[string]int{}
	for _, n := range g.GetNode() {
		for _, in := range n.GetInput() {
			if in != "" {
				b.uses[in]++
			}
		}
	}
	for _, o := range g.GetOutput() {
		b.uses[o.GetName()]++
	}
	var errs []string
	for _, t := range g.GetInitializer() {
		c, err := decodeTensor(t)
		if err != nil {
			errs = append(errs, shorten("initializer: "+err.Error()))
			b.vals[t.GetName()] = poisoned
			continue
		}
		b.vals[t.GetName()] = &value{c: c}
	}
	if len(g.GetSparseInitializer()) > 0 {
		errs = append(errs, "sparse initializers are not supported")
	}
	if err := b.input(g); err != nil {
		return nil, errors.New(shorten(err.Error()))
	}
	for k, np := range g.GetNode() {
		if err := b.node(np); err != nil {
			for _, o := range np.GetOutput() {
				if _, ok := b.vals[o]; !ok || o == "" {
					b.vals[o] = poisoned
				}
			}
			if err != errPoisoned {
				errs = append(errs, shorten(fmt.Sprintf("node %s (%s): %v", nodeLabel(np, k), np.GetOpType(), err)))
			}
		}
	}
	if len(errs) == 0 {
		out, err := b.output(g)
		if err != nil {
			errs = append(errs, shorten(err.Error()))
		} else {
			return b.finish(out)
		}
	}
	if len(errs) > 8 {
		errs = append(errs[:8], fmt.Sprintf("and %d more", len(errs)-8))
	}
	return nil, errors.New(strings.Join(errs, "; "))
}

// shorten cuts a message that quotes a huge malformed tensor down to a readable length.
func shorten(s string) string {
	const limit = 300
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// input sets up node 0 from the one graph input that is not an initializer.
func (b *builder) input(g *pb.GraphProto) error {
	var data []*pb.ValueInfoProto
	var names []string
	for _, vi := range g.GetInput() {
		if _, ok := b.vals[vi.GetName()]; !ok {
			data = append(data, vi)
			names = append(names, vi.GetName())
		}
	}
	if len(data) != 1 {
		return fmt.Errorf("graph has %d data inputs %q; surfscope nets take one", len(data), names)
	}
	vi := data[0]
	tt := vi.GetType().GetTensorType()
	if tt == nil || tt.GetShape() == nil {
		return fmt.Errorf("input %q is not a tensor of known rank", vi.GetName())
	}
	if et := pb.TensorProto_DataType(tt.GetElemType()); et != pb.TensorProto_FLOAT {
		return fmt.Errorf("input %q has element type %s; surfscope feeds float32", vi.GetName(), et)
	}
	dims := tt.GetShape().GetDim()
	if b.batched {
		if len(dims) == 0 {
			return fmt.Errorf("input %q is a scalar, without a batch dimension", vi.GetName())
		}
		b.batch = int(max(dims[0].GetDimValue(), 0))
		dims = dims[1:]
	}
	sample := make([]int, len(dims))
	for k, d := range dims {
		if d.GetDimValue() <= 0 || d.GetDimValue() > maxElements {
			what := "unknown"
			if p := d.GetDimParam(); p != "" {
				what = fmt.Sprintf("symbolic (%q)", p)
			}
			return fmt.Errorf("input %q: sample dimension %d is %s; surfscope needs a fixed sample shape", vi.GetName(), k, what)
		}
		sample[k] = int(d.GetDimValue())
	}
	if _, n, err := checkedSize(dims64(sample)); err != nil || n == 0 {
		return fmt.Errorf("input %q: sample shape %v is too large", vi.GetName(), sample)
	}
	b.net.Nodes = []models.Node{{Name: vi.GetName(), Op: models.OpInput}}
	b.netUses = []int{0}
	var in *value
	switch r := len(sample); r {
	case 0:
		return fmt.Errorf("input %q has scalar samples", vi.GetName())
	case 1:
		b.net.Input = [3]int{sample[0], 1, 1}
	case 2:
		b.net.Input = [3]int{sample[0], 1, sample[1]}
	default: // rank 3 as is; higher ranks enter as [C·…, H, W] and are reshaped
		b.net.Input = [3]int{models.ShapeSize(sample[:r-2]), sample[r-2], sample[r-1]}
	}
	b.shapes = [][]int{b.net.Input[:]}
	in = &value{node: 0, shape: b.net.Input[:]}
	in = b.reshape(in, sample, vi.GetName())
	in.uses = b.uses[vi.GetName()]
	b.vals[vi.GetName()] = in
	return nil
}

func dims64(s []int) []int64 {
	d := make([]int64, len(s))
	for k, v := range s {
		d[k] = int64(v)
	}
	return d
}

// node translates one ONNX node. A panic in an op function (an importer bug that some malformed
// model reaches) becomes an error rather than crashing the caller; FuzzRead looks for them.
func (b *builder) node(np *pb.NodeProto) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	n := &node{proto: np, op: np.GetOpType(), attrs: newAttrs(np.GetAttribute())}
	if o := np.GetOutput(); len(o) == 0 || o[0] == "" {
		return fmt.Errorf("node has no output")
	}
	for _, name := range np.GetInput() {
		if name == "" {
			n.in = append(n.in, nil)
			continue
		}
		v, ok := b.vals[name]
		if !ok {
			return fmt.Errorf("input %q is not produced by any node, initializer or graph input", name)
		}
		if v == poisoned {
			return errPoisoned
		}
		n.in = append(n.in, v)
	}
	n.out = make([]*value, len(np.GetOutput()))
	allConst := true
	for _, v := range n.in {
		if v != nil && v.c == nil {
			allConst = false
		}
	}
	switch {
	case allConst && folds[n.op] != nil:
		err = folds[n.op](b, n)
	case handlers[n.op] != nil:
		err = handlers[n.op](b, n)
	default:
		err = fmt.Errorf("%s of data computed from the network input is not supported (only of constants)", n.op)
	}
	if err == nil {
		err = n.attrs.check()
	}
	if err != nil {
		return err
	}
	for i, name := range np.GetOutput() {
		if name == "" {
			continue
		}
		if n.out[i] == nil {
			if b.uses[name] > 0 {
				return fmt.Errorf("output %d (%q) is not supported, only the first", i, name)
			}
			continue
		}
		if _, dup := b.vals[name]; dup {
			return fmt.Errorf("output %q is defined twice", name)
		}
		if v := n.out[i]; v.isData() && (len(v.shape) == 0 || slices.Contains(v.shape, 0)) {
			return fmt.Errorf("output %q has sample shape %v; empty tensors are not supported", name, v.shape)
		}
		b.vals[name] = n.out[i]
		n.out[i].uses += b.uses[name]
	}
	return nil
}

// output checks the graph output and returns its value.
func (b *builder) output(g *pb.GraphProto) (*value, error) {
	outs := g.GetOutput()
	if len(outs) != 1 {
		names := make([]string, len(outs))
		for k, o := range outs {
			names[k] = o.GetName()
		}
		return nil, fmt.Errorf("graph has %d outputs %q; surfscope nets have one", len(outs), names)
	}
	name := outs[0].GetName()
	v := b.vals[name]
	switch {
	case v == nil:
		return nil, fmt.Errorf("output %q is not produced by any node", name)
	case v.gelu != nil:
		return nil, fmt.Errorf("output %q: %v", name, errGeluPart)
	case v.c != nil:
		return nil, fmt.Errorf("output %q is a constant that does not depend on the input", name)
	}
	if tt := outs[0].GetType().GetTensorType(); tt != nil && tt.GetShape() != nil {
		declared := tt.GetShape().GetDim()
		full := b.full(v.shape)
		ok := len(declared) == len(full)
		for k := 0; ok && k < len(full); k++ {
			if d := declared[k].GetDimValue(); d > 0 && full[k] >= 0 && int(d) != full[k] {
				ok = false
			}
		}
		if !ok {
			return nil, fmt.Errorf("output %q: the graph computes sample shape %v, the model declares %v", name, v.shape, shapeString(declared))
		}
	}
	return v, nil
}

func shapeString(dims []*pb.TensorShapeProto_Dimension) string {
	s := make([]string, len(dims))
	for k, d := range dims {
		if d.GetDimValue() > 0 {
			s[k] = fmt.Sprint(d.GetDimValue())
		} else {
			s[k] = "?"
		}
	}
	return "[" + strings.Join(s, " ") + "]"
}

// full returns the ONNX shape of a data value: the sample shape behind a -1 for the batch.
func (b *builder) full(sample []int) []int {
	if !b.batched {
		return sample
	}
	return append([]int{-1}, sample...)
}

// sampleAxis turns an ONNX axis of a data tensor of sample rank r into an axis of the sample.
func (b *builder) sampleAxis(axis int64, r int) (int, error) {
	rank := r
	if b.batched {
		rank++
	}
	a := int(axis)
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	if b.batched {
		if a == 0 {
			return 0, errBatchAxis
		}
		a--
	}
	return a, nil
}

var (
	errBatchAxis       = errors.New("operating along the batch axis is not supported")
	errBatchArithmetic = errors.New("arithmetic on the batch size is not supported")
)

// emit appends a Net node that reads the given data values and returns its output value.
func (b *builder) emit(name string, op models.Op, attr models.Attr, params map[string]*models.Tensor, shape []int, ins ...*value) *value {
	inputs := make([]int, len(ins))
	for k, v := range ins {
		inputs[k] = v.node
		b.netUses[v.node]++
	}
	b.net.Nodes = append(b.net.Nodes, models.Node{Name: name, Op: op, Inputs: inputs, Attr: attr, Params: params})
	b.shapes = append(b.shapes, slices.Clone(shape))
	b.netUses = append(b.netUses, 0)
	return &value{node: len(b.net.Nodes) - 1, shape: slices.Clone(shape)}
}

// reshape returns v with the sample shape s (same size): v itself, or a flatten or reshape node.
func (b *builder) reshape(v *value, s []int, name string) *value {
	if slices.Equal(v.shape, s) {
		return v
	}
	if models.ShapeSize(v.shape) != models.ShapeSize(s) {
		panic(fmt.Sprintf("onnx: reshape %v to %v", v.shape, s))
	}
	if len(s) == 1 {
		return b.emit(name, models.OpFlatten, models.Attr{}, nil, s, v)
	}
	return b.emit(name, models.OpReshape, models.Attr{Shape: slices.Clone(s)}, nil, s, v)
}

// sole reports whether the Net node of data value v may be changed in place: this node is its
// one ONNX consumer and no Net node reads it yet.
func (b *builder) sole(v *value) bool {
	return v.isData() && v.node > 0 && b.netUses[v.node] == 0 && v.uses == 1
}

func tensor(c []float32, shape ...int) *models.Tensor {
	return &models.Tensor{Shape: shape, Data: c}
}
