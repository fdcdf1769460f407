package graph

import (
	"math"
	"sync"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
)

// bnKernel is batch normalisation over a batch of [C, …] samples (Ioffe & Szegedy 2015), plane
// values per channel. In training mode it normalises with the batch statistics (biased variance),
// keeps x̂ and 1/σ for the gradient, and updates the running mean and variance (unbiased, momentum
// 0.1, as PyTorch does); in inference mode, and for a Fixed node (an affine map imported as a
// batch norm) in any mode, it uses the running statistics and gamma and beta get no gradient.
// Inputs: x, gamma [C], beta [C].
type bnKernel struct {
	batch, c, plane int
	eps             float64
	training        bool
	inputGrad       bool
	momentum        float64
	runMean, runVar []float32 // shared with the trainer's parameter store
	xhat            []float32 // [B,C,plane], training only
	invStd          []float32 // [C]
	// Per-channel Σdy and Σdy·x̂ of the current step, computed by whichever gradient op runs
	// first (∂x, ∂γ and ∂β all need them); step counts forwards, sumsStep the step they are for.
	sumDy, sumDyXh []float64
	step, sumsStep int
	sumsMu         sync.Mutex
}

func newBNKernel(batch int, shape []int, nd *models.Node, runMean, runVar []float32, training, inputGrad bool) *bnKernel {
	training = training && !nd.Fixed
	k := &bnKernel{batch: batch, c: shape[0], plane: models.ShapeSize(shape) / shape[0], eps: float64(nd.Attr.Epsilon()),
		training: training, inputGrad: inputGrad, momentum: 0.1, runMean: runMean, runVar: runVar,
		invStd: make([]float32, shape[0]), sumDy: make([]float64, shape[0]), sumDyXh: make([]float64, shape[0])}
	if training {
		k.xhat = make([]float32, batch*models.ShapeSize(shape))
	}
	return k
}

func (k *bnKernel) needsGrad(i int) bool {
	if i > 0 {
		return k.training
	}
	return k.inputGrad
}

// channel calls f with the slice of every sample's plane of channel c.
func (k *bnKernel) channel(v []float32, c int, f func(row []float32, s int)) {
	for s := 0; s < k.batch; s++ {
		off := (s*k.c + c) * k.plane
		f(v[off:off+k.plane], s)
	}
}

func (k *bnKernel) forward(y []float32, in [][]float32) {
	k.step++
	x, gamma, beta := in[0], in[1], in[2]
	parallel.Split(k.c, 1, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			mean, inv := k.statistics(x, c)
			k.invStd[c] = float32(inv)
			g, b, m, is := gamma[c], beta[c], float32(mean), float32(inv)
			for s := 0; s < k.batch; s++ {
				off := (s*k.c + c) * k.plane
				var xh []float32
				if k.training {
					xh = k.xhat[off : off+k.plane]
				}
				kernel.Normalize(y[off:off+k.plane], xh, x[off:off+k.plane], m, is, g, b)
			}
		}
	})
}

// statistics returns the mean and 1/σ that normalise channel c: in training mode those of the
// batch (two passes: the mean, then the squared deviations from it; per-plane sums in float32,
// accumulated in float64), which also move the running statistics; else the running ones.
func (k *bnKernel) statistics(x []float32, c int) (mean, inv float64) {
	if !k.training {
		return float64(k.runMean[c]), 1 / math.Sqrt(float64(k.runVar[c])+k.eps)
	}
	n := float64(k.batch * k.plane)
	sum, ss := 0.0, 0.0
	k.channel(x, c, func(row []float32, _ int) { sum += float64(kernel.Sum(row)) })
	mean = sum / n
	m := float32(mean)
	k.channel(x, c, func(row []float32, _ int) { ss += float64(kernel.SumSqDev(row, m)) })
	variance := ss / n
	unbiased := variance
	if n > 1 {
		unbiased = ss / (n - 1)
	}
	k.runMean[c] = float32((1-k.momentum)*float64(k.runMean[c]) + k.momentum*mean)
	k.runVar[c] = float32((1-k.momentum)*float64(k.runVar[c]) + k.momentum*unbiased)
	return mean, 1 / math.Sqrt(variance+k.eps)
}

// sums fills sumDy and sumDyXh for this step's dy, once.
func (k *bnKernel) sums(dy []float32) {
	k.sumsMu.Lock()
	defer k.sumsMu.Unlock()
	if k.sumsStep == k.step {
		return
	}
	parallel.Split(k.c, 1, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			var sd, sdx float64
			for s := 0; s < k.batch; s++ {
				off := (s*k.c + c) * k.plane
				// per-plane partial sums in float32, accumulated in float64
				a, b := kernel.SumDot(dy[off:off+k.plane], k.xhat[off:off+k.plane])
				sd += float64(a)
				sdx += float64(b)
			}
			k.sumDy[c], k.sumDyXh[c] = sd, sdx
		}
	})
	k.sumsStep = k.step
}

// backward: with N values per channel and g = dy·γ,
// ∂x = (1/σ)(g − mean(g) − x̂·mean(g·x̂)), ∂γ = Σ dy·x̂, ∂β = Σ dy.
func (k *bnKernel) backward(i int, dx []float32, in [][]float32, _, dy []float32) {
	if !k.training { // a fixed affine map: ∂x = dy·γ/σ with the running σ
		gamma := in[1]
		for c := 0; c < k.c; c++ {
			a := gamma[c] * k.invStd[c]
			k.channel(dy, c, func(row []float32, s int) {
				off := (s*k.c + c) * k.plane
				for j, g := range row {
					dx[off+j] = a * g
				}
			})
		}
		return
	}
	k.sums(dy)
	switch i {
	case 1:
		for c := range dx {
			dx[c] = float32(k.sumDyXh[c])
		}
		return
	case 2:
		for c := range dx {
			dx[c] = float32(k.sumDy[c])
		}
		return
	}
	gamma := in[1]
	n := float64(k.batch * k.plane)
	parallel.Split(k.c, 1, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			a := gamma[c] * k.invStd[c]
			mDy, mDyXh := float32(k.sumDy[c]/n), float32(k.sumDyXh[c]/n)
			for s := 0; s < k.batch; s++ {
				off := (s*k.c + c) * k.plane
				kernel.NormGrad(dx[off:off+k.plane], dy[off:off+k.plane], k.xhat[off:off+k.plane], a, mDy, mDyXh)
			}
		}
	})
}
