package jacobian

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
)

// Jacobian computes per-sample parameter gradients of a net: for every sample x_s of a batch and
// every seed vector u_r (a row of weights over the logits), the gradient ∂(u_r·f(x_s; θ))/∂θ with
// respect to every trainable parameter θ — the weights and biases of dense and convolution nodes
// and the gamma and beta of batch norms, those of Fixed nodes left out (models.Node.Learned; batch
// norm runs in inference mode: its running mean and variance are constants, as are normalisation
// constants). A seed e_k gives the gradient of logit
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
	net    *models.Net
	shapes [][]int
	size   []int
	dep    []bool // node's output depends on a trainable parameter
	layers []layer
	params []models.ParamRef
	total  int
	plans  []nodePlan
	pool   sync.Pool
}

// layer is one node with trainable parameters.
type layer struct {
	node     int
	op       models.Op
	in, out  int // dense widths
	bias     bool
	size     int // parameters of the node
	paramOff int // offset of the node's first parameter in the flat vector
}

// Batch holds the gradients Compute returns for Samples samples and Seeds seed vectors.
// Its zero value is empty; Compute reuses its slices when they are large enough.
type Batch struct {
	Samples, Seeds, Classes int
	// Logits holds f(x_s), [Samples][Classes].
	Logits []float32
	// Layers has one entry per node with trainable parameters, in node order.
	Layers []Layer
}

// Layer is the gradient of one node's parameters.
type Layer struct {
	Node int       // index in Net.Nodes
	Op   models.Op // OpDense, OpConv or OpBatchNorm
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

// New validates n and prepares the gradient computation. It copies the parameters. It
// returns an error for an invalid net or one without trainable parameters.
func New(n *models.Net) (*Jacobian, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	c := n.Clone()
	j := &Jacobian{net: c, shapes: shapes, size: make([]int, len(shapes)), dep: make([]bool, len(shapes)),
		plans: make([]nodePlan, len(shapes))}
	for i, s := range shapes {
		j.size[i] = models.ShapeSize(s)
	}
	for i := 1; i < len(c.Nodes); i++ {
		nd := &c.Nodes[i]
		if !supported(nd.Op) {
			return nil, fmt.Errorf("jacobian: node %d %q: no gradient for op %q", i, nd.Name, nd.Op)
		}
		for _, in := range nd.Inputs {
			j.dep[i] = j.dep[i] || j.dep[in]
		}
		j.plans[i] = newNodePlan(nd, shapes, i)
		l := layer{node: i, op: nd.Op, paramOff: j.total}
		if nd.Fixed { // its parameters are constants of the function (models.Node.Learned)
			continue
		}
		switch nd.Op {
		case models.OpDense:
			l.in, l.out = j.size[nd.Inputs[0]], j.size[i]
			l.bias = nd.Params["bias"] != nil
			j.addParam(i, "weight")
			if l.bias {
				j.addParam(i, "bias")
			}
		case models.OpConv:
			j.addParam(i, "weight")
			if nd.Params["bias"] != nil {
				l.bias = true
				j.addParam(i, "bias")
			}
		case models.OpBatchNorm:
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
		return nil, fmt.Errorf("jacobian: the net has no trainable parameters")
	}
	return j, nil
}

// supported reports whether the Jacobian's forward and backward passes know op.
func supported(op models.Op) bool {
	switch op {
	case models.OpNormalize, models.OpFlatten, models.OpDense, models.OpConv, models.OpBatchNorm, models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh,
		models.OpGELU, models.OpMaxPool, models.OpAvgPool, models.OpGlobalAvgPool, models.OpAdd, models.OpMul, models.OpReshape, models.OpSoftmax, models.OpLogSoftmax,
		models.OpConcat, models.OpClip:
		return true
	}
	return false
}

func (j *Jacobian) addParam(node int, name string) {
	t := j.net.Nodes[node].Params[name]
	j.params = append(j.params, models.ParamRef{Node: node, Name: name, Shape: append([]int(nil), t.Shape...), Data: t.Data})
	j.total += len(t.Data)
}

// Params lists the trainable parameter tensors in the order of the flat gradient
// (Batch.Gradient): node order, then weight before bias and gamma before beta. Data is the
// Jacobian's own copy of the values; it must not be modified.
func (j *Jacobian) Params() []models.ParamRef { return j.params }

// NumParams returns the number of trainable parameters, the length of a flat gradient.
func (j *Jacobian) NumParams() int { return j.total }

// InputSize returns the number of values per sample.
func (j *Jacobian) InputSize() int { return j.net.InputSize() }

// NumClasses returns the number of logits.
func (j *Jacobian) NumClasses() int { return j.net.Classes }

// RecordSize returns the number of float32 values a Batch stores per sample for the given
// number of seeds (the memory of a batch is 4·RecordSize·Samples bytes, plus the logits).
func (j *Jacobian) RecordSize(seeds int) int {
	t := 0
	for _, l := range j.layers {
		if l.op == models.OpDense {
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
func (j *Jacobian) Compute(dst *Batch, x []float32, batch int, seeds []float32) *Batch {
	C, D := j.net.Classes, j.net.InputSize()
	if batch < 0 || len(x) < batch*D {
		panic(fmt.Sprintf("jacobian: Compute: %d inputs for a batch of %d samples of %d", len(x), batch, D))
	}
	if len(seeds) == 0 || len(seeds)%C != 0 {
		panic(fmt.Sprintf("jacobian: Compute: %d seed values are not rows of %d", len(seeds), C))
	}
	R := len(seeds) / C
	if dst == nil {
		dst = &Batch{}
	}
	dst.Samples, dst.Seeds, dst.Classes = batch, R, C
	dst.Logits = slices.Grow(dst.Logits[:0], batch*C)[:batch*C]
	if len(dst.Layers) != len(j.layers) {
		dst.Layers = make([]Layer, len(j.layers))
	}
	for k, l := range j.layers {
		dl := &dst.Layers[k]
		dl.Node, dl.Op, dl.Bias, dl.Size = l.node, l.op, l.bias, l.size
		dl.In, dl.Out = l.in, l.out
		if l.op == models.OpDense {
			dl.Input = slices.Grow(dl.Input[:0], batch*l.in)[:batch*l.in]
			dl.Delta = slices.Grow(dl.Delta[:0], batch*R*l.out)[:batch*R*l.out]
			dl.Grad = dl.Grad[:0]
		} else {
			dl.Grad = slices.Grow(dl.Grad[:0], batch*R*l.size)[:batch*R*l.size]
			dl.Input, dl.Delta = dl.Input[:0], dl.Delta[:0]
		}
	}
	scs := make([]*scratch, runtime.GOMAXPROCS(0)) // per worker, taken from the pool on first use
	parallel.Chunks(context.Background(), batch, 1, len(scs), func(w, s, _ int) {
		if scs[w] == nil {
			scs[w] = j.getScratch(R)
		}
		sc := scs[w]
		j.forward(sc, x[s*D:(s+1)*D])
		copy(dst.Logits[s*C:(s+1)*C], sc.v[len(sc.v)-1])
		j.backward(sc, dst, s, seeds, R)
	})
	for _, sc := range scs {
		if sc != nil {
			j.pool.Put(sc)
		}
	}
	return dst
}

// scratch is one worker's memory: node values, node gradients ([R][size]), the im2col matrices of
// convolution inputs (kept for the weight gradients) and one for input gradients.
type scratch struct {
	R    int
	v, g [][]float32
	col  [][]float32
	dcol []float32
	cat  [][]float32 // a concat node's input values (or gradients) of one sample
}

func (j *Jacobian) getScratch(R int) *scratch {
	if sc, ok := j.pool.Get().(*scratch); ok && sc.R == R {
		return sc
	}
	n := len(j.net.Nodes)
	sc := &scratch{R: R, v: make([][]float32, n), g: make([][]float32, n), col: make([][]float32, n)}
	dcol := 0
	for i := 1; i < n; i++ {
		nd := &j.net.Nodes[i]
		if nd.Op != models.OpFlatten && nd.Op != models.OpReshape {
			sc.v[i] = make([]float32, j.size[i])
		}
		if j.dep[i] {
			sc.g[i] = make([]float32, R*j.size[i])
		}
		if nd.Op == models.OpConv {
			p := &j.plans[i]
			sc.col[i] = make([]float32, p.groups*p.k*p.win.OH*p.win.OW)
			dcol = max(dcol, p.k*p.win.OH*p.win.OW)
		}
	}
	sc.dcol = make([]float32, dcol)
	return sc
}
