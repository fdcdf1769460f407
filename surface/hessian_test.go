package surface

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
)

func TestLanczosFindsExtremeEigenvalues(t *testing.T) {
	// A symmetric matrix Q diag(λ) Qᵀ with known spectrum from −2 to 9.
	const n = 40
	r := rand.New(rand.NewPCG(1, 1))
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = -2 + 11*float64(i)/float64(n-1)
	}
	g := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, r.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	var a mat.Dense
	a.Mul(&q, mat.NewDiagDense(n, lam))
	a.Mul(&a, q.T())
	hvp := func(dst, v []float64) error {
		mat.NewVecDense(n, dst).MulVec(&a, mat.NewVecDense(n, v))
		return nil
	}
	lz, err := lanczos(n, n, 1e-12, hvp, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	ritz := lz.ritz
	near(t, "λmin (full)", ritz[0], -2, 1e-8)
	near(t, "λmax (full)", ritz[len(ritz)-1], 9, 1e-8)
	// 25 steps on evenly spread eigenvalues: the extremes converge first (to ~1e-3 here).
	lz, _ = lanczos(n, 25, 1e-12, hvp, rand.New(rand.NewPCG(2, 2)))
	ritz = lz.ritz
	near(t, "λmin (25 steps)", ritz[0], -2, 1e-2)
	near(t, "λmax (25 steps)", ritz[len(ritz)-1], 9, 1e-2)
	// The residual bounds hold: an eigenvalue lies within each bound of its Ritz value.
	if math.Abs(ritz[0]+2) > lz.minBound || math.Abs(ritz[len(ritz)-1]-9) > lz.maxBound || lz.converged {
		t.Errorf("25 steps: λmin %g ± %g, λmax %g ± %g, converged %v", ritz[0], lz.minBound, ritz[len(ritz)-1], lz.maxBound, lz.converged)
	}
}

// TestLanczosConvergesOnAClusteredLowEnd: a diagonal operator whose 2,000 eigenvalues fill [0, 1]
// densely, with λmin = −0.01 just below the cluster at 0 and λmax = 1. Twenty steps (the old fixed
// count) find λmax but leave λmin short; iterating until the residual bounds are below 1e-3·λmax
// finds λmin within its bound, and the bound is honest.
func TestLanczosConvergesOnAClusteredLowEnd(t *testing.T) {
	const n = 2000
	lam := make([]float64, n)
	lam[0] = -0.01
	for i := 1; i < n; i++ {
		lam[i] = float64(i-1) / float64(n-2)
	}
	hvp := func(dst, v []float64) error {
		for i := range v {
			dst[i] = lam[i] * v[i]
		}
		return nil
	}
	short, err := lanczos(n, 20, 1e-3, hvp, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if short.converged || math.Abs(short.ritz[0]+0.01) < 0.003 {
		t.Errorf("20 steps: λmin %g ± %g (converged %v); expected to stop short of −0.01", short.ritz[0], short.minBound, short.converged)
	}
	lz, err := lanczos(n, 500, 1e-3, hvp, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	lmin, lmax := lz.ritz[0], lz.ritz[len(lz.ritz)-1]
	if !lz.converged || lz.minBound > 1e-3 || lz.maxBound > 1e-3 {
		t.Fatalf("not converged after %d steps: λmin %g ± %g, λmax %g ± %g", len(lz.ritz), lmin, lz.minBound, lmax, lz.maxBound)
	}
	if math.Abs(lmin+0.01) > lz.minBound || math.Abs(lmax-1) > lz.maxBound {
		t.Errorf("λmin %g ± %g (want −0.01), λmax %g ± %g (want 1)", lmin, lz.minBound, lmax, lz.maxBound)
	}
	t.Logf("20 steps: λmin %.5g ± %.2g; converged in %d steps: λmin %.6g ± %.2g, λmax %.6g ± %.2g",
		short.ritz[0], short.minBound, len(lz.ritz), lmin, lz.minBound, lmax, lz.maxBound)
}

// TestHessianOfSoftmaxRegression compares the Lanczos extremes with the analytic Hessian of
// multinomial logistic regression, H = (1/N) Σ_s (diag p_s − p_s p_sᵀ) ⊗ x̃_s x̃_sᵀ, x̃ = (x, 1),
// in LossGradient's order (weight [K,D] row-major, then bias [K]).
func TestHessianOfSoftmaxRegression(t *testing.T) {
	const D, K, N = 4, 3, 300 // two chunks of the exact product
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 2, 2}, Classes: K}, 3)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomData(5, N, D, K)
	w := net.Nodes[2].Params["weight"].Data
	b := net.Nodes[2].Params["bias"].Data
	P := K*D + K
	idx := func(k, d int) int { // d == D: the bias
		if d == D {
			return K*D + k
		}
		return k*D + d
	}
	h := mat.NewSymDense(P, nil)
	p := make([]float64, K)
	for s := 0; s < N; s++ {
		xs := append(make([]float64, 0, D+1), 0, 0, 0, 0, 1)
		for d := 0; d < D; d++ {
			xs[d] = float64(x[s*D+d])
		}
		z := make([]float32, K)
		for k := 0; k < K; k++ {
			v := float64(b[k])
			for d := 0; d < D; d++ {
				v += float64(w[k*D+d]) * xs[d]
			}
			z[k] = float32(v)
		}
		softmax.Into(p, z)
		for k := 0; k < K; k++ {
			for l := 0; l < K; l++ {
				c := -p[k] * p[l]
				if k == l {
					c += p[k]
				}
				for d := 0; d <= D; d++ {
					for e := 0; e <= D; e++ {
						i, j := idx(k, d), idx(l, e)
						if i <= j {
							h.SetSym(i, j, h.At(i, j)+c*xs[d]*xs[e]/N)
						}
					}
				}
			}
		}
	}
	var es mat.EigenSym
	es.Factorize(h, false)
	ev := es.Values(nil)
	spec, err := HessianExtremes(context.Background(), net, x, y, &HessianOptions{Steps: P, Tol: 1e-12, Batch: 7})
	if err != nil {
		t.Fatal(err)
	}
	if spec.Params != P {
		t.Fatalf("%d parameters, want %d", spec.Params, P)
	}
	// Softmax regression is convex, and adding one vector to every class's weights and bias changes
	// nothing: λmin = 0 (D+1 times). Compare λmin against the scale of λmax.
	near(t, "λmax", spec.Max, ev[P-1], 1e-9*ev[P-1])
	near(t, "λmin", spec.Min, ev[0], 1e-9*ev[P-1])
	if spec.Method != "exact (R-operator)" {
		t.Errorf("method %q", spec.Method)
	}
	if spec.Ratio > 1e-2 {
		t.Errorf("convex loss: |λmin/λmax| = %g", spec.Ratio)
	}
	if lw, _ := refLoss(t, net, x, y); math.Abs(spec.Loss-lw) > 1e-5 {
		t.Fatalf("loss at the centre %g, reference %g", spec.Loss, lw)
	}
}
