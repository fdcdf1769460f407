package models

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
)

// ForwardReference evaluates the net on one sample x (length InputSize) with plain loops over every
// op, in float64 accumulation, and returns the logits. It is slow and obviously correct: the yardstick
// the fast batched kernels, the gorgonia graph and ONNX import are tested against.
func (n *Net) ForwardReference(x []float32) ([]float32, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	if len(x) != n.InputSize() {
		return nil, fmt.Errorf("models: input has %d values, want %d", len(x), n.InputSize())
	}
	vals := make([][]float32, len(n.Nodes))
	vals[0] = x
	for i := 1; i < len(n.Nodes); i++ {
		nd := &n.Nodes[i]
		in := shapes[nd.Inputs[0]]
		a := vals[nd.Inputs[0]]
		out := make([]float32, ShapeSize(shapes[i]))
		switch nd.Op {
		case OpNormalize:
			mean, std := nd.Params["mean"].Data, nd.Params["std"].Data
			plane := len(a) / in[0]
			for k := range out {
				c := k / plane
				out[k] = (a[k] - mean[c]) / std[c]
			}
		case OpFlatten:
			copy(out, a)
		case OpDense:
			w := nd.Params["weight"]
			for o := range out {
				s := 0.0
				for k, v := range a {
					s += float64(w.Data[o*len(a)+k]) * float64(v)
				}
				if b := nd.Params["bias"]; b != nil {
					s += float64(b.Data[o])
				}
				out[o] = float32(s)
			}
		case OpConv:
			refConv(out, a, in, shapes[i], nd)
		case OpBatchNorm:
			p := nd.Params
			plane := len(a) / in[0]
			eps := float64(nd.Attr.Epsilon())
			for k := range out {
				c := k / plane
				sd := math.Sqrt(float64(p["var"].Data[c]) + eps)
				out[k] = float32(float64(p["gamma"].Data[c])*(float64(a[k])-float64(p["mean"].Data[c]))/sd + float64(p["beta"].Data[c]))
			}
		case OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU, OpClip:
			for k, v := range a {
				out[k] = float32(nd.Activate(float64(v)))
			}
		case OpMaxPool, OpAvgPool:
			refPool(out, a, in, shapes[i], nd)
		case OpGlobalAvgPool:
			refGlobalAvgPool(out, a, in[1]*in[2])
		case OpAdd, OpMul:
			refBroadcast(out, shapes[i], a, in, vals[nd.Inputs[1]], shapes[nd.Inputs[1]], nd.Op)
		case OpReshape:
			copy(out, a)
		case OpSoftmax:
			softmax.Rows(out, a, in[len(in)-1])
		case OpLogSoftmax:
			softmax.LogRows(out, a, in[len(in)-1])
		case OpConcat:
			refConcat(out, shapes[i], vals, shapes, nd)
		default:
			return nil, fmt.Errorf("models: node %d: unknown op %q", i, nd.Op)
		}
		vals[i] = out
	}
	return vals[len(vals)-1], nil
}

// Activate returns the value at x of the element-wise activation node nd (OpReLU, OpLeakyReLU,
// OpSigmoid, OpTanh, OpGELU or OpClip), computed exactly in float64 from the definitions of the
// ops: the reference pass's, and the per-sample Jacobians'. It panics for any other op.
func (nd *Node) Activate(x float64) float64 {
	switch nd.Op {
	case OpReLU:
		return math.Max(x, 0)
	case OpLeakyReLU:
		if x < 0 {
			return float64(nd.Attr.Alpha) * x
		}
		return x
	case OpSigmoid:
		return 1 / (1 + math.Exp(-x))
	case OpTanh:
		return math.Tanh(x)
	case OpGELU:
		return 0.5 * x * (1 + math.Erf(x/math.Sqrt2))
	case OpClip:
		return min(max(x, float64(nd.Attr.Min)), float64(nd.Attr.Max))
	}
	panic("models: not an activation: " + string(nd.Op))
}

func refConv(out, x []float32, in, os []int, nd *Node) {
	w := nd.Params["weight"]
	cout, cinG, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	g := nd.Attr.NumGroups()
	coutG := cout / g
	sh, sw := nd.Attr.Strides()
	dh, dw := nd.Attr.Dilations()
	H, W := in[1], in[2]
	for o := 0; o < cout; o++ {
		grp := o / coutG
		for oy := 0; oy < os[1]; oy++ {
			for ox := 0; ox < os[2]; ox++ {
				s := 0.0
				if b := nd.Params["bias"]; b != nil {
					s = float64(b.Data[o])
				}
				for ci := 0; ci < cinG; ci++ {
					c := grp*cinG + ci
					for ky := 0; ky < kh; ky++ {
						y := oy*sh - nd.Attr.Pad[0] + ky*dh
						if y < 0 || y >= H {
							continue
						}
						for kx := 0; kx < kw; kx++ {
							xx := ox*sw - nd.Attr.Pad[1] + kx*dw
							if xx < 0 || xx >= W {
								continue
							}
							s += float64(w.Data[((o*cinG+ci)*kh+ky)*kw+kx]) * float64(x[(c*H+y)*W+xx])
						}
					}
				}
				out[(o*os[1]+oy)*os[2]+ox] = float32(s)
			}
		}
	}
}

func refPool(out, x []float32, in, os []int, nd *Node) {
	kh, kw := nd.Attr.Kernel[0], nd.Attr.Kernel[1]
	sh, sw := nd.Attr.Strides()
	H, W := in[1], in[2]
	for c := 0; c < in[0]; c++ {
		for oy := 0; oy < os[1]; oy++ {
			for ox := 0; ox < os[2]; ox++ {
				mx, sum := math.Inf(-1), 0.0
				for ky := 0; ky < kh; ky++ {
					y := oy*sh - nd.Attr.Pad[0] + ky
					for kx := 0; kx < kw; kx++ {
						xx := ox*sw - nd.Attr.Pad[1] + kx
						if y < 0 || y >= H || xx < 0 || xx >= W {
							continue // padding: ignored by max, counts as zero in the average
						}
						v := float64(x[(c*H+y)*W+xx])
						mx = math.Max(mx, v)
						sum += v
					}
				}
				r := mx
				if nd.Op == OpAvgPool {
					r = sum / float64(kh*kw)
				}
				out[(c*os[1]+oy)*os[2]+ox] = float32(r)
			}
		}
	}
}

// refBroadcast combines a and b element-wise into out, indexing each input with its own shape
// (a size-1 dimension repeats).
func refBroadcast(out []float32, os []int, a []float32, as []int, b []float32, bs []int, op Op) {
	idx := make([]int, len(os))
	for k := range out {
		unravel(idx, k, os)
		ia, ib := 0, 0
		for d := range os {
			ia = ia*as[d] + idx[d]%as[d]
			ib = ib*bs[d] + idx[d]%bs[d]
		}
		if op == OpAdd {
			out[k] = a[ia] + b[ib]
		} else {
			out[k] = a[ia] * b[ib]
		}
	}
}

// refConcat fills out (shape os) element by element: the index along the axis picks the input
// and the position in it.
func refConcat(out []float32, os []int, vals [][]float32, shapes [][]int, nd *Node) {
	axis := nd.Attr.Axis
	idx := make([]int, len(os))
	for k := range out {
		unravel(idx, k, os)
		pos, in := idx[axis], 0
		for pos >= shapes[nd.Inputs[in]][axis] {
			pos -= shapes[nd.Inputs[in]][axis]
			in++
		}
		s := shapes[nd.Inputs[in]]
		flat := 0
		for d := range s {
			i := idx[d]
			if d == axis {
				i = pos
			}
			flat = flat*s[d] + i
		}
		out[k] = vals[nd.Inputs[in]][flat]
	}
}

// refGlobalAvgPool writes the mean of each plane of a (planes of plane values) into out, summing
// in float64.
func refGlobalAvgPool(out, a []float32, plane int) {
	for c := range out {
		s := 0.0
		for _, v := range a[c*plane : (c+1)*plane] {
			s += float64(v)
		}
		out[c] = float32(s / float64(plane))
	}
}

// unravel writes into idx the multi-index of flat row-major position k in an array of the given
// shape.
func unravel(idx []int, k int, shape []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = k % shape[d]
		k /= shape[d]
	}
}
