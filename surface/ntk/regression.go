package ntk

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Regression is kernel ridge regression measured on the empirical measure of the m kernel samples:
// what eigenlearning predicts, done. Each trial draws n of the m samples without replacement
// (seeded), fits f̂ = K(·,X)(K(X,X) + δI)⁻¹ Y_X to their one-hot targets and scores every sample.
// Values are means over the trials; MSE is per sample, summed over classes.
type Regression struct {
	N      int     `json:"n"`
	Trials int     `json:"trials"`
	Ridge  float64 `json:"ridge"`
	// Jitter is the largest extra diagonal added so that K(X,X) + δI could be Cholesky-factorised
	// (0 when none was needed).
	Jitter float64 `json:"jitter"`
	// MSE is over all m samples (the empirical measure, eigenlearning's test MSE); TrainMSE over
	// the n trained on, HeldOutMSE and HeldOutError (argmax ≠ label) over the m − n others.
	MSE          float64 `json:"mse"`
	TrainMSE     float64 `json:"train_mse"`
	HeldOutMSE   Number  `json:"heldout_mse"`
	HeldOutError Number  `json:"heldout_error"`
}

// KernelRegression runs trials of kernel ridge regression with n training samples on the kernel k
// over m samples with the given labels. It returns an error for n outside [1, m], bad labels, a
// kernel block that stays indefinite after a jitter of 1e-4 of its mean diagonal, or ctx's error.
func KernelRegression(ctx context.Context, k mat.Symmetric, labels []int, classes, n int, ridge float64, trials int, seed uint64) (*Regression, error) {
	m := k.SymmetricDim()
	if len(labels) != m {
		return nil, fmt.Errorf("ntk: %d labels for a kernel on %d samples", len(labels), m)
	}
	if n < 1 || n > m {
		return nil, fmt.Errorf("ntk: %d training samples of %d", n, m)
	}
	if trials < 1 {
		trials = 1
	}
	for i, l := range labels {
		if l < 0 || l >= classes {
			return nil, fmt.Errorf("ntk: label %d of sample %d is not in [0,%d)", l, i, classes)
		}
	}
	r := rand.New(rand.NewPCG(seed, 0x6b7272))
	out := &Regression{N: n, Trials: trials, Ridge: ridge}
	var heldMSE, heldErr float64
	for t := 0; t < trials; t++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		perm := r.Perm(m)
		train := perm[:n]
		a := mat.NewSymDense(n, nil)
		diag := 0.0
		for i, p := range train {
			for j := i; j < n; j++ {
				a.SetSym(i, j, k.At(p, train[j]))
			}
			diag += k.At(p, p)
		}
		diag /= float64(n)
		var ch mat.Cholesky
		jitter := 0.0
		for {
			b := mat.NewSymDense(n, nil)
			b.CopySym(a)
			for i := 0; i < n; i++ {
				b.SetSym(i, i, b.At(i, i)+ridge+jitter)
			}
			if ch.Factorize(b) {
				break
			}
			if jitter == 0 {
				jitter = 1e-10 * diag
			} else {
				jitter *= 10
			}
			if jitter > 1e-4*diag || diag <= 0 {
				return nil, fmt.Errorf("ntk: kernel regression on %d samples: K(X,X) + %g·I is not positive definite even with a jitter of %.3g; add a ridge", n, ridge, jitter)
			}
		}
		out.Jitter = max(out.Jitter, jitter)
		y := mat.NewDense(n, classes, nil)
		for i, p := range train {
			y.Set(i, labels[p], 1)
		}
		var alpha mat.Dense
		if err := ch.SolveTo(&alpha, y); err != nil {
			return nil, fmt.Errorf("ntk: kernel regression: %v", err)
		}
		kx := mat.NewDense(m, n, nil)
		for s := 0; s < m; s++ {
			for j, p := range train {
				kx.Set(s, j, k.At(s, p))
			}
		}
		var f mat.Dense
		f.Mul(kx, &alpha)
		isTrain := make([]bool, m)
		for _, p := range train {
			isTrain[p] = true
		}
		var all, tr, ho, wrong float64
		for s := 0; s < m; s++ {
			e, best := 0.0, 0
			for c := 0; c < classes; c++ {
				v := f.At(s, c)
				if c == labels[s] {
					v--
				}
				e += v * v
				if f.At(s, c) > f.At(s, best) {
					best = c
				}
			}
			all += e
			if isTrain[s] {
				tr += e
			} else {
				ho += e
				if best != labels[s] {
					wrong++
				}
			}
		}
		out.MSE += all / float64(m) / float64(trials)
		out.TrainMSE += tr / float64(n) / float64(trials)
		if m > n {
			heldMSE += ho / float64(m-n) / float64(trials)
			heldErr += wrong / float64(m-n) / float64(trials)
		}
	}
	out.HeldOutMSE, out.HeldOutError = Number(heldMSE), Number(heldErr)
	if m == n {
		out.HeldOutMSE, out.HeldOutError = Number(nan()), Number(nan())
	}
	return out, nil
}
