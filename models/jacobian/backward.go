package jacobian

import (
	"math"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/batchnorm"
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
			dyr, dxr := dy[r*n:(r+1)*n], dx[r*m:(r+1)*m]
			elementGrad(nd, j.shapes[src], j.shapes[i], x, y, dxr, dyr, sc.arg[i])
		}
	}
}

// elementGrad adds one seed's input gradient of a single-input op without parameters (or of a
// batch norm or normalisation, whose parameters are constants here).
func elementGrad(nd *models.Node, in, os []int, x, y, dx, dy []float32, arg []int32) {
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
		scale, _ := batchnorm.Affine(nd)
		plane := len(x) / in[0]
		for k, d := range dy {
			dx[k] += float32(float64(d) * scale[k/plane])
		}
	case models.OpReLU:
		for k, d := range dy {
			if x[k] > 0 {
				dx[k] += d
			}
		}
	case models.OpLeakyReLU:
		for k, d := range dy {
			if x[k] > 0 {
				dx[k] += d
			} else {
				dx[k] += nd.Attr.Alpha * d
			}
		}
	case models.OpSigmoid:
		for k, d := range dy {
			dx[k] += d * y[k] * (1 - y[k])
		}
	case models.OpTanh:
		for k, d := range dy {
			dx[k] += d * (1 - y[k]*y[k])
		}
	case models.OpGELU:
		for k, d := range dy {
			v := float64(x[k])
			p := 0.5 * (1 + math.Erf(v/math.Sqrt2))
			dx[k] += float32(float64(d) * (p + v*math.Exp(-0.5*v*v)/math.Sqrt(2*math.Pi)))
		}
	case models.OpClip:
		for k, d := range dy {
			if x[k] > nd.Attr.Min && x[k] <= nd.Attr.Max {
				dx[k] += d
			}
		}
	case models.OpMaxPool:
		for k, d := range dy {
			if arg[k] >= 0 {
				dx[arg[k]] += d
			}
		}
	case models.OpAvgPool:
		avgPoolGrad(nd, in, os, dx, dy)
	case models.OpGlobalAvgPool:
		plane := in[1] * in[2]
		inv := 1 / float32(plane)
		for c, d := range dy {
			for k := range dx[c*plane : (c+1)*plane] {
				dx[c*plane+k] += d * inv
			}
		}
	case models.OpSoftmax:
		rl := in[len(in)-1]
		for lo := 0; lo < len(y); lo += rl {
			dot := 0.0
			for k := lo; k < lo+rl; k++ {
				dot += float64(y[k]) * float64(dy[k])
			}
			for k := lo; k < lo+rl; k++ {
				dx[k] += float32(float64(y[k]) * (float64(dy[k]) - dot))
			}
		}
	case models.OpLogSoftmax:
		rl := in[len(in)-1]
		for lo := 0; lo < len(y); lo += rl {
			t := 0.0
			for k := lo; k < lo+rl; k++ {
				t += float64(dy[k])
			}
			for k := lo; k < lo+rl; k++ {
				dx[k] += float32(float64(dy[k]) - math.Exp(float64(y[k]))*t)
			}
		}
	default:
		panic("jacobian: no gradient for " + string(nd.Op))
	}
}

// avgPoolGrad spreads each output gradient over the unpadded pixels of its window, divided by
// the full window area (count_include_pad, as the forward pass).
func avgPoolGrad(nd *models.Node, in, os []int, dx, dy []float32) {
	kh, kw := nd.Attr.Kernel[0], nd.Attr.Kernel[1]
	sh, sw := nd.Attr.Strides()
	H, W := in[1], in[2]
	inv := 1 / float32(kh*kw)
	for c := 0; c < in[0]; c++ {
		for oy := 0; oy < os[1]; oy++ {
			for ox := 0; ox < os[2]; ox++ {
				d := dy[(c*os[1]+oy)*os[2]+ox] * inv
				for ky := 0; ky < kh; ky++ {
					y := oy*sh - nd.Attr.Pad[0] + ky
					if y < 0 || y >= H {
						continue
					}
					for kx := 0; kx < kw; kx++ {
						if xx := ox*sw - nd.Attr.Pad[1] + kx; xx >= 0 && xx < W {
							dx[(c*H+y)*W+xx] += d
						}
					}
				}
			}
		}
	}
}

// mergeGrad adds the input gradients of an add or mul node, summing over broadcast positions.
func (j *Jacobian) mergeGrad(sc *scratch, i int, nd *models.Node, dy []float32, R int) {
	ia, ib := nd.Inputs[0], nd.Inputs[1]
	a, b := sc.v[ia], sc.v[ib]
	da, db := sc.g[ia], sc.g[ib]
	n, na, nb := j.size[i], j.size[ia], j.size[ib]
	bc := &j.bcast[i]
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
	g := j.convGeom(i)
	ohw := g.oh * g.ow
	n, m := j.size[i], j.size[nd.Inputs[0]]
	w := nd.Params["weight"].Data
	col := sc.dcol[:g.k*ohw]
	for r := 0; r < R; r++ {
		for grp := 0; grp < g.groups; grp++ {
			dyg := dy[r*n+grp*g.coutG*ohw:]
			sgemm.Gemm(true, false, g.k, ohw, g.coutG, 1, w[grp*g.coutG*g.k:], g.k, dyg, ohw, 0, col, ohw)
			g.col2imAdd(dx[r*m:(r+1)*m], col, grp)
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
		g := j.convGeom(l.node)
		ohw := g.oh * g.ow
		nw := g.cout * g.k
		for r := 0; r < R; r++ {
			out := dl.Grad[(s*R+r)*l.size : (s*R+r+1)*l.size]
			dyr := dy[r*n : (r+1)*n]
			for grp := 0; grp < g.groups; grp++ {
				col := sc.col[l.node][grp*g.k*ohw : (grp+1)*g.k*ohw]
				sgemm.Gemm(false, true, g.coutG, g.k, ohw, 1, dyr[grp*g.coutG*ohw:], ohw, col, ohw, 0, out[grp*g.coutG*g.k:], g.k)
			}
			if l.bias {
				for o := 0; o < g.cout; o++ {
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
		j.concat[i].SplitAdd(dxs, dy[r*n:(r+1)*n])
		sc.cat = dxs[:0]
	}
}
