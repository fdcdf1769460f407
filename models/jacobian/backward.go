package jacobian

import (
	"math"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// The per-sample backward pass of Jacobian: R seed vectors at once, gradients laid out [R][size]
// per node, accumulated (+=) so that a node feeding several others sums their contributions. Only
// nodes whose output depends on a trainable parameter get a gradient.

func (j *Jacobian) backward(sc *scratch, dst *Batch, s int, seeds []float32, R int) {
	last := len(j.net.Nodes) - 1
	for i, g := range sc.g {
		if g != nil && i != last {
			clear(g)
		}
	}
	copy(sc.g[last], seeds)
	li := len(j.layers) - 1
	for i := last; i >= 1; i-- {
		if !j.dep[i] {
			continue
		}
		nd := &j.net.Nodes[i]
		n := j.size[i]
		dy := sc.g[i]
		if li >= 0 && j.layers[li].node == i {
			j.paramGrad(sc, &dst.Layers[li], &j.layers[li], s, R)
			li--
		}
		src := nd.Inputs[0]
		needed := false
		for _, in := range nd.Inputs {
			needed = needed || j.dep[in]
		}
		if !needed {
			continue
		}
		x, y, dx := sc.v[src], sc.v[i], sc.g[src]
		m := j.size[src]
		switch nd.Op {
		case models.OpDense:
			w := nd.Params["weight"].Data
			sgemm.Gemm(false, false, R, m, n, 1, dy, n, w, m, 1, dx, m)
			continue
		case models.OpConv:
			j.convInputGrad(sc, i, nd, dx, dy, R)
			continue
		case models.OpAdd, models.OpMul:
			j.mergeGrad(sc, i, nd, dy, R)
			continue
		case models.OpConcat:
			j.concatGrad(sc, i, nd, dy, R)
			continue
		}
		for r := 0; r < R; r++ {
			j.elementGrad(i, nd, x, y, dx[r*m:(r+1)*m], dy[r*n:(r+1)*n])
		}
	}
}

// elementGrad adds one seed's input gradient of node i, a single-input op without parameters (or
// a batch norm or normalisation, whose parameters are constants here): x and y are the node's input
// and output values.
func (j *Jacobian) elementGrad(i int, nd *models.Node, x, y, dx, dy []float32) {
	p := &j.plans[i]
	in := j.shapes[nd.Inputs[0]]
	switch nd.Op {
	case models.OpFlatten, models.OpReshape:
		for k, d := range dy {
			dx[k] += d
		}
	case models.OpNormalize:
		std := nd.Params["std"].Data
		plane := len(x) / in[0]
		for k, d := range dy {
			dx[k] += d / std[k/plane]
		}
	case models.OpBatchNorm:
		plane := len(x) / in[0]
		for k, d := range dy {
			dx[k] += float32(float64(d) * p.scale[k/plane])
		}
	case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
		p.act.Backward(dx, x, y, dy)
	case models.OpMaxPool:
		kernel.MaxPoolBackward(dx, x, dy, in[0], p.win)
	case models.OpAvgPool:
		kernel.AvgPoolBackward(dx, dy, in[0], p.win)
	case models.OpGlobalAvgPool:
		kernel.GlobalAvgPoolBackward(dx, dy, in[1]*in[2])
	case models.OpSoftmax:
		kernel.SoftmaxBackward(dx, y, dy, in[len(in)-1])
	case models.OpLogSoftmax:
		kernel.LogSoftmaxBackward(dx, y, dy, in[len(in)-1])
	default:
		panic("jacobian: no gradient for " + string(nd.Op))
	}
}

// mergeGrad adds the input gradients of an add or mul node, summing over broadcast positions.
func (j *Jacobian) mergeGrad(sc *scratch, i int, nd *models.Node, dy []float32, R int) {
	ia, ib := nd.Inputs[0], nd.Inputs[1]
	a, b := sc.v[ia], sc.v[ib]
	da, db := sc.g[ia], sc.g[ib]
	n, na, nb := j.size[i], j.size[ia], j.size[ib]
	bc := &j.plans[i].bcast
	for r := 0; r < R; r++ {
		dyr := dy[r*n : (r+1)*n]
		for k, d := range dyr {
			ka, kb := bc[0].At(k), bc[1].At(k)
			ga, gb := d, d
			if nd.Op == models.OpMul {
				ga, gb = d*b[kb], d*a[ka]
			}
			if da != nil {
				da[r*na+ka] += ga
			}
			if db != nil {
				db[r*nb+kb] += gb
			}
		}
	}
}

// convInputGrad adds, per seed and group, the adjoint of im2col of weightsᵀ × dy.
func (j *Jacobian) convInputGrad(sc *scratch, i int, nd *models.Node, dx, dy []float32, R int) {
	p := &j.plans[i]
	ohw, hw := p.win.OH*p.win.OW, p.win.H*p.win.W
	n, m := j.size[i], j.size[nd.Inputs[0]]
	w := nd.Params["weight"].Data
	col := sc.dcol[:p.k*ohw]
	for r := 0; r < R; r++ {
		for grp := 0; grp < p.groups; grp++ {
			dyg := dy[r*n+grp*p.coutG*ohw:]
			sgemm.Gemm(true, false, p.k, ohw, p.coutG, 1, w[grp*p.coutG*p.k:], p.k, dyg, ohw, 0, col, ohw)
			kernel.Col2imAdd(dx[r*m+grp*p.cinG*hw:], col, p.cinG, p.win)
		}
	}
}

// paramGrad records the gradient of layer l's parameters for sample s: the dense factors, or the
// explicit convolution and batch-norm gradients.
func (j *Jacobian) paramGrad(sc *scratch, dl *Layer, l *layer, s, R int) {
	nd := &j.net.Nodes[l.node]
	dy := sc.g[l.node]
	n := j.size[l.node]
	x := sc.v[nd.Inputs[0]]
	switch l.op {
	case models.OpDense:
		copy(dl.Input[s*l.in:(s+1)*l.in], x)
		copy(dl.Delta[s*R*l.out:(s+1)*R*l.out], dy)
	case models.OpConv:
		p := &j.plans[l.node]
		ohw := p.win.OH * p.win.OW
		cout := p.groups * p.coutG
		nw := cout * p.k
		for r := 0; r < R; r++ {
			out := dl.Grad[(s*R+r)*l.size : (s*R+r+1)*l.size]
			dyr := dy[r*n : (r+1)*n]
			for grp := 0; grp < p.groups; grp++ {
				col := sc.col[l.node][grp*p.k*ohw : (grp+1)*p.k*ohw]
				sgemm.Gemm(false, true, p.coutG, p.k, ohw, 1, dyr[grp*p.coutG*ohw:], ohw, col, ohw, 0, out[grp*p.coutG*p.k:], p.k)
			}
			if l.bias {
				for o := 0; o < cout; o++ {
					t := float32(0)
					for _, d := range dyr[o*ohw : (o+1)*ohw] {
						t += d
					}
					out[nw+o] = t
				}
			}
		}
	case models.OpBatchNorm:
		p := nd.Params
		eps := float64(nd.Attr.Epsilon())
		C := len(p["gamma"].Data)
		plane := n / C
		for r := 0; r < R; r++ {
			out := dl.Grad[(s*R+r)*l.size : (s*R+r+1)*l.size]
			dyr := dy[r*n : (r+1)*n]
			for c := 0; c < C; c++ {
				mean := float64(p["mean"].Data[c])
				inv := 1 / math.Sqrt(float64(p["var"].Data[c])+eps)
				dg, db := 0.0, 0.0
				for k, d := range dyr[c*plane : (c+1)*plane] {
					dg += float64(d) * (float64(x[c*plane+k]) - mean) * inv
					db += float64(d)
				}
				out[c], out[C+c] = float32(dg), float32(db)
			}
		}
	}
}

// concatGrad hands each input its runs of the output gradient, seed by seed.
func (j *Jacobian) concatGrad(sc *scratch, i int, nd *models.Node, dy []float32, R int) {
	n := j.size[i]
	for r := 0; r < R; r++ {
		dxs := sc.cat[:0]
		for _, in := range nd.Inputs {
			var dx []float32 // nil: the input needs no gradient
			if g := sc.g[in]; g != nil {
				dx = g[r*j.size[in] : (r+1)*j.size[in]]
			}
			dxs = append(dxs, dx)
		}
		j.plans[i].concat.SplitAdd(dxs, dy[r*n:(r+1)*n])
		sc.cat = dxs[:0]
	}
}
