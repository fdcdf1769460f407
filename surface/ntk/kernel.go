package ntk

import (
	"context"
	"fmt"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/models"
)

// KernelOptions tune Kernel. The zero value computes the mean per-logit kernel with at most 1 GiB
// of gradients held at once, 64 samples per Jacobian chunk.
type KernelOptions struct {
	Output Output
	// MaxBytes bounds the per-sample gradient records held at once (models.Jacobian.RecordSize
	// float32 values per sample); 0 means 1 GiB.
	MaxBytes int64
	// Chunk is the number of samples whose gradients are computed together; 0 means 64.
	Chunk int
}

// KernelStats says how a kernel was computed.
type KernelStats struct {
	Samples int    `json:"samples"`
	Params  int    `json:"params"`
	Output  string `json:"output"`
	Seeds   int    `json:"seeds"` // backward passes per sample
	// RecordBytes is the memory of one sample's gradient record (dense layers factored).
	RecordBytes int64 `json:"record_bytes"`
	// Panel is the number of samples whose records are held at once, Passes the number of panels;
	// with Passes > 1 the records after each panel are recomputed chunk by chunk.
	Panel, Chunk, Passes int
	// HeldBytes is the most record memory held at once: (Panel + Chunk)·RecordBytes.
	HeldBytes int64 `json:"held_bytes"`
	// Computed is the number of per-sample gradient records computed (Samples when Passes = 1).
	Computed        int     `json:"computed"`
	JacobianSeconds float64 `json:"jacobian_seconds"`
	DotSeconds      float64 `json:"dot_seconds"`
}

// Kernel computes the empirical neural tangent kernel Θ(x_s, x_t) = Σ_r J_r(x_s)·J_r(x_t)·scale
// over the n samples in x ([n][InputSize], pixel space) for the output opt selects, where J_r(x) is
// the gradient of the r-th selected scalar output with respect to every trainable parameter
// (models.Jacobian; batch norm in inference mode). Gradients are computed in chunks; a panel of
// samples whose records fit in opt.MaxBytes is held while the remaining samples stream past it, so
// memory is bounded by MaxBytes plus the n×n kernel whatever the number of parameters, and dense
// layers never form n×P gradients (models.JacobianBatch.Dot). progress, if not nil, receives the
// gradient records computed so far and the total. It returns an error for a net without trainable
// parameters or with an op that has no gradient, a bad output or input, a memory bound smaller than
// two records, or ctx's error.
func Kernel(ctx context.Context, net *models.Net, x []float32, n int, opt KernelOptions, progress func(done, total int)) (*mat.SymDense, KernelStats, error) {
	jac, err := models.NewJacobian(net)
	if err != nil {
		return nil, KernelStats{}, err
	}
	D, C := jac.InputSize(), jac.NumClasses()
	if n < 1 || len(x) < n*D {
		return nil, KernelStats{}, fmt.Errorf("ntk: %d input values do not hold %d samples of %d", len(x), n, D)
	}
	seeds, scale, err := opt.Output.seeds(C)
	if err != nil {
		return nil, KernelStats{}, err
	}
	R := len(seeds) / C
	st := KernelStats{Samples: n, Params: jac.NumParams(), Output: opt.Output.String(), Seeds: R,
		RecordBytes: 4 * int64(jac.RecordSize(R)+C)}
	budget := opt.MaxBytes
	if budget <= 0 {
		budget = 1 << 30
	}
	chunk := opt.Chunk
	if chunk <= 0 {
		chunk = 64
	}
	chunk = min(chunk, n, int(max(1, budget/(2*st.RecordBytes))))
	if 2*st.RecordBytes > budget {
		return nil, st, fmt.Errorf("ntk: one sample's gradients take %d bytes; a memory bound of %d bytes holds fewer than two", st.RecordBytes, budget)
	}
	panel := int(budget/st.RecordBytes) - chunk
	panel = max(chunk, panel/chunk*chunk)
	panel = min(panel, (n+chunk-1)/chunk*chunk)
	st.Panel, st.Chunk = min(panel, n), chunk
	st.HeldBytes = int64(st.Panel+min(chunk, n-st.Panel)) * st.RecordBytes
	total := 0
	for ps := 0; ps < n; ps += panel {
		total += n - ps
		st.Passes++
	}

	K := mat.NewSymDense(n, nil)
	block := make([]float64, chunk*chunk)
	var held []*models.JacobianBatch
	var stream *models.JacobianBatch
	compute := func(dst *models.JacobianBatch, lo, hi int) (*models.JacobianBatch, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t0 := time.Now()
		dst = jac.Compute(dst, x[lo*D:hi*D], hi-lo, seeds)
		st.JacobianSeconds += time.Since(t0).Seconds()
		st.Computed += hi - lo
		if progress != nil {
			progress(st.Computed, total)
		}
		return dst, nil
	}
	dot := func(a, b *models.JacobianBatch, oa, ob int) {
		t0 := time.Now()
		bl := block[:a.Samples*b.Samples]
		clear(bl)
		a.Dot(bl, b)
		for i := 0; i < a.Samples; i++ {
			for j := 0; j < b.Samples; j++ {
				if oa+i <= ob+j {
					K.SetSym(oa+i, ob+j, scale*bl[i*b.Samples+j])
				}
			}
		}
		st.DotSeconds += time.Since(t0).Seconds()
	}
	for ps := 0; ps < n; ps += panel {
		pe := min(ps+panel, n)
		k := 0
		for lo := ps; lo < pe; lo += chunk {
			if k == len(held) {
				held = append(held, nil)
			}
			if held[k], err = compute(held[k], lo, min(lo+chunk, pe)); err != nil {
				return nil, st, err
			}
			k++
		}
		for a := 0; a < k; a++ {
			for b := a; b < k; b++ {
				dot(held[a], held[b], ps+a*chunk, ps+b*chunk)
			}
		}
		for lo := pe; lo < n; lo += chunk {
			if stream, err = compute(stream, lo, min(lo+chunk, n)); err != nil {
				return nil, st, err
			}
			for a := 0; a < k; a++ {
				dot(held[a], stream, ps+a*chunk, lo)
			}
		}
	}
	return K, st, nil
}
