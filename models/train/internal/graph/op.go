package graph

import (
	"fmt"
	"hash"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// layerKernel is the math of one layer over a whole batch, on float32 slices in row-major order.
// The training graph wraps each kernel in a gorgonia op (layerOp) and each of its input gradients in
// a second op (layerGradOp), so gorgonia's symbolic differentiation and tape machine drive kernels
// whose memory we control: every op owns its output buffer and reuses it from step to step, which
// is what keeps the batch memory bounded (gorgonia's own ops allocate afresh on every run).
type layerKernel interface {
	// forward writes the output for inputs in into out.
	forward(out []float32, in [][]float32)
	// backward writes into dx (overwriting it) the gradient of the loss with respect to input i,
	// given the inputs, the forward output and the output gradient dy.
	backward(i int, dx []float32, in [][]float32, out, dy []float32)
	// needsGrad reports whether the gradient with respect to input i is wanted.
	needsGrad(i int) bool
}

var opCounter atomic.Uint64

// layerOp is a gorgonia op that runs a layerKernel forward. Its hash is unique per instance, so
// gorgonia never merges two layers that happen to look alike.
type layerOp struct {
	name     string
	id       uint64
	k        layerKernel
	inShapes []tensor.Shape
	outShape tensor.Shape // empty for a scalar output (the loss)
	out      G.Value
	outData  []float32
}

func newLayerOp(name string, k layerKernel, outShape []int, inputs ...*G.Node) *layerOp {
	op := &layerOp{name: name, id: opCounter.Add(1), k: k, outShape: tensor.Shape(outShape)}
	for _, in := range inputs {
		op.inShapes = append(op.inShapes, in.Shape().Clone())
	}
	if len(outShape) == 0 {
		v := G.NewF32(0)
		op.out = v
	} else {
		d := tensor.New(tensor.WithShape(outShape...), tensor.Of(tensor.Float32))
		op.out, op.outData = d, d.Data().([]float32)
	}
	return op
}

// apply adds the op to the graph as a node over inputs.
func applyLayer(name string, k layerKernel, outShape []int, inputs ...*G.Node) (*G.Node, *layerOp, error) {
	op := newLayerOp(name, k, outShape, inputs...)
	n, err := G.ApplyOp(op, inputs...)
	if err != nil {
		return nil, nil, fmt.Errorf("train: %s: %v", name, err)
	}
	return n, op, nil
}

func tensorType(s tensor.Shape) hm.Type {
	if len(s) == 0 {
		return tensor.Float32
	}
	return G.TensorType{Dims: len(s), Of: tensor.Float32}
}

func fnType(ins []tensor.Shape, out tensor.Shape) hm.Type {
	ts := make([]hm.Type, 0, len(ins)+1)
	for _, s := range ins {
		ts = append(ts, tensorType(s))
	}
	return hm.NewFnType(append(ts, tensorType(out))...)
}

func (op *layerOp) Arity() int                                     { return len(op.inShapes) }
func (op *layerOp) Type() hm.Type                                  { return fnType(op.inShapes, op.outShape) }
func (op *layerOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape(), nil }
func (op *layerOp) ReturnsPtr() bool                               { return false }
func (op *layerOp) CallsExtern() bool                              { return false }
func (op *layerOp) OverwritesInput() int                           { return -1 }
func (op *layerOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "surfscope.%s#%d", op.name, op.id) }
func (op *layerOp) Hashcode() uint32                               { return hashOf(op) }
func (op *layerOp) String() string                                 { return op.name }

func (op *layerOp) shape() tensor.Shape {
	if len(op.outShape) == 0 {
		return tensor.ScalarShape()
	}
	return op.outShape.Clone()
}

func hashOf(op G.Op) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *layerOp) Do(vals ...G.Value) (G.Value, error) {
	in, err := float32sOf(op.name, vals)
	if err != nil {
		return nil, err
	}
	if len(op.outShape) == 0 {
		var s [1]float32
		op.k.forward(s[:], in)
		*op.out.(*G.F32) = G.F32(s[0])
		return op.out, nil
	}
	op.k.forward(op.outData, in)
	return op.out, nil
}

func (op *layerOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = op.k.needsGrad(i)
	}
	return d
}

// SymDiff returns, for every input whose gradient is wanted, a node computing it from the inputs,
// the output and the output gradient; nil for the others (gorgonia skips those).
func (op *layerOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	ret := make(G.Nodes, len(inputs))
	for i := range inputs {
		if !op.k.needsGrad(i) {
			continue
		}
		g := &layerGradOp{fwd: op, i: i, id: opCounter.Add(1)}
		d := tensor.New(tensor.WithShape(op.inShapes[i]...), tensor.Of(tensor.Float32))
		g.out, g.outData = d, d.Data().([]float32)
		args := append(append(G.Nodes{}, inputs...), output, grad)
		n, err := G.ApplyOp(g, args...)
		if err != nil {
			return nil, fmt.Errorf("train: gradient of %s: %v", op.name, err)
		}
		ret[i] = n
	}
	return ret, nil
}

// layerGradOp computes the gradient of a layerOp with respect to input i.
type layerGradOp struct {
	fwd     *layerOp
	i       int
	id      uint64
	out     *tensor.Dense
	outData []float32
}

func (g *layerGradOp) Arity() int { return len(g.fwd.inShapes) + 2 }
func (g *layerGradOp) Type() hm.Type {
	ins := append(append([]tensor.Shape{}, g.fwd.inShapes...), g.fwd.outShape, g.fwd.outShape)
	return fnType(ins, g.fwd.inShapes[g.i])
}
func (g *layerGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return g.fwd.inShapes[g.i].Clone(), nil
}
func (g *layerGradOp) ReturnsPtr() bool     { return false }
func (g *layerGradOp) CallsExtern() bool    { return false }
func (g *layerGradOp) OverwritesInput() int { return -1 }
func (g *layerGradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "surfscope.grad%d.%s#%d", g.i, g.fwd.name, g.id)
}
func (g *layerGradOp) Hashcode() uint32 { return hashOf(g) }
func (g *layerGradOp) String() string   { return fmt.Sprintf("∂%s/∂in%d", g.fwd.name, g.i) }

func (g *layerGradOp) Do(vals ...G.Value) (G.Value, error) {
	n := len(g.fwd.inShapes)
	in, err := float32sOf(g.String(), vals[:n])
	if err != nil {
		return nil, err
	}
	var out, dy []float32
	if len(g.fwd.outShape) == 0 {
		// Scalar loss: the output gradient is a scalar too.
		out = []float32{float32(*g.fwd.out.(*G.F32))}
		s, err := scalarOf(vals[n+1])
		if err != nil {
			return nil, fmt.Errorf("train: %s: %v", g, err)
		}
		dy = []float32{s}
	} else {
		if out, err = float32Of(vals[n]); err != nil {
			return nil, fmt.Errorf("train: %s: %v", g, err)
		}
		if dy, err = float32Of(vals[n+1]); err != nil {
			return nil, fmt.Errorf("train: %s: %v", g, err)
		}
	}
	g.fwd.k.backward(g.i, g.outData, in, out, dy)
	return g.out, nil
}

func float32sOf(name string, vals []G.Value) ([][]float32, error) {
	in := make([][]float32, len(vals))
	for i, v := range vals {
		d, err := float32Of(v)
		if err != nil {
			return nil, fmt.Errorf("train: %s: input %d: %v", name, i, err)
		}
		in[i] = d
	}
	return in, nil
}

func float32Of(v G.Value) ([]float32, error) {
	switch t := v.(type) {
	case *tensor.Dense:
		d, ok := t.Data().([]float32)
		if !ok {
			return nil, fmt.Errorf("dtype %v, want float32", t.Dtype())
		}
		return d, nil
	case *G.F32:
		return []float32{float32(*t)}, nil
	}
	return nil, fmt.Errorf("unexpected value type %T", v)
}

func scalarOf(v G.Value) (float32, error) {
	switch t := v.(type) {
	case *G.F32:
		return float32(*t), nil
	case *tensor.Dense:
		if d, ok := t.Data().([]float32); ok && len(d) == 1 {
			return d[0], nil
		}
		if d, ok := t.Data().(float32); ok {
			return d, nil
		}
	}
	return 0, fmt.Errorf("unexpected gradient value %T", v)
}
