package train

import (
	"math"
	"math/rand/v2"
)

// Augmentation of training batches: horizontal flips and mixup.

// mix replaces the n samples of a filled batch (images x, targets t) by mixup pairs (Zhang et al.
// 2018, "mixup: Beyond empirical risk minimization"): each sample mixed with one of a shuffled
// copy of the batch, images and targets with the same weight λ ~ Beta(α, α).
func (f *batchFiller) mix(x, t []float32, n int) {
	lam := float32(betaSample(f.rng, f.mixup))
	perm := f.rng.Perm(n)
	if len(f.tmp) < n*f.size {
		f.tmp = make([]float32, n*f.size)
	}
	tmpX := f.tmp[:n*f.size]
	copy(tmpX, x[:n*f.size])
	tmpT := make([]float32, n*f.k)
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
