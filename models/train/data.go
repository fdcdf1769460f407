package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/surfscope/surfscope/dataset"
)

// checkData checks that s suits n: image shape, sizes and labels. A nil s passes (no data).
func checkData(what string, s *dataset.Set, n *Net) error {
	if s == nil {
		return nil
	}
	if [3]int{s.C, s.H, s.W} != n.Input {
		return fmt.Errorf("models: %s data %s: image shape [%d %d %d], the net wants %v", what, s.Name, s.C, s.H, s.W, n.Input)
	}
	size := n.InputSize()
	if len(s.Images) != s.N*size || len(s.Labels) != s.N {
		return fmt.Errorf("models: %s data %s: %d values and %d labels for %d images of %d", what, s.Name, len(s.Images), len(s.Labels), s.N, size)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= n.Classes {
			return fmt.Errorf("models: %s data %s: label %d of image %d is not in [0,%d)", what, s.Name, l, i, n.Classes)
		}
	}
	return nil
}

// batchFiller writes training batches (shuffled ids, optional flips and mixup) into a graph's input
// and target buffers.
type batchFiller struct {
	data  *dataset.Set
	size  int // values per image
	c, h  int
	w     int
	k     int // classes
	flip  bool
	mixup float64
	rng   *rand.Rand
	tmp   []float32
}

// fill writes the images ids into x and their one-hot (or mixed) labels into t.
func (f *batchFiller) fill(x, t []float32, ids []int) {
	clear(t)
	for s, id := range ids {
		dst := x[s*f.size : (s+1)*f.size]
		copy(dst, f.data.Images[id*f.size:(id+1)*f.size])
		if f.flip && f.rng.IntN(2) == 1 {
			flipW(dst, f.c*f.h, f.w)
		}
		t[s*f.k+f.data.Labels[id]] = 1
	}
	if f.mixup <= 0 {
		return
	}
	// Mixup (Zhang et al. 2018): mix the batch with a shuffled copy of itself, λ ~ Beta(α, α).
	lam := float32(betaSample(f.rng, f.mixup))
	perm := f.rng.Perm(len(ids))
	if len(f.tmp) < len(ids)*f.size {
		f.tmp = make([]float32, len(ids)*f.size)
	}
	tmpX := f.tmp[:len(ids)*f.size]
	copy(tmpX, x[:len(ids)*f.size])
	tmpT := make([]float32, len(ids)*f.k)
	copy(tmpT, t)
	for s, p := range perm {
		xs, xp := x[s*f.size:(s+1)*f.size], tmpX[p*f.size:(p+1)*f.size]
		for i := range xs {
			xs[i] = lam*xs[i] + (1-lam)*xp[i]
		}
		ts, tp := t[s*f.k:(s+1)*f.k], tmpT[p*f.k:(p+1)*f.k]
		for i := range ts {
			ts[i] = lam*ts[i] + (1-lam)*tp[i]
		}
	}
}

// flipW reverses the last axis (width w) of each of the rows of v: a horizontal flip.
func flipW(v []float32, rows, w int) {
	for r := 0; r < rows; r++ {
		row := v[r*w : (r+1)*w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			row[i], row[j] = row[j], row[i]
		}
	}
}

// betaSample draws from Beta(a, a) as X/(X+Y) with X, Y ~ Gamma(a).
func betaSample(r *rand.Rand, a float64) float64 {
	x, y := gammaSample(r, a), gammaSample(r, a)
	if x+y == 0 {
		return 0.5
	}
	return x / (x + y)
}

// gammaSample draws from Gamma(a, 1) by Marsaglia & Tsang (2000), "A simple method for generating
// gamma variables", boosting a < 1 with U^(1/a).
func gammaSample(r *rand.Rand, a float64) float64 {
	if a < 1 {
		return gammaSample(r, a+1) * math.Pow(r.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
