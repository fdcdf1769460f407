package surface

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train"
)

// HessianOptions tunes HessianExtremes; the zero value means the defaults.
type HessianOptions struct {
	// Steps caps the Lanczos steps (default 200; each costs two gradients over all images, or one
	// exact product, and keeps one vector of the parameters' size).
	Steps int
	// Tol is the residual bound at which the extreme Ritz values count as converged, relative to
	// the largest |Ritz value| (default 1e-4).
	Tol float64
	// Step is the finite-difference step h relative to ‖θ‖: Hv ≈ (∇L(θ + h v) − ∇L(θ − h v)) / 2h
	// for unit v, h = Step·‖θ‖ (default 1e-3).
	Step float64
	// Seed draws the Lanczos start vector.
	Seed uint64
	// Batch is the number of images per gradient batch (default 500).
	Batch int
}

// HessianSpectrum holds the extreme eigenvalues of the Hessian of the loss at θ.
type HessianSpectrum struct {
	Max float64 `json:"max"` // largest Ritz value
	Min float64 `json:"min"` // smallest Ritz value
	// MaxBound and MinBound are the residual bounds ‖H y − θ y‖ = β_m |s_{m,i}| of the extreme Ritz
	// pairs: an eigenvalue of H lies within the bound of each Ritz value.
	MaxBound float64 `json:"max_bound"`
	MinBound float64 `json:"min_bound"`
	// Converged says both bounds fell below Tol·max(|Max|, |Min|) within the step cap; Steps is
	// the number of Lanczos steps taken and Tol the tolerance used.
	Converged bool    `json:"converged"`
	Steps     int     `json:"steps"`
	Tol       float64 `json:"tol"`
	// Ratio is |Min/Max|, Li et al.'s measure of non-convexity (0 for a convex neighbourhood).
	Ratio  float64   `json:"ratio"`
	Ritz   []float64 `json:"ritz"` // all Ritz values, ascending
	Params int       `json:"params"`
	Loss   float64   `json:"loss"` // L(θ)
	// Method says how Hessian-vector products were formed: "exact" (R-operator) or
	// "finite differences, h = …".
	Method string `json:"method"`
}

// HessianExtremes estimates the largest and smallest eigenvalues of the Hessian of the mean
// cross-entropy of net over the labelled images, with respect to the weights and biases of its dense
// and convolution nodes (batch norm frozen; see train.LossGradient), at the net's own parameters —
// the centre of a loss landscape. It runs the Lanczos iteration with full reorthogonalisation
// (Lanczos 1950; Golub & Van Loan, "Matrix Computations", §10.1) until the residual bounds of both
// extreme Ritz pairs, β_m |s_{m,i}| with s_i the Ritz vector of the tridiagonal T_m (gonum
// mat.EigenSym; Parlett, "The Symmetric Eigenvalue Problem", §13.2), are below Tol·max|θ|, or
// Steps steps; the spectrum reports the bounds and whether they converged. A fixed small number of
// steps finds λmax quickly but stops λmin short of a clustered low end, which makes |λmin/λmax|
// too small. The ratio |λ_min/λ_max| follows Li et al., "Visualizing the Loss Landscape of Neural
// Nets", NeurIPS 2018, §6.
//
// Hessian-vector products are exact for multi-layer perceptrons (Pearlmutter's R-operator, in
// float64; see mlpCurvature). For other nets they are central finite differences of exact
// gradients, Hv ≈ (∇L(θ + h v) − ∇L(θ − h v)) / 2h with h = Step·max(‖θ‖, 1): on ReLU nets the
// gradient jumps where units switch, so the result is the curvature of the loss smoothed over a
// ball of radius ≈ h and depends on Step (Method records it).
func HessianExtremes(ctx context.Context, net *models.Net, images []float32, labels []int, opt *HessianOptions) (HessianSpectrum, error) {
	var o HessianOptions
	if opt != nil {
		o = *opt
	}
	if o.Steps <= 0 {
		o.Steps = 200
	}
	if o.Tol <= 0 {
		o.Tol = 1e-4
	}
	if o.Step <= 0 {
		o.Step = 1e-3
	}
	if m := newMLPCurvature(net, images, labels); m != nil {
		if err := checkLandscape(net, []ParamVector{ParamsOf(net)}, []float64{0}, nil, images, labels); err != nil {
			return HessianSpectrum{}, err
		}
		n := m.numParams()
		var loss float64
		hvp := func(dst, v []float64) (err error) {
			loss, err = m.hvp(ctx, dst, v, nil)
			return err
		}
		lz, err := lanczos(n, min(o.Steps, n), o.Tol, hvp, rand.New(rand.NewPCG(o.Seed, 0x1a2c)))
		if err != nil {
			return HessianSpectrum{}, err
		}
		return spectrum(lz, n, loss, "exact (R-operator)"), nil
	}
	return finiteDifferenceSpectrum(ctx, net, images, labels, &o)
}

// finiteDifferenceSpectrum is HessianExtremes with Hessian-vector products by central differences
// of exact gradients (train.LossGradient), for nets other than MLPs.
func finiteDifferenceSpectrum(ctx context.Context, net *models.Net, images []float32, labels []int, o *HessianOptions) (HessianSpectrum, error) {
	lg, err := train.NewLossGradient(net, images, labels, o.Batch)
	if err != nil {
		return HessianSpectrum{}, err
	}
	defer lg.Close()
	params := lg.Params()
	n := lg.NumParams()
	theta := make([]float64, 0, n)
	for _, p := range params {
		for _, v := range p.Data {
			theta = append(theta, float64(v))
		}
	}
	loss, _, err := lg.Eval(ctx, nil)
	if err != nil {
		return HessianSpectrum{}, err
	}
	h := o.Step * math.Max(norm64(theta), 1)
	var grad [][]float32
	set := func(v []float64, a float64) {
		k := 0
		for _, p := range params {
			for i := range p.Data {
				p.Data[i] = float32(theta[k] + a*v[k])
				k++
			}
		}
	}
	gp, gm := make([]float64, n), make([]float64, n)
	gradAt := func(dst, v []float64, a float64) error {
		set(v, a)
		var err error
		if _, grad, err = lg.Eval(ctx, grad); err != nil {
			return err
		}
		k := 0
		for _, g := range grad {
			for _, x := range g {
				dst[k] = float64(x)
				k++
			}
		}
		return nil
	}
	hvp := func(dst, v []float64) error {
		if err := gradAt(gp, v, h); err != nil {
			return err
		}
		if err := gradAt(gm, v, -h); err != nil {
			return err
		}
		for k := range dst {
			dst[k] = (gp[k] - gm[k]) / (2 * h)
		}
		return nil
	}
	lz, err := lanczos(n, min(o.Steps, n), o.Tol, hvp, rand.New(rand.NewPCG(o.Seed, 0x1a2c)))
	set(make([]float64, n), 0)
	if err != nil {
		return HessianSpectrum{}, err
	}
	return spectrum(lz, n, loss, fmt.Sprintf("finite differences of gradients, h = %.3g", h)), nil
}

func spectrum(lz *lanczosResult, n int, loss float64, method string) HessianSpectrum {
	r := lz.ritz
	s := HessianSpectrum{Ritz: r, Max: r[len(r)-1], Min: r[0], MaxBound: lz.maxBound, MinBound: lz.minBound,
		Converged: lz.converged, Steps: len(r), Tol: lz.tol, Params: n, Loss: loss, Method: method}
	if s.Max != 0 {
		s.Ratio = math.Abs(s.Min / s.Max)
	}
	return s
}

// lanczosResult is the outcome of lanczos: the Ritz values in ascending order, the residual
// bounds of the extreme two, and whether both are within tol·max|θ|.
type lanczosResult struct {
	ritz               []float64
	minBound, maxBound float64
	converged          bool
	tol                float64
}

// lanczos runs the Lanczos iteration on the symmetric operator hvp of dimension n from a random
// unit start vector, reorthogonalising every new vector against all previous ones (twice), until
// the residual bounds β_k |s_{k,i}| of the smallest and largest Ritz pairs are at most
// tol·max(|θ_min|, |θ_max|), or m steps, or an invariant subspace (β_k ≈ 0: the Ritz values are
// eigenvalues).
func lanczos(n, m int, tol float64, hvp func(dst, v []float64) error, rng *rand.Rand) (*lanczosResult, error) {
	// The m Lanczos vectors and a few working ones, float64 over every parameter.
	if err := memcap.Check(fmt.Sprintf("%d Lanczos steps over %d parameters", m, n), memcap.Mul(int64(m)+6, int64(n), 8)); err != nil {
		return nil, fmt.Errorf("surface: Hessian: %w (fewer --hessian-steps need less)", err)
	}
	q := make([][]float64, 0, m)
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	scaleTo(v, 1/norm64(v))
	alpha, beta := []float64{}, []float64{}
	w := make([]float64, n)
	res := &lanczosResult{tol: tol}
	for j := 0; j < m; j++ {
		q = append(q, v)
		if err := hvp(w, v); err != nil {
			return nil, err
		}
		a := dot64(w, v)
		alpha = append(alpha, a)
		for pass := 0; pass < 2; pass++ {
			for _, u := range q {
				c := dot64(w, u)
				for i := range w {
					w[i] -= c * u[i]
				}
			}
		}
		b := norm64(w)
		invariant := b < 1e-10*math.Max(math.Abs(a), 1)
		if invariant {
			b = 0
		}
		if err := res.ritzPairs(alpha, beta, b); err != nil {
			return nil, err
		}
		if res.converged || invariant {
			res.converged = true
			break
		}
		beta = append(beta, b)
		v = make([]float64, n)
		for i := range v {
			v[i] = w[i] / b
		}
	}
	return res, nil
}

// ritzPairs solves the tridiagonal eigenproblem of alpha, beta and sets the Ritz values, the
// extreme pairs' residual bounds next·|s_{k,i}| (next is the new β), and convergence.
func (r *lanczosResult) ritzPairs(alpha, beta []float64, next float64) error {
	k := len(alpha)
	t := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		t.SetSym(i, i, alpha[i])
		if i+1 < k {
			t.SetSym(i, i+1, beta[i])
		}
	}
	var es mat.EigenSym
	if !es.Factorize(t, true) {
		return fmt.Errorf("surface: Lanczos: the tridiagonal eigenproblem did not converge")
	}
	r.ritz = es.Values(nil)
	var s mat.Dense
	es.VectorsTo(&s)
	r.minBound = next * math.Abs(s.At(k-1, 0))
	r.maxBound = next * math.Abs(s.At(k-1, k-1))
	scale := math.Max(math.Abs(r.ritz[0]), math.Abs(r.ritz[k-1]))
	r.converged = r.minBound <= r.tol*scale && r.maxBound <= r.tol*scale
	return nil
}

func norm64(v []float64) float64 { return math.Sqrt(dot64(v, v)) }

func scaleTo(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}
