package graph

import (
	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models/internal/kernel"
)

// denseKernel computes y = x·Wᵀ + b for a batch: inputs x [B,in], W [out,in], optional b [out].
// Rows of the batch (or of W for ∂W) are split across cores.
type denseKernel struct {
	batch, in, out int
	bias           bool
	inputGrad      bool // whether ∂loss/∂x is wanted (false for a layer fed by the image)
	fixed          bool // the weights are constants (models.Node.Fixed): no ∂W, ∂b
}

const denseRowChunk = 16

func (k *denseKernel) needsGrad(i int) bool { return i > 0 && !k.fixed || i == 0 && k.inputGrad }

func (k *denseKernel) forward(y []float32, in [][]float32) {
	x, w := in[0], in[1]
	parallel.Split(k.batch, denseRowChunk, func(_, lo, hi int) {
		beta := float32(0)
		if k.bias {
			beta = 1
			for s := lo; s < hi; s++ {
				copy(y[s*k.out:(s+1)*k.out], in[2])
			}
		}
		kernel.Gemm(false, true, hi-lo, k.out, k.in, 1, x[lo*k.in:], k.in, w, k.in, beta, y[lo*k.out:], k.out)
	})
}

func (k *denseKernel) backward(i int, dx []float32, in [][]float32, _, dy []float32) {
	switch i {
	case 0: // ∂x = dy·W
		parallel.Split(k.batch, denseRowChunk, func(_, lo, hi int) {
			kernel.Gemm(false, false, hi-lo, k.in, k.out, 1, dy[lo*k.out:], k.out, in[1], k.in, 0, dx[lo*k.in:], k.in)
		})
	case 1: // ∂W = dyᵀ·x, split over output rows
		parallel.Split(k.out, denseRowChunk, func(_, lo, hi int) {
			kernel.Gemm(true, false, hi-lo, k.in, k.batch, 1, dy[lo:], k.out, in[0], k.in, 0, dx[lo*k.in:], k.in)
		})
	case 2: // ∂b = Σ_batch dy
		clear(dx)
		for s := 0; s < k.batch; s++ {
			for o, v := range dy[s*k.out : (s+1)*k.out] {
				dx[o] += v
			}
		}
	}
}
