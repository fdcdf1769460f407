package ntk

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Spectrum is the eigen-decomposition K = Σ_i μ_i u_i u_iᵀ of a kernel matrix on m samples, in
// descending order of eigenvalue: all m eigenpairs, or only the largest (DecomposeTop).
type Spectrum struct {
	// Values holds μ_1 ≥ μ_2 ≥ … , the eigenvalues of the m×m kernel matrix (all m, or the top
	// ones). Round-off can leave the smallest slightly negative for a positive semi-definite kernel.
	Values []float64
	// Vectors holds the unit eigenvectors u_i as columns (m×len(Values)), nil when not asked for.
	Vectors *mat.Dense
	// Samples is m, the kernel's dimension (0: len(Values), a whole spectrum).
	Samples int
	// Solver names the eigensolver: "lapack dsyevr (openblas)" or "gonum EigenSym".
	Solver string
}

// Decompose eigen-decomposes the symmetric matrix k: every eigenpair, with the eigenvectors when
// vectors is true (DecomposeTop with top 0).
func Decompose(k mat.Symmetric, vectors bool) (*Spectrum, error) {
	return DecomposeTop(k, 0, vectors)
}

// DecomposeTop eigen-decomposes the symmetric matrix k, keeping the top largest eigenpairs (all
// for top ≤ 0 or ≥ m), with the eigenvectors when vectors is true. Built with OpenBLAS (cgo, no
// noblas tag) it calls LAPACK's dsyevr (Householder tridiagonal reduction, then the eigenpairs of
// the tridiagonal matrix by Relatively Robust Representations, only the top ones when asked:
// Dhillon & Parlett 2004) on every core; with -tags noblas it is gonum's pure-Go mat.EigenSym
// (dsyev: implicit QL/QR), which computes every pair and keeps the top. It returns an error when
// the factorisation fails or k holds NaN or Inf values.
func DecomposeTop(k mat.Symmetric, top int, vectors bool) (*Spectrum, error) {
	m := k.SymmetricDim()
	for i := 0; i < m; i++ {
		for j := i; j < m; j++ {
			if v := k.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("ntk: kernel entry (%d,%d) is %v", i, j, v)
			}
		}
	}
	if top <= 0 || top > m {
		top = m
	}
	s, err := eigenTop(k, top, vectors)
	if err != nil {
		return nil, err
	}
	s.Samples = m
	return s, nil
}

// eigenGonum is DecomposeTop through gonum's mat.EigenSym: every pair, then the top ones.
func eigenGonum(k mat.Symmetric, top int, vectors bool) (*Spectrum, error) {
	m := k.SymmetricDim()
	var e mat.EigenSym
	if !e.Factorize(k, vectors) {
		return nil, fmt.Errorf("ntk: the eigen-decomposition of the %d×%d kernel did not converge", m, m)
	}
	asc := e.Values(nil) // ascending
	s := &Spectrum{Values: make([]float64, top), Solver: "gonum EigenSym"}
	for i := range top {
		s.Values[i] = asc[m-1-i]
	}
	if vectors {
		var ev mat.Dense
		e.VectorsTo(&ev)
		s.Vectors = mat.NewDense(m, top, nil)
		for i := range top {
			s.Vectors.SetCol(i, mat.Col(nil, m-1-i, &ev))
		}
	}
	return s, nil
}

// samples is m, the kernel's dimension.
func (s *Spectrum) samples() int {
	if s.Samples > 0 {
		return s.Samples
	}
	return len(s.Values)
}

// Operator returns the eigenvalues of the kernel's integral operator on the empirical measure of
// the m samples, λ_i = μ_i/m (the Nyström estimate of the population eigenvalues, which the Gram
// eigenvalues approach as m·λ_i; Williams & Seeger 2001), clamped at 0 from below.
func (s *Spectrum) Operator() []float64 {
	m := float64(s.samples())
	out := make([]float64, len(s.Values))
	for i, v := range s.Values {
		out[i] = max(v, 0) / m
	}
	return out
}

// PowerLaw is a fit λ_i ≈ Scale·i^(−Exponent) over the 1-based indices From..To.
type PowerLaw struct {
	Exponent float64 `json:"exponent"`
	Scale    float64 `json:"scale"`
	// R2 is the coefficient of determination of the fit in log-log space.
	R2   float64 `json:"r2"`
	From int     `json:"from"`
	To   int     `json:"to"`
}

// FitPowerLaw fits log λ_i = log Scale − Exponent·log i by least squares over the 1-based indices
// from..to of values (descending eigenvalues). to ≤ 0 means len(values)/2; from ≤ 0 means 10 (the
// top modes of a classifier's kernel carry the class structure and sit above the power law; the
// bottom half is flattened by round-off and the finite sample). Indices whose value is not positive
// are left out. It returns an error when fewer than 3 points remain.
func FitPowerLaw(values []float64, from, to int) (PowerLaw, error) {
	if to <= 0 {
		to = len(values) / 2
	}
	if from <= 0 {
		from = 10
	}
	to = min(to, len(values))
	var sx, sy, sxx, sxy, syy float64
	k := 0
	for i := from; i <= to; i++ {
		v := values[i-1]
		if !(v > 0) || math.IsInf(v, 0) {
			continue
		}
		x, y := math.Log(float64(i)), math.Log(v)
		sx, sy, sxx, sxy, syy = sx+x, sy+y, sxx+x*x, sxy+x*y, syy+y*y
		k++
	}
	if k < 3 {
		return PowerLaw{From: from, To: to}, fmt.Errorf("ntk: power-law fit over indices %d..%d of %d eigenvalues: %d positive values, want at least 3", from, to, len(values), k)
	}
	n := float64(k)
	vx, vy, cxy := sxx-sx*sx/n, syy-sy*sy/n, sxy-sx*sy/n
	slope := cxy / vx
	r2 := 1.0
	if vy > 0 {
		r2 = cxy * cxy / (vx * vy)
	}
	return PowerLaw{Exponent: -slope, Scale: math.Exp((sy - slope*sx) / n), R2: r2, From: from, To: to}, nil
}
