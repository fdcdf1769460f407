package graph

import (
	"math"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/layout"
)

// activationKernel applies an element-wise activation; its gradient reads the input or the output.
type activationKernel struct {
	op        models.Op
	alpha     float32 // LeakyReLU slope
	inputGrad bool
}

const elementChunk = 1 << 14

func (k *activationKernel) needsGrad(int) bool { return k.inputGrad }

func (k *activationKernel) forward(y []float32, in [][]float32) {
	x := in[0]
	parallel.Split(len(x), elementChunk, func(_, lo, hi int) {
		switch k.op {
		case models.OpReLU:
			kernel.ReLUForward(y[lo:hi], x[lo:hi])
		case models.OpLeakyReLU:
			for i := lo; i < hi; i++ {
				if v := x[i]; v < 0 {
					y[i] = k.alpha * v
				} else {
					y[i] = v
				}
			}
		case models.OpSigmoid:
			for i := lo; i < hi; i++ {
				y[i] = float32(1 / (1 + math.Exp(-float64(x[i]))))
			}
		case models.OpTanh:
			for i := lo; i < hi; i++ {
				y[i] = float32(math.Tanh(float64(x[i])))
			}
		case models.OpGELU:
			for i := lo; i < hi; i++ {
				v := float64(x[i])
				y[i] = float32(0.5 * v * (1 + math.Erf(v/math.Sqrt2)))
			}
		default:
			panic("train: not an activation: " + string(k.op))
		}
	})
}

func (k *activationKernel) backward(_ int, dx []float32, in [][]float32, y, dy []float32) {
	x := in[0]
	parallel.Split(len(x), elementChunk, func(_, lo, hi int) {
		switch k.op {
		case models.OpReLU:
			kernel.ReLUGrad(dx[lo:hi], x[lo:hi], dy[lo:hi])
		case models.OpLeakyReLU:
			for i := lo; i < hi; i++ {
				if x[i] < 0 {
					dx[i] = k.alpha * dy[i]
				} else {
					dx[i] = dy[i]
				}
			}
		case models.OpSigmoid:
			for i := lo; i < hi; i++ {
				dx[i] = dy[i] * y[i] * (1 - y[i])
			}
		case models.OpTanh:
			for i := lo; i < hi; i++ {
				dx[i] = dy[i] * (1 - y[i]*y[i])
			}
		case models.OpGELU:
			const invSqrt2Pi = 0.3989422804014327
			for i := lo; i < hi; i++ {
				v := float64(x[i])
				d := 0.5*(1+math.Erf(v/math.Sqrt2)) + v*invSqrt2Pi*math.Exp(-0.5*v*v)
				dx[i] = float32(float64(dy[i]) * d)
			}
		}
	})
}

// normalizeKernel computes (x − mean[c]) / std[c] per channel; mean and std are constants.
type normalizeKernel struct {
	batch, channels, plane int
	mean, std              []float32
}

func (k *normalizeKernel) needsGrad(int) bool { return false }

func (k *normalizeKernel) forward(y []float32, in [][]float32) {
	x := in[0]
	for s := 0; s < k.batch; s++ {
		for c := 0; c < k.channels; c++ {
			off := (s*k.channels + c) * k.plane
			m, inv := k.mean[c], 1/k.std[c]
			for i := off; i < off+k.plane; i++ {
				y[i] = (x[i] - m) * inv
			}
		}
	}
}

func (k *normalizeKernel) backward(_ int, dx []float32, _ [][]float32, _, dy []float32) {
	for s := 0; s < k.batch; s++ {
		for c := 0; c < k.channels; c++ {
			off := (s*k.channels + c) * k.plane
			inv := 1 / k.std[c]
			for i := off; i < off+k.plane; i++ {
				dx[i] = dy[i] * inv
			}
		}
	}
}

// copyKernel reshapes (flatten): the data is copied unchanged.
type copyKernel struct{ inputGrad bool }

func (k *copyKernel) needsGrad(int) bool                                           { return k.inputGrad }
func (k *copyKernel) forward(y []float32, in [][]float32)                          { copy(y, in[0]) }
func (k *copyKernel) backward(_ int, dx []float32, _ [][]float32, _, dy []float32) { copy(dx, dy) }

// globalPoolKernel averages each channel plane: [B,C,H,W] → [B,C,1,1].
type globalPoolKernel struct {
	planes, plane int // B·C planes of H·W values
	inputGrad     bool
}

func (k *globalPoolKernel) needsGrad(int) bool { return k.inputGrad }

func (k *globalPoolKernel) forward(y []float32, in [][]float32) {
	x := in[0]
	inv := 1 / float32(k.plane)
	for p := 0; p < k.planes; p++ {
		var s float32
		for _, v := range x[p*k.plane : (p+1)*k.plane] {
			s += v
		}
		y[p] = s * inv
	}
}

func (k *globalPoolKernel) backward(_ int, dx []float32, _ [][]float32, _, dy []float32) {
	inv := 1 / float32(k.plane)
	for p := 0; p < k.planes; p++ {
		g := dy[p] * inv
		row := dx[p*k.plane : (p+1)*k.plane]
		for i := range row {
			row[i] = g
		}
	}
}

// broadcastKernel adds or multiplies two per-sample tensors element-wise, repeating size-1
// dimensions (models.Net's broadcast rule). idxA and idxB map each per-sample output element to
// the element of a and b it reads.
type broadcastKernel struct {
	op                    models.Op
	batch                 int
	sizeOut, sizeA, sizeB int
	idxA, idxB            layout.Broadcast
	gradA, gradB          bool
}

func newBroadcastKernel(op models.Op, batch int, out, a, b []int, gradA, gradB bool) *broadcastKernel {
	k := &broadcastKernel{op: op, batch: batch, sizeOut: models.ShapeSize(out), sizeA: models.ShapeSize(a), sizeB: models.ShapeSize(b),
		gradA: gradA, gradB: gradB}
	k.idxA, k.idxB = layout.NewBroadcast(out, a), layout.NewBroadcast(out, b)
	return k
}

func (k *broadcastKernel) needsGrad(i int) bool { return (i == 0 && k.gradA) || (i == 1 && k.gradB) }

// same reports whether a, b and the output have one shape, so that no index maps are needed.
func (k *broadcastKernel) same() bool { return k.idxA == nil && k.idxB == nil }

func (k *broadcastKernel) forward(y []float32, in [][]float32) {
	a, b := in[0], in[1]
	if k.same() {
		parallel.Split(len(y), elementChunk, func(_, lo, hi int) {
			if k.op == models.OpAdd {
				copy(y[lo:hi], a[lo:hi])
				kernel.AddTo(y[lo:hi], b[lo:hi])
				return
			}
			yy, aa, bb := y[lo:hi], a[lo:hi], b[lo:hi]
			for i := range yy {
				yy[i] = aa[i] * bb[i]
			}
		})
		return
	}
	parallel.Split(k.batch, max(1, elementChunk/k.sizeOut), func(_, lo, hi int) {
		for s := lo; s < hi; s++ {
			yo, ao, bo := s*k.sizeOut, s*k.sizeA, s*k.sizeB
			for i := 0; i < k.sizeOut; i++ {
				if k.op == models.OpAdd {
					y[yo+i] = a[ao+k.idxA.At(i)] + b[bo+k.idxB.At(i)]
				} else {
					y[yo+i] = a[ao+k.idxA.At(i)] * b[bo+k.idxB.At(i)]
				}
			}
		}
	})
}

// backward: ∂/∂a accumulates dy (times b for a product) over the output elements that read each
// element of a; likewise for b.
func (k *broadcastKernel) backward(i int, dx []float32, in [][]float32, _, dy []float32) {
	size, idx, other, otherIdx, otherSize := k.sizeA, k.idxA, in[1], k.idxB, k.sizeB
	if i == 1 {
		size, idx, other, otherIdx, otherSize = k.sizeB, k.idxB, in[0], k.idxA, k.sizeA
	}
	if k.same() {
		// The same operations as below (0 + dy, or 0 + dy·other), without the index maps.
		parallel.Split(len(dx), elementChunk, func(_, lo, hi int) {
			d, g, o := dx[lo:hi], dy[lo:hi], other[lo:hi]
			clear(d)
			if k.op == models.OpAdd {
				kernel.AddTo(d, g)
				return
			}
			for j := range d {
				d[j] += g[j] * o[j]
			}
		})
		return
	}
	clear(dx)
	parallel.Split(k.batch, max(1, elementChunk/k.sizeOut), func(_, lo, hi int) {
		for s := lo; s < hi; s++ {
			yo, xo, oo := s*k.sizeOut, s*size, s*otherSize
			for j := 0; j < k.sizeOut; j++ {
				g := dy[yo+j]
				if k.op == models.OpMul {
					g *= other[oo+otherIdx.At(j)]
				}
				dx[xo+idx.At(j)] += g
			}
		}
	})
}
