package jacobian

import (
	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/batchnorm"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/layout"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// The per-sample forward pass of Jacobian: float32 values (activations computed exactly in float64,
// Node.Activate), sgemm for dense and convolution nodes, the kernels of package kernel for
// im2col and pooling. It keeps what the backward pass needs: every node's value and the im2col
// matrix of every convolution input.

func (j *Jacobian) forward(sc *scratch, x []float32) {
	sc.v[0] = x
	for i := 1; i < len(j.net.Nodes); i++ {
		nd := &j.net.Nodes[i]
		in := j.shapes[nd.Inputs[0]]
		a, out := sc.v[nd.Inputs[0]], sc.v[i]
		switch nd.Op {
		case models.OpFlatten, models.OpReshape:
			sc.v[i] = a
		case models.OpNormalize:
			mean, std := nd.Params["mean"].Data, nd.Params["std"].Data
			plane := len(a) / in[0]
			for k, v := range a {
				c := k / plane
				out[k] = (v - mean[c]) / std[c]
			}
		case models.OpDense:
			w := nd.Params["weight"].Data
			sgemm.Gemm(false, true, 1, len(out), len(a), 1, a, len(a), w, len(a), 0, out, len(out))
			if b := nd.Params["bias"]; b != nil {
				for o := range out {
					out[o] += b.Data[o]
				}
			}
		case models.OpConv:
			j.convForward(sc, i, nd, a, out)
		case models.OpBatchNorm:
			p := &j.plans[i]
			plane := len(a) / in[0]
			for k, v := range a {
				c := k / plane
				out[k] = float32(float64(v)*p.scale[c] + p.shift[c])
			}
		case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
			for k, v := range a {
				out[k] = float32(nd.Activate(float64(v)))
			}
		case models.OpMaxPool:
			kernel.MaxPool(out, a, in[0], j.plans[i].win)
		case models.OpAvgPool:
			kernel.AvgPool(out, a, in[0], j.plans[i].win)
		case models.OpGlobalAvgPool:
			kernel.GlobalAvgPool(out, a, in[1]*in[2])
		case models.OpAdd, models.OpMul:
			b, bc := sc.v[nd.Inputs[1]], &j.plans[i].bcast
			for k := range out {
				va, vb := a[bc[0].At(k)], b[bc[1].At(k)]
				if nd.Op == models.OpAdd {
					out[k] = va + vb
				} else {
					out[k] = va * vb
				}
			}
		case models.OpSoftmax:
			softmax.Rows(out, a, in[len(in)-1])
		case models.OpLogSoftmax:
			softmax.LogRows(out, a, in[len(in)-1])
		case models.OpConcat:
			xs := sc.cat[:0]
			for _, src := range nd.Inputs {
				xs = append(xs, sc.v[src])
			}
			j.plans[i].concat.Join(out, xs)
			sc.cat = xs[:0]
		default:
			panic("jacobian: unexpected op " + string(nd.Op))
		}
	}
}

// nodePlan is what the passes need to know of one node beyond its parameters, worked out once
// by New.
type nodePlan struct {
	win                 kernel.Window       // conv, max and average pooling
	groups, cinG, coutG int                 // conv
	k                   int                 // conv: rows of one group's im2col matrix, cinG·KH·KW
	act                 kernel.Activation   // activations
	scale, shift        []float64           // batch norm as an affine map
	bcast               [2]layout.Broadcast // add, mul: the index maps of both inputs
	concat              layout.Concat       // concat
}

func newNodePlan(nd *models.Node, shapes [][]int, i int) nodePlan {
	var p nodePlan
	in := shapes[nd.Inputs[0]]
	switch nd.Op {
	case models.OpConv:
		w := nd.Params["weight"].Shape
		p.win = kernel.ConvWindow(nd, in, shapes[i])
		p.groups = nd.Attr.NumGroups()
		p.cinG, p.coutG = w[1], w[0]/p.groups
		p.k = p.cinG * w[2] * w[3]
	case models.OpMaxPool, models.OpAvgPool:
		p.win = kernel.PoolWindow(nd, in, shapes[i])
	case models.OpBatchNorm:
		p.scale, p.shift = batchnorm.Affine(nd)
	case models.OpAdd, models.OpMul:
		p.bcast = [2]layout.Broadcast{layout.NewBroadcast(shapes[i], in), layout.NewBroadcast(shapes[i], shapes[nd.Inputs[1]])}
	case models.OpConcat:
		p.concat = layout.NewConcat(nd, shapes)
	}
	if kernel.IsActivation(nd.Op) {
		p.act = kernel.ActivationOf(nd)
	}
	return p
}

func (j *Jacobian) convForward(sc *scratch, i int, nd *models.Node, x, out []float32) {
	p := &j.plans[i]
	ohw, hw := p.win.OH*p.win.OW, p.win.H*p.win.W
	w := nd.Params["weight"].Data
	for grp := 0; grp < p.groups; grp++ {
		col := sc.col[i][grp*p.k*ohw : (grp+1)*p.k*ohw]
		kernel.Im2col(col, x[grp*p.cinG*hw:], p.cinG, p.win)
		sgemm.Gemm(false, false, p.coutG, ohw, p.k, 1, w[grp*p.coutG*p.k:], p.k, col, ohw, 0, out[grp*p.coutG*ohw:], ohw)
	}
	if b := nd.Params["bias"]; b != nil {
		for o, bv := range b.Data {
			for q := range out[o*ohw : (o+1)*ohw] {
				out[o*ohw+q] += bv
			}
		}
	}
}
