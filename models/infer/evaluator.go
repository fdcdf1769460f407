package infer

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
)

// Evaluator is a Net compiled for fast batched inference in float32: batch norms folded into the
// conv or dense node before them, activations fused into the conv or dense step that feeds them,
// weights copied into the layout the kernels read. Convolutions run as im2col + sgemm (OpenBLAS
// through gonum's blas.Float32 interface; pure Go with the build tag noblas).
//
// A batch is split into work units of a fixed number of samples that run in parallel on up to
// GOMAXPROCS goroutines, each with its own pooled scratch memory, so memory is bounded by the unit
// size whatever the batch, and results do not depend on the number of cores. An Evaluator is safe
// for concurrent use; it keeps no reference to the Net it was built from.
type Evaluator struct {
	inputSize, classes int
	fast               *plan // activations fused: Forward
	full               *plan // every node kept: InputGrad, affine probes

	affine *affinePlans

	probeMu sync.Mutex
	probes  []*AffineProbe // ForwardAffine's cache: the last probes built, most recent first
}

// New validates n (Net.Shapes) and compiles it. It returns an error, before any scratch memory
// is allocated, when the scratch the evaluator may hold at once (WorkingBytes) is over the memory
// cap (internal/memcap): a net of modest values can still ask for huge im2col buffers, such as a
// 1000×1000 kernel.
func New(n *models.Net) (*Evaluator, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	e := &Evaluator{inputSize: n.InputSize(), classes: n.Classes}
	e.fast = compile(n, shapes, planOptions{fuse: true})
	e.full = compile(n, shapes, planOptions{})
	e.affine = newAffinePlans(n, shapes)
	workers := int64(cap(unitTokens))
	if err := memcap.Check(fmt.Sprintf("the forward pass (%d workers × %s of scratch)", workers, memcap.Format(e.WorkingBytes()/workers)), e.WorkingBytes()); err != nil {
		return nil, fmt.Errorf("infer: %w", err)
	}
	return e, nil
}

// WorkingBytes returns the most scratch memory the evaluator holds at once: one scratch of each
// of its plans (Forward's, InputGrad's with its gradients, an affine probe's) for each of the
// GOMAXPROCS work units that may run at a time.
func (e *Evaluator) WorkingBytes() int64 {
	floats := int64(e.fast.scratchFloats()) + int64(e.full.gradScratchFloats()) + int64(e.affine.input.scratchFloats())
	if e.affine.front != nil {
		floats += int64(e.affine.front.scratchFloats())
	}
	return memcap.Mul(int64(cap(unitTokens)), floats, 4)
}

// InputSize returns the number of values per sample, C·H·W.
func (e *Evaluator) InputSize() int { return e.inputSize }

// NumClasses returns the number of logits per sample.
func (e *Evaluator) NumClasses() int { return e.classes }

// FLOPs returns the floating-point operations of one forward pass through the conv and dense
// layers (two per multiply-add), the usual yardstick for GFLOP/s figures.
func (e *Evaluator) FLOPs() float64 { return e.fast.flops }

// Forward evaluates the batch samples in x (batch·InputSize values, [N,C,H,W]) and writes their
// logits, [batch][NumClasses], into dst, which it grows when it is too short. It returns
// dst[:batch·NumClasses]. It panics if x is too short.
func (e *Evaluator) Forward(dst, x []float32, batch int) []float32 {
	if batch < 0 || len(x) < batch*e.inputSize {
		panic(fmt.Sprintf("infer: Forward: %d inputs for a batch of %d samples of %d", len(x), batch, e.inputSize))
	}
	dst = slices.Grow(dst[:0], batch*e.classes)[:batch*e.classes]
	p := e.fast
	parallelUnits(batch, p.unit, func(lo, hi int) {
		sc := p.getScratch()
		out := p.run(sc, x[lo*e.inputSize:hi*e.inputSize], hi-lo)
		copy(dst[lo*e.classes:hi*e.classes], out)
		p.putScratch(sc)
	})
	return dst
}

// unitTokens bounds the work units in flight over the whole process to GOMAXPROCS (at start-up),
// so that callers which parallelise themselves (surface.Sample runs several chunks at once) do not
// multiply the scratch memory: a unit holds a token while it holds scratch.
var unitTokens = make(chan struct{}, runtime.GOMAXPROCS(0))

// parallelUnits calls f on the units [lo, hi) of [0, batch), unit samples each (the last may be
// shorter), on up to GOMAXPROCS goroutines, and returns when all are done. Units are fixed by
// batch and unit alone, so results do not depend on scheduling.
func parallelUnits(batch, unit int, f func(lo, hi int)) {
	parallel.Chunks(context.Background(), batch, unit, 0, func(_, lo, hi int) {
		unitTokens <- struct{}{}
		f(lo, hi)
		<-unitTokens
	})
}
