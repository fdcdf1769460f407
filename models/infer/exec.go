package infer

import (
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// scratch is one worker's memory for a unit of samples: a buffer per materialised node, and the
// im2col, product and padded-input buffers of one sample's convolutions.
type scratch struct {
	vals [][]float32 // indexed by node; nil unless the plan materialises the node
	col  []float32
	wide []float32
	pads [][]float32 // indexed by step
	v    [][]float32 // views of the current unit, indexed by node
	cat  [][]float32 // a concat step's input views of one sample
}

// scratchFloats returns the floats of one scratch (newScratch).
func (p *plan) scratchFloats() int {
	total := p.col + p.wide
	for i, b := range p.buf {
		if b == i && !(i == 0 && p.extInput) {
			total += p.unit * p.size[i]
		}
	}
	for i := range p.steps {
		total += p.steps[i].padSize()
	}
	return total
}

func (p *plan) newScratch() *scratch {
	sc := &scratch{vals: make([][]float32, len(p.size)), pads: make([][]float32, len(p.steps)), v: make([][]float32, len(p.size))}
	mem := make([]float32, p.scratchFloats())
	take := func(n int) []float32 {
		s := mem[:n:n]
		mem = mem[n:]
		return s
	}
	sc.col, sc.wide = take(p.col), take(p.wide)
	for i, b := range p.buf {
		if b == i && !(i == 0 && p.extInput) {
			sc.vals[i] = take(p.unit * p.size[i])
		}
	}
	for i := range p.steps {
		sc.pads[i] = take(p.steps[i].padSize())
	}
	return sc
}

func (p *plan) getScratch() *scratch {
	if sc, ok := p.pool.Get().(*scratch); ok {
		return sc
	}
	return p.newScratch()
}

func (p *plan) putScratch(sc *scratch) { p.pool.Put(sc) }

// views returns, per node, the values of the n samples of the current unit (nil where the plan
// keeps none). x, when the plan reads its input from outside, holds the unit's inputs.
func (p *plan) views(sc *scratch, x []float32, n int) [][]float32 {
	v := sc.v
	for i, b := range p.buf {
		switch {
		case b < 0:
		case b == 0 && p.extInput:
			v[i] = x[:n*p.size[i]]
		default:
			v[i] = sc.vals[b][:n*p.size[i]]
		}
	}
	return v
}

// run executes the plan on the n samples of one unit whose given values are in place, and returns
// the output values [n][classes] (inside scratch or x).
func (p *plan) run(sc *scratch, x []float32, n int) []float32 {
	v := p.views(sc, x, n)
	for i := 0; i < len(p.steps); {
		if p.steps[i].op == models.OpDense {
			p.dense(&p.steps[i], v, n)
			i++
			continue
		}
		// Runs of per-sample steps go sample by sample, so one sample's activations stay in cache.
		j := i
		for j < len(p.steps) && p.steps[j].op != models.OpDense {
			j++
		}
		for s := 0; s < n; s++ {
			for k := i; k < j; k++ {
				p.sample(k, v, s, sc)
			}
		}
		i = j
	}
	return v[p.out]
}

func (p *plan) dense(st *step, v [][]float32, n int) {
	in, out := v[st.in[0]], v[st.node]
	out = out[:n*st.nout]
	sgemm.Gemm(false, true, n, st.nout, st.nin, 1, in, st.nin, st.w, st.nin, 0, out, st.nout)
	lo, hi := st.lo, st.hi
	if !st.clamp {
		lo, hi = -inf32, inf32
	}
	for s := 0; s < n; s++ {
		r := out[s*st.nout : (s+1)*st.nout]
		kernel.BiasVecClamp(r, r, st.b, lo, hi)
	}
	if !st.clamp {
		st.act.Apply(out)
	}
}

var inf32 = float32(math.Inf(1))

func at(v [][]float32, size []int, node, s int) []float32 {
	return v[node][s*size[node] : (s+1)*size[node]]
}

// sample executes per-sample step k on sample s of the unit.
func (p *plan) sample(k int, v [][]float32, s int, sc *scratch) {
	st := &p.steps[k]
	x, y := at(v, p.size, st.in[0], s), at(v, p.size, st.node, s)
	switch st.op {
	case models.OpConv:
		convForward(st, y, x, convScratch{col: sc.col, wide: sc.wide, pad: sc.pads[k]})
	case models.OpNormalize, models.OpBatchNorm:
		for c, sc := range st.scale {
			sh := st.shift[c]
			yc, xc := y[c*st.plane:(c+1)*st.plane], x[c*st.plane:(c+1)*st.plane]
			for k, xv := range xc {
				yc[k] = xv*sc + sh
			}
		}
	case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
		if lo, hi, ok := kernel.ClampOf(st.act); ok {
			kernel.BiasClamp(y, x, 0, lo, hi)
			break
		}
		copy(y, x)
		st.act.Apply(y)
	case models.OpSoftmax:
		softmax.Rows(y, x, st.plane)
	case models.OpLogSoftmax:
		softmax.LogRows(y, x, st.plane)
	case models.OpConcat:
		xs := sc.cat[:0]
		for _, in := range st.ins {
			xs = append(xs, at(v, p.size, in, s))
		}
		st.cat.Join(y, xs)
		sc.cat = xs[:0]
	case models.OpMaxPool:
		kernel.MaxPool(y, x, st.groups, st.win)
	case models.OpAvgPool:
		kernel.AvgPool(y, x, st.groups, st.win)
	case models.OpGlobalAvgPool:
		kernel.GlobalAvgPool(y, x, st.plane)
	case models.OpAdd, models.OpMul:
		st.bc.forward(y, x, at(v, p.size, st.in[1], s), st.op == models.OpMul)
	default:
		panic("infer: forward: unexpected step " + string(st.op))
	}
}
