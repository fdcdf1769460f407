package jacobian

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// Gradient writes the flat gradient of u_r·f(x_s) (Params order, NumParams values) into dst,
// growing it when it is too short, and returns it. It panics if s or r is out of range.
func (b *Batch) Gradient(dst []float32, s, r int) []float32 {
	if s < 0 || s >= b.Samples || r < 0 || r >= b.Seeds {
		panic(fmt.Sprintf("jacobian: Batch.Gradient: sample %d seed %d of %d×%d", s, r, b.Samples, b.Seeds))
	}
	total := 0
	for _, l := range b.Layers {
		total += l.Size
	}
	dst = slices.Grow(dst[:0], total)[:total]
	off := 0
	for _, l := range b.Layers {
		if l.Op != models.OpDense {
			copy(dst[off:off+l.Size], l.Grad[(s*b.Seeds+r)*l.Size:])
			off += l.Size
			continue
		}
		a := l.Input[s*l.In : (s+1)*l.In]
		d := l.Delta[(s*b.Seeds+r)*l.Out : (s*b.Seeds+r+1)*l.Out]
		for o, dv := range d {
			w := dst[off+o*l.In : off+(o+1)*l.In]
			for i, av := range a {
				w[i] = dv * av
			}
		}
		off += l.Out * l.In
		if l.Bias {
			copy(dst[off:off+l.Out], d)
			off += l.Out
		}
	}
	return dst
}

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
