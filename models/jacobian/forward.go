package jacobian

import (
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/batchnorm"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// The per-sample forward pass of Jacobian: plain loops over every op, float32 values (float64 for
// transcendental functions), sgemm for dense and convolution nodes. It keeps what the backward pass
// needs: every node's value, the im2col matrix of every convolution input and max-pool argmaxes.

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
			scale, shift := batchnorm.Affine(nd)
			plane := len(a) / in[0]
			for k, v := range a {
				c := k / plane
				out[k] = float32(float64(v)*scale[c] + shift[c])
			}
		case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU, models.OpClip:
			for k, v := range a {
				out[k] = float32(nd.Activate(float64(v)))
			}
		case models.OpMaxPool, models.OpAvgPool:
			pool(out, sc.arg[i], a, in, j.shapes[i], nd)
		case models.OpGlobalAvgPool:
			kernel.GlobalAvgPool(out, a, in[1]*in[2])
		case models.OpAdd, models.OpMul:
			b, bc := sc.v[nd.Inputs[1]], &j.bcast[i]
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
			j.concat[i].Join(out, xs)
			sc.cat = xs[:0]
		default:
			panic("jacobian: unexpected op " + string(nd.Op))
		}
	}
}

// convGeom is a convolution's geometry.
type convGeom struct {
	cin, h, w, cout, oh, ow int
	kh, kw, sh, sw, dh, dw  int
	pt, pl, groups          int
	cinG, coutG, k          int // per group: input and output channels, rows of the im2col matrix
}

func (j *Jacobian) convGeom(i int) convGeom {
	nd := &j.net.Nodes[i]
	in, os := j.shapes[nd.Inputs[0]], j.shapes[i]
	ws := nd.Params["weight"].Shape
	g := convGeom{cin: in[0], h: in[1], w: in[2], cout: os[0], oh: os[1], ow: os[2], kh: ws[2], kw: ws[3],
		pt: nd.Attr.Pad[0], pl: nd.Attr.Pad[1], groups: nd.Attr.NumGroups()}
	g.sh, g.sw = nd.Attr.Strides()
	g.dh, g.dw = nd.Attr.Dilations()
	g.cinG, g.coutG = g.cin/g.groups, g.cout/g.groups
	g.k = g.cinG * g.kh * g.kw
	return g
}

// im2col writes group grp's input patches: col[(ci·kh+ky)·kw+kx][oy·ow+ox] (zero in the padding).
func (g *convGeom) im2col(col, x []float32, grp int) {
	ohw := g.oh * g.ow
	for ci := 0; ci < g.cinG; ci++ {
		plane := x[(grp*g.cinG+ci)*g.h*g.w:]
		for ky := 0; ky < g.kh; ky++ {
			for kx := 0; kx < g.kw; kx++ {
				row := col[((ci*g.kh+ky)*g.kw+kx)*ohw:][:ohw]
				for oy := 0; oy < g.oh; oy++ {
					y := oy*g.sh - g.pt + ky*g.dh
					r := row[oy*g.ow : (oy+1)*g.ow]
					if y < 0 || y >= g.h {
						clear(r)
						continue
					}
					for ox := range r {
						xx := ox*g.sw - g.pl + kx*g.dw
						if xx < 0 || xx >= g.w {
							r[ox] = 0
						} else {
							r[ox] = plane[y*g.w+xx]
						}
					}
				}
			}
		}
	}
}

// col2imAdd adds the adjoint of im2col: every patch entry back onto its input pixel.
func (g *convGeom) col2imAdd(dx, col []float32, grp int) {
	ohw := g.oh * g.ow
	for ci := 0; ci < g.cinG; ci++ {
		plane := dx[(grp*g.cinG+ci)*g.h*g.w:]
		for ky := 0; ky < g.kh; ky++ {
			for kx := 0; kx < g.kw; kx++ {
				row := col[((ci*g.kh+ky)*g.kw+kx)*ohw:][:ohw]
				for oy := 0; oy < g.oh; oy++ {
					y := oy*g.sh - g.pt + ky*g.dh
					if y < 0 || y >= g.h {
						continue
					}
					for ox, v := range row[oy*g.ow : (oy+1)*g.ow] {
						if xx := ox*g.sw - g.pl + kx*g.dw; xx >= 0 && xx < g.w {
							plane[y*g.w+xx] += v
						}
					}
				}
			}
		}
	}
}

func (j *Jacobian) convForward(sc *scratch, i int, nd *models.Node, x, out []float32) {
	g := j.convGeom(i)
	ohw := g.oh * g.ow
	w := nd.Params["weight"].Data
	for grp := 0; grp < g.groups; grp++ {
		col := sc.col[i][grp*g.k*ohw : (grp+1)*g.k*ohw]
		g.im2col(col, x, grp)
		sgemm.Gemm(false, false, g.coutG, ohw, g.k, 1, w[grp*g.coutG*g.k:], g.k, col, ohw, 0, out[grp*g.coutG*ohw:], ohw)
	}
	if b := nd.Params["bias"]; b != nil {
		for o, bv := range b.Data {
			for p := range out[o*ohw : (o+1)*ohw] {
				out[o*ohw+p] += bv
			}
		}
	}
}

// pool is refPool in float32 that also records, for a max pool, the input index of the first
// maximum of every window (−1 for a window wholly in the padding).
func pool(out []float32, arg []int32, x []float32, in, os []int, nd *models.Node) {
	kh, kw := nd.Attr.Kernel[0], nd.Attr.Kernel[1]
	sh, sw := nd.Attr.Strides()
	H, W := in[1], in[2]
	inv := 1 / float64(kh*kw)
	for c := 0; c < in[0]; c++ {
		for oy := 0; oy < os[1]; oy++ {
			for ox := 0; ox < os[2]; ox++ {
				mx, at, sum := float32(math.Inf(-1)), int32(-1), 0.0
				for ky := 0; ky < kh; ky++ {
					y := oy*sh - nd.Attr.Pad[0] + ky
					if y < 0 || y >= H {
						continue
					}
					for kx := 0; kx < kw; kx++ {
						xx := ox*sw - nd.Attr.Pad[1] + kx
						if xx < 0 || xx >= W {
							continue
						}
						k := (c*H+y)*W + xx
						if v := x[k]; v > mx || at < 0 {
							mx, at = v, int32(k)
						}
						sum += float64(x[k])
					}
				}
				o := (c*os[1]+oy)*os[2] + ox
				if nd.Op == models.OpMaxPool {
					out[o], arg[o] = mx, at
				} else {
					out[o] = float32(sum * inv)
				}
			}
		}
	}
}
