package models

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Jacobian computes per-sample parameter gradients of a net: for every sample x_s of a batch and
// every seed vector u_r (a row of weights over the logits), the gradient ∂(u_r·f(x_s; θ))/∂θ with
// respect to every trainable parameter θ — the weights and biases of dense and convolution nodes
// and the gamma and beta of batch norms (batch norm runs in inference mode: its running mean and
// variance are constants, as are normalisation constants). A seed e_k gives the gradient of logit
// k, the all-ones seed that of the sum of the logits, and the C rows of the identity every logit's
// gradient (one row of the full Jacobian each).
//
// The gradients of a dense node are returned factored: ∂(u·f)/∂W[o][i] = δ[o]·a[i] and
// ∂(u·f)/∂b[o] = δ[o], where a is the node's input and δ = ∂(u·f)/∂(node output), so that the
// inner product of two samples' dense gradients is (δ·δ')(a·a') + δ·δ' without forming either
// (the per-layer factorisation of the NTK, Jacot, Gabriel & Hongler 2018, "Neural Tangent Kernel",
// eq. for the last layers; Novak et al. 2022, "Fast Finite Width Neural Tangent Kernel", §3).
// Convolution and batch-norm gradients are returned explicitly.
//
// ReLU and LeakyReLU take their left derivative at 0, Clip passes the gradient for Min < x ≤ Max,
// and a max pool passes it to the first maximum of its window, as InputGrad does. A Jacobian holds
// its own copy of the parameters; it is safe for concurrent use.
type Jacobian struct {
	net    *Net
	shapes [][]int
	size   []int
	dep    []bool // node's output depends on a trainable parameter
	layers []jacLayer
	params []ParamRef
	total  int
	bcast  []jacBroadcast // per node: index maps of add and mul nodes with broadcasting
	concat []jacConcat    // per node: the runs of concat nodes
	pool   sync.Pool
}

// jacLayer is one node with trainable parameters.
type jacLayer struct {
	node     int
	op       Op
	in, out  int // dense widths
	bias     bool
	size     int // parameters of the node
	paramOff int // offset of the node's first parameter in the flat vector
}

// JacobianBatch holds the gradients Compute returns for Samples samples and Seeds seed vectors.
// Its zero value is empty; Compute reuses its slices when they are large enough.
type JacobianBatch struct {
	Samples, Seeds, Classes int
	// Logits holds f(x_s), [Samples][Classes].
	Logits []float32
	// Layers has one entry per node with trainable parameters, in node order.
	Layers []JacobianLayer
}

// JacobianLayer is the gradient of one node's parameters.
type JacobianLayer struct {
	Node int // index in Net.Nodes
	Op   Op  // OpDense, OpConv or OpBatchNorm
	// Dense nodes (factored): Input [Samples][In] is the node's input a(x_s) and Delta
	// [Samples][Seeds][Out] is ∂(u_r·f)/∂(node output); the weight gradient is Delta ⊗ Input and the
	// bias gradient (when Bias) is Delta.
	In, Out int
	Bias    bool
	Input   []float32
	Delta   []float32
	// Conv and batch-norm nodes (explicit): Grad [Samples][Seeds][Size] holds the gradient of the
	// node's parameters flattened in Params order (weight then bias; gamma then beta).
	Size int
	Grad []float32
}

// NewJacobian validates n and prepares the gradient computation. It copies the parameters. It
// returns an error for an invalid net or one without trainable parameters.
func NewJacobian(n *Net) (*Jacobian, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	c := &Net{Input: n.Input, Classes: n.Classes, Nodes: make([]Node, len(n.Nodes))}
	for i, nd := range n.Nodes {
		cn := nd
		cn.Params = make(map[string]*Tensor, len(nd.Params))
		for k, t := range nd.Params {
			cn.Params[k] = t.Clone()
		}
		c.Nodes[i] = cn
	}
	j := &Jacobian{net: c, shapes: shapes, size: make([]int, len(shapes)), dep: make([]bool, len(shapes)),
		bcast: make([]jacBroadcast, len(shapes)), concat: make([]jacConcat, len(shapes))}
	for i, s := range shapes {
		j.size[i] = shapeSize(s)
	}
	for i := 1; i < len(c.Nodes); i++ {
		nd := &c.Nodes[i]
		if !jacSupported(nd.Op) {
			return nil, fmt.Errorf("models: jacobian: node %d %q: no gradient for op %q", i, nd.Name, nd.Op)
		}
		for _, in := range nd.Inputs {
			j.dep[i] = j.dep[i] || j.dep[in]
		}
		switch nd.Op {
		case OpAdd, OpMul:
			j.bcast[i] = newJacBroadcast(shapes[nd.Inputs[0]], shapes[nd.Inputs[1]], shapes[i])
		case OpConcat:
			j.concat[i] = newJacConcat(nd, shapes, shapes[i])
		}
		l := jacLayer{node: i, op: nd.Op, paramOff: j.total}
		switch nd.Op {
		case OpDense:
			l.in, l.out = j.size[nd.Inputs[0]], j.size[i]
			l.bias = nd.Params["bias"] != nil
			j.addParam(i, "weight")
			if l.bias {
				j.addParam(i, "bias")
			}
		case OpConv:
			j.addParam(i, "weight")
			if nd.Params["bias"] != nil {
				l.bias = true
				j.addParam(i, "bias")
			}
		case OpBatchNorm:
			j.addParam(i, "gamma")
			j.addParam(i, "beta")
		default:
			continue
		}
		l.size = j.total - l.paramOff
		j.dep[i] = true
		j.layers = append(j.layers, l)
	}
	if len(j.layers) == 0 {
		return nil, fmt.Errorf("models: jacobian: the net has no trainable parameters")
	}
	return j, nil
}

// jacSupported reports whether the Jacobian's forward and backward passes know op.
func jacSupported(op Op) bool {
	switch op {
	case OpNormalize, OpFlatten, OpDense, OpConv, OpBatchNorm, OpReLU, OpLeakyReLU, OpSigmoid, OpTanh,
		OpGELU, OpMaxPool, OpAvgPool, OpGlobalAvgPool, OpAdd, OpMul, OpReshape, OpSoftmax, OpLogSoftmax,
		OpConcat, OpClip:
		return true
	}
	return false
}

func (j *Jacobian) addParam(node int, name string) {
	t := j.net.Nodes[node].Params[name]
	j.params = append(j.params, ParamRef{Node: node, Name: name, Shape: append([]int(nil), t.Shape...), Data: t.Data})
	j.total += len(t.Data)
}

// Params lists the trainable parameter tensors in the order of the flat gradient
// (JacobianBatch.Gradient): node order, then weight before bias and gamma before beta. Data is the
// Jacobian's own copy of the values; it must not be modified.
func (j *Jacobian) Params() []ParamRef { return j.params }

// NumParams returns the number of trainable parameters, the length of a flat gradient.
func (j *Jacobian) NumParams() int { return j.total }

// InputSize returns the number of values per sample.
func (j *Jacobian) InputSize() int { return j.net.InputSize() }

// NumClasses returns the number of logits.
func (j *Jacobian) NumClasses() int { return j.net.Classes }

// RecordSize returns the number of float32 values a JacobianBatch stores per sample for the given
// number of seeds (the memory of a batch is 4·RecordSize·Samples bytes, plus the logits).
func (j *Jacobian) RecordSize(seeds int) int {
	t := 0
	for _, l := range j.layers {
		if l.op == OpDense {
			t += l.in + seeds*l.out
		} else {
			t += seeds * l.size
		}
	}
	return t
}

// Compute writes into dst, for the batch samples in x ([batch][InputSize]) and the seed vectors in
// seeds ([R][NumClasses], R ≥ 1), the gradients of u_r·f(x_s) with respect to every trainable
// parameter, and returns dst (a new batch when dst is nil). Samples run in parallel on up to
// GOMAXPROCS goroutines. It panics if x is too short or seeds is empty or not a whole number of rows.
func (j *Jacobian) Compute(dst *JacobianBatch, x []float32, batch int, seeds []float32) *JacobianBatch {
	C, D := j.net.Classes, j.net.InputSize()
	if batch < 0 || len(x) < batch*D {
		panic(fmt.Sprintf("models: Jacobian.Compute: %d inputs for a batch of %d samples of %d", len(x), batch, D))
	}
	if len(seeds) == 0 || len(seeds)%C != 0 {
		panic(fmt.Sprintf("models: Jacobian.Compute: %d seed values are not rows of %d", len(seeds), C))
	}
	R := len(seeds) / C
	if dst == nil {
		dst = &JacobianBatch{}
	}
	dst.Samples, dst.Seeds, dst.Classes = batch, R, C
	dst.Logits = grow(dst.Logits, batch*C)
	if len(dst.Layers) != len(j.layers) {
		dst.Layers = make([]JacobianLayer, len(j.layers))
	}
	for k, l := range j.layers {
		dl := &dst.Layers[k]
		dl.Node, dl.Op, dl.Bias, dl.Size = l.node, l.op, l.bias, l.size
		dl.In, dl.Out = l.in, l.out
		if l.op == OpDense {
			dl.Input = grow(dl.Input, batch*l.in)
			dl.Delta = grow(dl.Delta, batch*R*l.out)
			dl.Grad = dl.Grad[:0]
		} else {
			dl.Grad = grow(dl.Grad, batch*R*l.size)
			dl.Input, dl.Delta = dl.Input[:0], dl.Delta[:0]
		}
	}
	workers := min(runtime.GOMAXPROCS(0), batch)
	var next atomic.Int64
	work := func() {
		sc := j.scratch(R)
		for {
			s := int(next.Add(1)) - 1
			if s >= batch {
				break
			}
			j.forward(sc, x[s*D:(s+1)*D])
			copy(dst.Logits[s*C:(s+1)*C], sc.v[len(sc.v)-1])
			j.backward(sc, dst, s, seeds, R)
		}
		j.pool.Put(sc)
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	return dst
}

// Gradient writes the flat gradient of u_r·f(x_s) (Params order, NumParams values) into dst,
// growing it when it is too short, and returns it. It panics if s or r is out of range.
func (b *JacobianBatch) Gradient(dst []float32, s, r int) []float32 {
	if s < 0 || s >= b.Samples || r < 0 || r >= b.Seeds {
		panic(fmt.Sprintf("models: JacobianBatch.Gradient: sample %d seed %d of %d×%d", s, r, b.Samples, b.Seeds))
	}
	total := 0
	for _, l := range b.Layers {
		total += l.Size
	}
	dst = grow(dst, total)
	off := 0
	for _, l := range b.Layers {
		if l.Op != OpDense {
			copy(dst[off:off+l.Size], l.Grad[(s*b.Seeds+r)*l.Size:])
			off += l.Size
			continue
		}
		a := l.Input[s*l.In : (s+1)*l.In]
		d := l.Delta[(s*b.Seeds+r)*l.Out : (s*b.Seeds+r+1)*l.Out]
		for o, dv := range d {
			w := dst[off+o*l.In : off+(o+1)*l.In]
			for i, av := range a {
				w[i] = dv * av
			}
		}
		off += l.Out * l.In
		if l.Bias {
			copy(dst[off:off+l.Out], d)
			off += l.Out
		}
	}
	return dst
}

// jacScratch is one worker's memory: node values, node gradients ([R][size]), im2col buffers of
// convolution inputs, max-pool argmax indices.
type jacScratch struct {
	R    int
	v, g [][]float32
	col  [][]float32
	arg  [][]int32
	dcol []float32
}

func (j *Jacobian) scratch(R int) *jacScratch {
	if sc, ok := j.pool.Get().(*jacScratch); ok && sc.R == R {
		return sc
	}
	n := len(j.net.Nodes)
	sc := &jacScratch{R: R, v: make([][]float32, n), g: make([][]float32, n), col: make([][]float32, n), arg: make([][]int32, n)}
	dcol := 0
	for i := 1; i < n; i++ {
		nd := &j.net.Nodes[i]
		if nd.Op != OpFlatten && nd.Op != OpReshape {
			sc.v[i] = make([]float32, j.size[i])
		}
		if j.dep[i] {
			sc.g[i] = make([]float32, R*j.size[i])
		}
		switch nd.Op {
		case OpConv:
			w := nd.Params["weight"].Shape
			sz := w[1] * w[2] * w[3] * j.size[i] / w[0] * nd.Attr.groups()
			sc.col[i] = make([]float32, sz)
			dcol = max(dcol, sz)
		case OpMaxPool:
			sc.arg[i] = make([]int32, j.size[i])
		}
	}
	sc.dcol = make([]float32, dcol)
	return sc
}
