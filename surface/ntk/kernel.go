package ntk

import (
	"context"
	"fmt"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/jacobian"
)

// KernelOptions tune Kernel. The zero value computes the mean per-logit kernel with at most 1 GiB
// of gradients held at once, 64 samples per Jacobian chunk.
type KernelOptions struct {
	Output Output
	// MaxBytes bounds the per-sample gradient records held at once (jacobian.Jacobian.RecordSize
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
// (jacobian.Jacobian; batch norm in inference mode). Gradients are computed in chunks; a panel of
// samples whose records fit in opt.MaxBytes is held while the remaining samples stream past it, so
// memory is bounded by MaxBytes plus the n×n kernel whatever the number of parameters, and dense
// layers never form n×P gradients (jacobian.Batch.Dot). progress, if not nil, receives the
// gradient records computed so far and the total. It returns an error for a net without trainable
// parameters or with an op that has no gradient, a bad output or input, a memory bound smaller than
// two records, or ctx's error.
func Kernel(ctx context.Context, net *models.Net, x []float32, n int, opt KernelOptions, progress func(done, total int)) (*mat.SymDense, KernelStats, error) {
	rc, err := newRecorder(ctx, net, opt, progress, n)
	if err != nil {
		return nil, rc.st, err
	}
	if err := rc.check(x, n); err != nil {
		return nil, rc.st, err
	}
	chunk, panel := rc.sizes(n)
	total := 0
	for ps := 0; ps < n; ps += panel {
		total += n - ps
		rc.st.Passes++
	}
	rc.total = total
	K := mat.NewSymDense(n, nil)
	var held []*jacobian.Batch
	var stream *jacobian.Batch
	set := func(i, j int, v float64) {
		if i <= j {
			K.SetSym(i, j, v)
		}
	}
	for ps := 0; ps < n; ps += panel {
		pe := min(ps+panel, n)
		k := 0
		for lo := ps; lo < pe; lo += chunk {
			if k == len(held) {
				held = append(held, nil)
			}
			if held[k], err = rc.compute(held[k], x, lo, min(lo+chunk, pe)); err != nil {
				return nil, rc.st, err
			}
			k++
		}
		for a := 0; a < k; a++ {
			for b := a; b < k; b++ {
				rc.dot(held[a], held[b], ps+a*chunk, ps+b*chunk, set)
			}
		}
		for lo := pe; lo < n; lo += chunk {
			if stream, err = rc.compute(stream, x, lo, min(lo+chunk, n)); err != nil {
				return nil, rc.st, err
			}
			for a := 0; a < k; a++ {
				rc.dot(held[a], stream, ps+a*chunk, lo, set)
			}
		}
	}
	return K, rc.st, nil
}

// CrossKernel computes Θ(a_p, b_s) between the na samples of a and the nb samples of b (both
// [n][InputSize]) as an na×nb matrix, holding panels of b's gradient records within opt.MaxBytes
// while a's stream past them. Its errors are Kernel's.
func CrossKernel(ctx context.Context, net *models.Net, a []float32, na int, b []float32, nb int, opt KernelOptions, progress func(done, total int)) (*mat.Dense, KernelStats, error) {
	rc, err := newRecorder(ctx, net, opt, progress, nb)
	if err != nil {
		return nil, rc.st, err
	}
	if err := rc.check(a, na); err != nil {
		return nil, rc.st, err
	}
	if err := rc.check(b, nb); err != nil {
		return nil, rc.st, err
	}
	chunk, panel := rc.sizes(max(na, nb))
	for ps := 0; ps < nb; ps += panel {
		rc.total += min(panel, nb-ps) + na
		rc.st.Passes++
	}
	rc.st.Samples = na + nb
	K := mat.NewDense(na, nb, nil)
	var held []*jacobian.Batch
	var stream *jacobian.Batch
	for ps := 0; ps < nb; ps += panel {
		pe := min(ps+panel, nb)
		k := 0
		for lo := ps; lo < pe; lo += chunk {
			if k == len(held) {
				held = append(held, nil)
			}
			if held[k], err = rc.compute(held[k], b, lo, min(lo+chunk, pe)); err != nil {
				return nil, rc.st, err
			}
			k++
		}
		for lo := 0; lo < na; lo += chunk {
			if stream, err = rc.compute(stream, a, lo, min(lo+chunk, na)); err != nil {
				return nil, rc.st, err
			}
			for h := 0; h < k; h++ {
				rc.dot(stream, held[h], lo, ps+h*chunk, K.Set)
			}
		}
	}
	return K, rc.st, nil
}

// recorder computes gradient records chunk by chunk and their inner products, with the timing,
// counts and progress of a KernelStats.
type recorder struct {
	ctx      context.Context
	jac      *jacobian.Jacobian
	seeds    []float32
	scale    float64
	budget   int64
	chunk    int
	st       KernelStats
	block    []float64
	total    int
	progress func(done, total int)
}

func newRecorder(ctx context.Context, net *models.Net, opt KernelOptions, progress func(done, total int), n int) (*recorder, error) {
	rc := &recorder{ctx: ctx, progress: progress, budget: opt.MaxBytes, chunk: opt.Chunk}
	jac, err := jacobian.New(net)
	if err != nil {
		return rc, err
	}
	C := jac.NumClasses()
	seeds, scale, err := opt.Output.seeds(C)
	if err != nil {
		return rc, err
	}
	R := len(seeds) / C
	rc.jac, rc.seeds, rc.scale = jac, seeds, scale
	rc.st = KernelStats{Samples: n, Params: jac.NumParams(), Output: opt.Output.String(), Seeds: R,
		RecordBytes: 4 * int64(jac.RecordSize(R)+C)}
	if rc.budget <= 0 {
		rc.budget = 1 << 30
	}
	if rc.chunk <= 0 {
		rc.chunk = 64
	}
	if 2*rc.st.RecordBytes > rc.budget {
		return rc, fmt.Errorf("ntk: one sample's gradients take %d bytes; a memory bound of %d bytes holds fewer than two", rc.st.RecordBytes, rc.budget)
	}
	return rc, nil
}

func (rc *recorder) check(x []float32, n int) error {
	if D := rc.jac.InputSize(); n < 1 || len(x) < n*D {
		return fmt.Errorf("ntk: %d input values do not hold %d samples of %d", len(x), n, D)
	}
	return nil
}

// sizes returns the chunk and the panel (a multiple of the chunk) for n samples under the budget,
// and records them and the memory they hold.
func (rc *recorder) sizes(n int) (chunk, panel int) {
	rec := rc.st.RecordBytes
	chunk = min(rc.chunk, n, int(max(1, rc.budget/(2*rec))))
	panel = int(rc.budget/rec) - chunk
	panel = max(chunk, panel/chunk*chunk)
	panel = min(panel, (n+chunk-1)/chunk*chunk)
	rc.st.Panel, rc.st.Chunk = min(panel, n), chunk
	rc.st.HeldBytes = int64(rc.st.Panel+min(chunk, n-rc.st.Panel)) * rec
	rc.block = make([]float64, chunk*chunk)
	return chunk, panel
}

func (rc *recorder) compute(dst *jacobian.Batch, x []float32, lo, hi int) (*jacobian.Batch, error) {
	if err := rc.ctx.Err(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	D := rc.jac.InputSize()
	dst = rc.jac.Compute(dst, x[lo*D:hi*D], hi-lo, rc.seeds)
	rc.st.JacobianSeconds += time.Since(t0).Seconds()
	rc.st.Computed += hi - lo
	if rc.progress != nil {
		rc.progress(rc.st.Computed, rc.total)
	}
	return dst, nil
}

// dot hands set(oa+i, ob+j, scale·⟨a_i, b_j⟩) every product of the two batches.
func (rc *recorder) dot(a, b *jacobian.Batch, oa, ob int, set func(i, j int, v float64)) {
	t0 := time.Now()
	bl := rc.block[:a.Samples*b.Samples]
	clear(bl)
	a.Dot(bl, b)
	for i := 0; i < a.Samples; i++ {
		for j := 0; j < b.Samples; j++ {
			set(oa+i, ob+j, rc.scale*bl[i*b.Samples+j])
		}
	}
	rc.st.DotSeconds += time.Since(t0).Seconds()
}
