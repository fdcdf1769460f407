package surface

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/projection"
)

// Forwarder evaluates a batch of images [batch, C, H, W] and writes the logits [batch][classes] into
// dst, growing it when it is too short, and returns dst[:batch·classes]. It must be safe for use by
// several goroutines at once. *infer.Evaluator implements it.
type Forwarder interface {
	Forward(dst, x []float32, batch int) []float32
	InputSize() int
	NumClasses() int
}

// affineForwarder is the optional exact shortcut for affine probes: it evaluates the points
// x0 + Σ_d coef[k·len(dirs)+d]·dirs[d] without forming them, because a net's first layer is affine.
type affineForwarder interface {
	ForwardAffine(dst []float32, x0 []float32, dirs [][]float32, coef []float32, batch int) []float32
}

// Options tunes Sample; nil means the defaults.
type Options struct {
	// Chunk is the number of points evaluated per call of Forward (default 256). Memory stays
	// bounded by Workers·Chunk·InputSize floats, independently of the grid size.
	Chunk int
	// Workers is the number of chunks in flight (default GOMAXPROCS).
	Workers int
	// Plain disables the affine shortcut even when the forwarder offers it.
	Plain bool
}

// MaxPoints is the largest grid Sample accepts (16.7 million points, a 4096x4096 plane).
const MaxPoints = projection.MaxAxis * projection.MaxAxis

// Sample evaluates f at every grid point of probe p and returns the logits as a Grid. Work is split
// into chunks spread over workers (the grid and their buffers must fit the memory cap of
// internal/memcap, checked before they are allocated); progress, when not nil, is called with the number of points done
// so far after each chunk (from one goroutine at a time, in no particular order of chunks). When
// ctx is cancelled, Sample stops after the chunks in flight and returns ctx.Err(). The result does
// not depend on the number of workers.
func Sample(ctx context.Context, f Forwarder, p *projection.Probe, opt *Options, progress func(done, total int)) (*Grid, error) {
	if p.Shape[0]*p.Shape[1]*p.Shape[2] != f.InputSize() || len(p.Origin) != f.InputSize() {
		return nil, fmt.Errorf("surface: probe points have %d values (shape %v), the net takes %d", len(p.Origin), p.Shape, f.InputSize())
	}
	nx, ny := p.Dims()
	total := nx * ny
	if total <= 0 || total > MaxPoints {
		return nil, fmt.Errorf("surface: %d grid points; at most %d", total, MaxPoints)
	}
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Chunk <= 0 {
		o.Chunk = 256
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	k := f.NumClasses()
	need := memcap.Mul(int64(total), int64(k), 4) + memcap.Mul(int64(o.Workers), int64(o.Chunk), int64(f.InputSize()+k), 4)
	if err := memcap.Check(fmt.Sprintf("a grid of %d×%d points of %d logits", nx, ny, k), need); err != nil {
		return nil, fmt.Errorf("surface: %w", err)
	}
	g := &Grid{NX: nx, NY: ny, K: k, S: p.S, T: p.T, Values: make([]float32, total*k), Probe: p}
	af, useAffine := f.(affineForwarder)
	useAffine = useAffine && !o.Plain

	type buffers struct{ pts, coef, out []float32 }
	bufs := make([]buffers, o.Workers)
	var (
		mu   sync.Mutex
		done int
	)
	size := f.InputSize()
	nd := len(p.Dirs)
	err := parallel.Chunks(ctx, total, o.Chunk, o.Workers, func(w, lo, hi int) {
		b := &bufs[w]
		n := hi - lo
		if useAffine {
			b.coef = grow(b.coef, n*nd)
			for q := 0; q < n; q++ {
				p.Coef(b.coef[q*nd:], lo+q)
			}
			b.out = af.ForwardAffine(b.out, p.Origin, p.Dirs, b.coef, n)
		} else {
			b.pts = grow(b.pts, n*size)
			for q := 0; q < n; q++ {
				p.Point(b.pts[q*size:(q+1)*size], lo+q)
			}
			b.out = f.Forward(b.out, b.pts, n)
		}
		copy(g.Values[lo*k:(lo+n)*k], b.out[:n*k])
		if progress != nil {
			mu.Lock()
			done += n
			progress(done, total)
			mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
