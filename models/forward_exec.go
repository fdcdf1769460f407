package models

import (
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// fwdScratch is one worker's memory for a unit of samples: a buffer per materialised node and an
// im2col buffer for one sample.
type fwdScratch struct {
	vals [][]float32 // indexed by node; nil unless the plan materialises the node
	col  []float32
}

func (p *fwdPlan) newScratch() *fwdScratch {
	sc := &fwdScratch{vals: make([][]float32, len(p.size))}
	total := p.col
	for i, b := range p.buf {
		if b == i && !(i == 0 && p.extInput) {
			total += p.unit * p.size[i]
		}
	}
	mem := make([]float32, total)
	sc.col, mem = mem[:p.col], mem[p.col:]
	for i, b := range p.buf {
		if b == i && !(i == 0 && p.extInput) {
			sc.vals[i], mem = mem[:p.unit*p.size[i]], mem[p.unit*p.size[i]:]
		}
	}
	return sc
}

func (p *fwdPlan) getScratch() *fwdScratch {
	if sc, ok := p.pool.Get().(*fwdScratch); ok {
		return sc
	}
	return p.newScratch()
}

func (p *fwdPlan) putScratch(sc *fwdScratch) { p.pool.Put(sc) }

// views returns, per node, the values of the n samples of the current unit (nil where the plan
// keeps none). x, when the plan reads its input from outside, holds the unit's inputs.
func (p *fwdPlan) views(sc *fwdScratch, x []float32, n int) [][]float32 {
	v := make([][]float32, len(p.size))
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
func (p *fwdPlan) run(sc *fwdScratch, x []float32, n int) []float32 {
	v := p.views(sc, x, n)
	for i := 0; i < len(p.steps); {
		if p.steps[i].op == OpDense {
			p.dense(&p.steps[i], v, n)
			i++
			continue
		}
		// Runs of per-sample steps go sample by sample, so one sample's activations stay in cache.
		j := i
		for j < len(p.steps) && p.steps[j].op != OpDense {
			j++
		}
		for s := 0; s < n; s++ {
			for k := i; k < j; k++ {
				p.sample(&p.steps[k], v, s, sc.col)
			}
		}
		i = j
	}
	return v[p.out]
}

func (p *fwdPlan) dense(st *fwdStep, v [][]float32, n int) {
	in, out := v[st.in[0]], v[st.node]
	out = out[:n*st.nout]
	if st.b != nil {
		for s := 0; s < n; s++ {
			copy(out[s*st.nout:(s+1)*st.nout], st.b)
		}
	} else {
		clear(out)
	}
	sgemm.Gemm(false, true, n, st.nout, st.nin, 1, in, st.nin, st.w, st.nin, 1, out, st.nout)
	st.act.Apply(out)
}

func at(v [][]float32, size []int, node, s int) []float32 {
	return v[node][s*size[node] : (s+1)*size[node]]
}

// sample executes a per-sample step on sample s of the unit.
func (p *fwdPlan) sample(st *fwdStep, v [][]float32, s int, col []float32) {
	x, y := at(v, p.size, st.in[0], s), at(v, p.size, st.node, s)
	switch st.op {
	case OpConv:
		convForward(st, y, x, col)
	case OpNormalize, OpBatchNorm:
		for c, sc := range st.scale {
			sh := st.shift[c]
			yc, xc := y[c*st.plane:(c+1)*st.plane], x[c*st.plane:(c+1)*st.plane]
			for k, xv := range xc {
				yc[k] = xv*sc + sh
			}
		}
	case OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU, OpClip:
		copy(y, x)
		st.act.Apply(y)
	case OpSoftmax:
		kernel.Softmax(y, x, st.plane)
	case OpMaxPool:
		kernel.MaxPool(y, x, st.groups, st.win)
	case OpAvgPool:
		kernel.AvgPool(y, x, st.groups, st.win)
	case OpGlobalAvgPool:
		inv := 1 / float64(st.plane)
		for c := range y {
			t := 0.0
			for _, xv := range x[c*st.plane : (c+1)*st.plane] {
				t += float64(xv)
			}
			y[c] = float32(t * inv)
		}
	case OpAdd, OpMul:
		st.bc.forward(y, x, at(v, p.size, st.in[1], s), st.op == OpMul)
	default:
		panic("models: forward: unexpected step " + string(st.op))
	}
}

// convForward computes one sample of a convolution: per group, im2col then weights × columns on top
// of the bias, then the fused activation.
func convForward(st *fwdStep, y, x, col []float32) {
	g := st.win
	ohw, hw := g.OH*g.OW, g.H*g.W
	k := st.cinG * g.KH * g.KW
	for grp := 0; grp < st.groups; grp++ {
		xg := x[grp*st.cinG*hw : (grp+1)*st.cinG*hw]
		yg := y[grp*st.coutG*ohw : (grp+1)*st.coutG*ohw]
		if st.b != nil {
			for o := 0; o < st.coutG; o++ {
				bv := st.b[grp*st.coutG+o]
				r := yg[o*ohw : (o+1)*ohw]
				for i := range r {
					r[i] = bv
				}
			}
		} else {
			clear(yg)
		}
		b := xg
		if !st.pointwise {
			kernel.Im2col(col, xg, st.cinG, g)
			b = col
		}
		sgemm.Gemm(false, false, st.coutG, ohw, k, 1, st.w[grp*st.coutG*k:], k, b, ohw, 1, yg, ohw)
	}
	st.act.Apply(y)
}
