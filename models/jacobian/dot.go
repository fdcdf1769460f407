package jacobian

import (
	"fmt"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// Dot adds to dst ([a.Samples][b.Samples], row-major, float64) the inner products of the two
// batches' parameter gradients summed over seeds:
//
//	dst[s][t] += Σ_r ⟨∂(u_r·f)(x_s)/∂θ, ∂(u_r·f)(x'_t)/∂θ⟩,
//
// a block of the empirical neural tangent kernel J Jᵀ (Jacot et al. 2018). Dense nodes use their
// factored form, ⟨δ⊗a, δ'⊗a'⟩ + ⟨δ, δ'⟩ = (δ·δ')(a·a' + 1) (Novak et al. 2022, "Fast Finite Width
// Neural Tangent Kernel", §3), so no per-sample dense gradient is formed; convolution and
// batch-norm gradients enter as plain inner products. The products run in float32 (sgemm) and are
// summed per node into float64. Rows are split over up to GOMAXPROCS goroutines. Dot panics if the
// batches come from different nets or seed counts, or dst is too short.
func (a *Batch) Dot(dst []float64, b *Batch) {
	if a.Seeds != b.Seeds || len(a.Layers) != len(b.Layers) {
		panic(fmt.Sprintf("jacobian: Batch.Dot: %d seeds and %d layers against %d and %d", a.Seeds, len(a.Layers), b.Seeds, len(b.Layers)))
	}
	for k := range a.Layers {
		la, lb := &a.Layers[k], &b.Layers[k]
		if la.Node != lb.Node || la.Size != lb.Size || la.In != lb.In || la.Out != lb.Out {
			panic("jacobian: Batch.Dot: batches of different nets")
		}
	}
	sa, sb := a.Samples, b.Samples
	if len(dst) < sa*sb {
		panic(fmt.Sprintf("jacobian: Batch.Dot: dst has %d values, want %d×%d", len(dst), sa, sb))
	}
	if sa == 0 || sb == 0 {
		return
	}
	parallel.Split(sa, 1, func(_, lo, hi int) { a.dotRows(dst, b, lo, hi) })
}

// dotRows computes rows [lo, hi) of Dot.
func (a *Batch) dotRows(dst []float64, b *Batch, lo, hi int) {
	rows, sb, R := hi-lo, b.Samples, a.Seeds
	dd := make([]float32, rows*sb)
	aa := make([]float32, rows*sb)
	out := dst[lo*sb : hi*sb]
	for k := range a.Layers {
		la, lb := &a.Layers[k], &b.Layers[k]
		if la.Op != models.OpDense {
			n := R * la.Size
			sgemm.Gemm(false, true, rows, sb, n, 1, la.Grad[lo*n:], n, lb.Grad, n, 0, dd, sb)
			for i, v := range dd {
				out[i] += float64(v)
			}
			continue
		}
		n := R * la.Out
		sgemm.Gemm(false, true, rows, sb, n, 1, la.Delta[lo*n:], n, lb.Delta, n, 0, dd, sb)
		sgemm.Gemm(false, true, rows, sb, la.In, 1, la.Input[lo*la.In:], la.In, lb.Input, la.In, 0, aa, sb)
		bias := 0.0
		if la.Bias {
			bias = 1
		}
		for i, v := range dd {
			out[i] += float64(v) * (float64(aa[i]) + bias)
		}
	}
}
