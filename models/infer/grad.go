package infer

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// gradScratch is one worker's memory for InputGrad: the forward values of every node and their
// gradients.
type gradScratch struct {
	forward *scratch
	grads   [][]float32
	dpad    []float32 // gradient of a wide convolution's padded input
}

// InputGrad writes, for every sample of x ([batch][InputSize]), the gradient with respect to the
// input of one scalar: logit `class` when class ≥ 0, or, when class < 0, the cross-entropy loss
// −log softmax(logits)[labels[k]] of sample k. dst ([batch][InputSize]) grows when it is too short;
// InputGrad returns dst[:batch·InputSize]. ReLU and LeakyReLU take their left derivative at 0 and a
// max pool passes the gradient to the first maximum of its window. It panics if x or labels are too
// short, or class or a label is out of range.
func (e *Evaluator) InputGrad(dst, x []float32, batch int, class int, labels []int) []float32 {
	if batch < 0 || len(x) < batch*e.inputSize {
		panic(fmt.Sprintf("infer: InputGrad: %d inputs for a batch of %d samples of %d", len(x), batch, e.inputSize))
	}
	if class >= e.classes {
		panic(fmt.Sprintf("infer: InputGrad: class %d of %d", class, e.classes))
	}
	if class < 0 {
		if len(labels) < batch {
			panic(fmt.Sprintf("infer: InputGrad: %d labels for a batch of %d", len(labels), batch))
		}
		for _, l := range labels[:batch] {
			if l < 0 || l >= e.classes {
				panic(fmt.Sprintf("infer: InputGrad: label %d of %d classes", l, e.classes))
			}
		}
	}
	dst = slices.Grow(dst[:0], batch*e.inputSize)[:batch*e.inputSize]
	p := e.full
	D := e.inputSize
	parallelUnits(batch, p.unit, func(lo, hi int) {
		gs := p.getGradScratch()
		n := hi - lo
		v := p.views(gs.forward, x[lo*D:hi*D], n)
		p.run(gs.forward, x[lo*D:hi*D], n)
		g := make([][]float32, len(v))
		for i, b := range p.buf {
			if b >= 0 {
				g[i] = gs.grads[b][:n*p.size[i]]
			}
		}
		for i, b := range p.buf {
			if b == i {
				clear(g[i])
			}
		}
		out, gout := v[p.out], g[p.out]
		C := e.classes
		for s := 0; s < n; s++ {
			if class >= 0 {
				gout[s*C+class] = 1
				continue
			}
			softmaxGrad(gout[s*C:(s+1)*C], out[s*C:(s+1)*C], labels[lo+s])
		}
		p.backward(v, g, n, gs)
		if g[0] == nil { // the output does not depend on the input
			clear(dst[lo*D : hi*D])
		} else {
			copy(dst[lo*D:hi*D], g[0])
		}
		p.gradPool.Put(gs)
	})
	return dst
}

// softmaxGrad writes the gradient of −log softmax(z)[label] with respect to z: softmax(z) − onehot.
func softmaxGrad(g, z []float32, label int) {
	softmax.Rows(g, z, len(z))
	g[label]--
}

// gradScratchFloats returns the floats of one gradient scratch (getGradScratch).
func (p *plan) gradScratchFloats() int {
	total, dpad := p.scratchFloats(), 0
	for i := range p.steps {
		dpad = max(dpad, p.steps[i].padSize())
	}
	for i, b := range p.buf {
		if b == i {
			total += p.unit * p.size[i]
		}
	}
	return total + dpad
}

func (p *plan) getGradScratch() *gradScratch {
	if gs, ok := p.gradPool.Get().(*gradScratch); ok {
		return gs
	}
	gs := &gradScratch{forward: p.newScratch(), grads: make([][]float32, len(p.size))}
	for i := range p.steps {
		gs.dpad = make([]float32, max(len(gs.dpad), p.steps[i].padSize()))
	}
	for i, b := range p.buf {
		if b == i {
			gs.grads[i] = make([]float32, p.unit*p.size[i])
		}
	}
	return gs
}

// backward runs the steps in reverse, adding each step's input gradients from its output gradient.
func (p *plan) backward(v, g [][]float32, n int, gs *gradScratch) {
	for i := len(p.steps) - 1; i >= 0; i-- {
		st := &p.steps[i]
		if st.act.Kind != kernel.Identity && !kernel.IsActivation(st.op) {
			panic("infer: backward through a fused activation")
		}
		if st.op == models.OpDense {
			sgemm.Gemm(false, false, n, st.nin, st.nout, 1, g[st.node], st.nout, st.w, st.nin, 1, g[st.in[0]], st.nin)
			continue
		}
		for s := 0; s < n; s++ {
			p.sampleBackward(st, v, g, s, gs)
		}
	}
}

func (p *plan) sampleBackward(st *step, v, g [][]float32, s int, gs *gradScratch) {
	x, y := at(v, p.size, st.in[0], s), at(v, p.size, st.node, s)
	dx, dy := at(g, p.size, st.in[0], s), at(g, p.size, st.node, s)
	switch st.op {
	case models.OpConv:
		if st.wide {
			convWideBackward(st, dx, dy, gs.forward.col, gs.forward.wide, gs.dpad)
		} else {
			convBackward(st, dx, dy, gs.forward.col)
		}
	case models.OpNormalize, models.OpBatchNorm:
		for c, sc := range st.scale {
			dxc, dyc := dx[c*st.plane:(c+1)*st.plane], dy[c*st.plane:(c+1)*st.plane]
			for k, d := range dyc {
				dxc[k] += d * sc
			}
		}
	case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
		st.act.Backward(dx, x, y, dy)
	case models.OpSoftmax:
		kernel.SoftmaxBackward(dx, y, dy, st.plane)
	case models.OpLogSoftmax:
		kernel.LogSoftmaxBackward(dx, y, dy, st.plane)
	case models.OpConcat:
		dxs := gs.forward.cat[:0]
		for _, in := range st.ins {
			dxs = append(dxs, at(g, p.size, in, s))
		}
		st.cat.SplitAdd(dxs, dy)
		gs.forward.cat = dxs[:0]
	case models.OpMaxPool:
		kernel.MaxPoolBackward(dx, x, dy, st.groups, st.win)
	case models.OpAvgPool:
		kernel.AvgPoolBackward(dx, dy, st.groups, st.win)
	case models.OpGlobalAvgPool:
		kernel.GlobalAvgPoolBackward(dx, dy, st.plane)
	case models.OpAdd, models.OpMul:
		st.bc.backward(dx, at(g, p.size, st.in[1], s), dy, x, at(v, p.size, st.in[1], s), st.op == models.OpMul)
	default:
		panic("infer: backward: unexpected step " + string(st.op))
	}
}

// convBackward adds the gradient of one sample's convolution input: per group, weightsᵀ × dy, then
// the adjoint of im2col.
func convBackward(st *step, dx, dy, col []float32) {
	g := st.win
	ohw, hw := g.OH*g.OW, g.H*g.W
	k := st.cinG * g.KH * g.KW
	for grp := 0; grp < st.groups; grp++ {
		dxg := dx[grp*st.cinG*hw : (grp+1)*st.cinG*hw]
		dyg := dy[grp*st.coutG*ohw : (grp+1)*st.coutG*ohw]
		w := st.w[grp*st.coutG*k:]
		if st.pointwise {
			sgemm.Gemm(true, false, k, ohw, st.coutG, 1, w, k, dyg, ohw, 1, dxg, ohw)
			continue
		}
		sgemm.Gemm(true, false, k, ohw, st.coutG, 1, w, k, dyg, ohw, 0, col, ohw)
		kernel.Col2imAdd(dxg, col, st.cinG, g)
	}
}
