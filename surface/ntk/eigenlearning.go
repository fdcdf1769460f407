package ntk

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Eigenlearning predicts the generalisation of kernel (ridge) regression from the kernel's
// eigenvalues and the target's eigen-coefficients (Simon, Dickens, Karkada & DeWeese, "The
// Eigenlearning Framework: A Conservation Law Perspective on Kernel Regression and Wide Neural
// Networks", TMLR 2023, arXiv:2110.03922, first circulated as "Neural Tangent Kernel Eigenvalues
// Accurately Predict Generalization"; the same estimates as Bordelon, Canatar & Pehlevan 2020 and
// Jacot et al. 2020). With the kernel K(x,x') = Σ_i λ_i φ_i(x)φ_i(x') orthonormal under the data
// distribution, a target f = Σ_i v_i φ_i, n training samples and ridge δ
// (f̂ = K(x,X)(K(X,X) + δI)⁻¹ f(X)):
//
//	κ ≥ 0 solves  Σ_i λ_i/(λ_i + κ) + δ/κ = n          (the effective regularisation)
//	L_i = λ_i/(λ_i + κ)                                  (the learnability of mode i)
//	Σ_i L_i = n − δ/κ                                    (the conservation law; = n without ridge)
//	E₀ = n/(n − Σ_i L_i²)                                (the overfitting coefficient)
//	test MSE  E = E₀ Σ_i (1 − L_i)² v_i²                 (no label noise)
//	train MSE = (δ/(nκ))² E
//
// Here the distribution is the empirical measure on the m kernel samples: λ_i = μ_i/m from the
// Gram eigenvalues μ_i (Spectrum.Operator), φ_i(x_s) = √m·u_i[s] from its unit eigenvectors, so the
// coefficient of a one-hot class column Y_c is v_{i,c} = u_iᵀY_c/√m, and for C outputs with the
// same kernel the MSEs add over classes: v_i² = Σ_c v_{i,c}² (TargetPower). MSE is per sample and
// summed over the C outputs, so predicting 0 everywhere scores 1.

// TargetPower returns v_i² = Σ_c (u_iᵀY_c)²/m for the one-hot targets of labels (the m kernel
// samples' classes) in the eigenbasis of s, which must hold eigenvectors, one per eigenvalue of s.
// The values of a whole spectrum sum to 1 (of the top ones, to the share of the targets' power they
// hold).
func TargetPower(s *Spectrum, labels []int, classes int) ([]float64, error) {
	if s.Vectors == nil {
		return nil, fmt.Errorf("ntk: target power needs the eigenvectors")
	}
	m, modes := s.Vectors.Dims()
	if len(labels) != m {
		return nil, fmt.Errorf("ntk: %d labels for a kernel on %d samples", len(labels), m)
	}
	y := mat.NewDense(m, classes, nil)
	for i, l := range labels {
		if l < 0 || l >= classes {
			return nil, fmt.Errorf("ntk: label %d of sample %d is not in [0,%d)", l, i, classes)
		}
		y.Set(i, l, 1)
	}
	var c mat.Dense
	c.Mul(s.Vectors.T(), y) // modes×classes: u_iᵀY_c
	out := make([]float64, modes)
	for i := range out {
		t := 0.0
		for k := 0; k < classes; k++ {
			v := c.At(i, k)
			t += v * v
		}
		out[i] = t / float64(m)
	}
	return out, nil
}

// Kappa returns the κ > 0 that solves Σ_i λ_i/(λ_i+κ) + ridge/κ = n (bisection in log κ to
// relative precision 1e-13). Without ridge a solution exists only when more than n eigenvalues are
// positive; otherwise Kappa returns an error that says to add a ridge.
func Kappa(lambda []float64, n int, ridge float64) (float64, error) {
	if n < 1 {
		return 0, fmt.Errorf("ntk: %d training samples", n)
	}
	if ridge < 0 || math.IsNaN(ridge) || math.IsInf(ridge, 0) {
		return 0, fmt.Errorf("ntk: ridge %v", ridge)
	}
	sum, pos := 0.0, 0
	for _, l := range lambda {
		if l < 0 || math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, fmt.Errorf("ntk: eigenvalue %v", l)
		}
		if l > 0 {
			sum += l
			pos++
		}
	}
	if ridge == 0 && pos <= n {
		return 0, fmt.Errorf("ntk: %d positive eigenvalues cannot carry %d training samples without a ridge (no κ > 0 solves the eigenlearning equation); add a ridge or use fewer training samples", pos, n)
	}
	g := func(k float64) float64 {
		t := ridge / k
		for _, l := range lambda {
			t += l / (l + k)
		}
		return t - float64(n)
	}
	hi := 2 * (sum + ridge) / float64(n) // g(hi) < 0
	lo := hi
	for g(lo) <= 0 {
		lo /= 16
		if lo < 1e-300 {
			return 0, fmt.Errorf("ntk: no κ solves the eigenlearning equation for n = %d", n)
		}
	}
	for it := 0; it < 400 && hi/lo > 1+1e-13; it++ {
		mid := math.Sqrt(lo * hi)
		if g(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Sqrt(lo * hi), nil
}

// Prediction is the eigenlearning estimate for n training samples.
type Prediction struct {
	N     int     `json:"n"`
	Ridge float64 `json:"ridge"`
	Kappa float64 `json:"kappa"`
	E0    float64 `json:"e0"`
	// SumL is Σ_i L_i, which the conservation law sets to n − δ/κ.
	SumL     float64 `json:"sum_learnability"`
	TestMSE  float64 `json:"test_mse"`
	TrainMSE float64 `json:"train_mse"`
	// HeldOutMSE is the MSE expected on the m − n kernel samples not trained on, when the
	// distribution is the empirical measure of m samples: (m·TestMSE − n·TrainMSE)/(m − n).
	HeldOutMSE Number `json:"heldout_mse"`
	// TargetLearnability is Σ L_i v_i²/Σ v_i², the fraction of the target learnt on average.
	TargetLearnability float64   `json:"target_learnability"`
	Learnabilities     []float64 `json:"learnabilities"`
}

// Predict returns the eigenlearning prediction for n training samples and the given ridge from the
// operator eigenvalues lambda (descending) and the target power v2 (same length) of a measure of m
// samples (m ≤ n leaves HeldOutMSE NaN).
func Predict(lambda, v2 []float64, n int, ridge float64, m int) (*Prediction, error) {
	if len(v2) != len(lambda) {
		return nil, fmt.Errorf("ntk: %d eigenvalues and %d target coefficients", len(lambda), len(v2))
	}
	k, err := Kappa(lambda, n, ridge)
	if err != nil {
		return nil, err
	}
	p := &Prediction{N: n, Ridge: ridge, Kappa: k, Learnabilities: make([]float64, len(lambda))}
	var sumL2, miss, learnt, power float64
	for i, l := range lambda {
		L := l / (l + k)
		p.Learnabilities[i] = L
		p.SumL += L
		sumL2 += L * L
		miss += (1 - L) * (1 - L) * v2[i]
		learnt += L * v2[i]
		power += v2[i]
	}
	p.E0 = float64(n) / (float64(n) - sumL2)
	p.TestMSE = p.E0 * miss
	r := ridge / (float64(n) * k)
	p.TrainMSE = r * r * p.TestMSE
	p.HeldOutMSE = Number(math.NaN())
	if m > n {
		p.HeldOutMSE = Number((float64(m)*p.TestMSE - float64(n)*p.TrainMSE) / float64(m-n))
	}
	if power > 0 {
		p.TargetLearnability = learnt / power
	}
	return p, nil
}
