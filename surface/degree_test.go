package surface

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestDegreeOfPolynomials(t *testing.T) {
	// Functions of u, v ∈ [−1, 1] (the grid's coordinates mapped), built from Chebyshev polynomials
	// so that the top degree carries far more than 1% of the variance.
	T := func(n int, x float64) float64 { return math.Cos(float64(n) * math.Acos(math.Max(-1, math.Min(1, x)))) }
	cases := []struct {
		name string
		ny   int
		fn   func(u, v float64) float64
		want int
	}{
		{"constant", 1, func(u, v float64) float64 { return 3 }, 0},
		{"line cubic", 1, func(u, v float64) float64 { return 4*u*u*u - u + 2 }, 3},
		{"line quintic", 1, func(u, v float64) float64 { return T(5, u) - 2*u*u + 0.5 }, 5},
		// Total degree: a product T_a(u) T_b(v) has degree a + b.
		{"plane T3(u)T2(v)", 33, func(u, v float64) float64 { return T(3, u)*T(2, v) + u }, 5},
		{"plane u T4(v)", 33, func(u, v float64) float64 { return u * T(4, v) }, 5},
		{"plane affine", 33, func(u, v float64) float64 { return 2*u - v }, 1},
	}
	for _, c := range cases {
		g := analyticGrid(41, c.ny, 1, -1, 2, -1.5, 0.5, func(s, t float64, z []float64) {
			z[0] = c.fn((2*s-1)/3, t+0.5)
		})
		fit, err := PolynomialDegree(g, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if fit.Degree != c.want || fit.Saturated {
			t.Errorf("%s: degree %d (saturated %v), want %d; residuals %.3g", c.name, fit.Degree, fit.Saturated, c.want, fit.Residual)
		}
		// An exact polynomial leaves nothing at its own degree (float32 samples: ~1e-12 of the variance).
		if c.want > 0 && fit.Residual[c.want] > 1e-9 {
			t.Errorf("%s: residual %g at degree %d", c.name, fit.Residual[c.want], c.want)
		}
		if c.want > 0 && fit.Residual[c.want-1] < 0.05 {
			t.Errorf("%s: residual %g at degree %d: the test function is too close to a lower degree", c.name, fit.Residual[c.want-1], c.want-1)
		}
	}
	// The 1% rule in action: s⁵ on [−1, 2] is within 1% of its degree-4 fit (its top Chebyshev
	// coefficient is small there), so its effective degree is 4.
	g5 := analyticGrid(41, 1, 1, -1, 2, 0, 0, func(s, _ float64, z []float64) { z[0] = math.Pow(s, 5) })
	if fit, _ := PolynomialDegree(g5, nil, nil); fit.Degree != 4 || fit.Residual[4] > 0.01 || fit.Residual[3] < 0.01 {
		t.Errorf("s⁵ on [−1,2]: %+v, want effective degree 4", fit)
	}
	// A function far from any low-degree polynomial saturates the cap ⌊n/4⌋ = 2 of 9 points.
	g := analyticGrid(9, 1, 1, 0, 1, 0, 0, func(s, _ float64, z []float64) { z[0] = math.Sin(40 * s) })
	fit, _ := PolynomialDegree(g, nil, nil)
	if !fit.Saturated || fit.Degree != 3 || fit.Cap != 2 || len(fit.Residual) != 3 {
		t.Errorf("sin(40s) on 9 points: %+v, want saturated at degree 3", fit)
	}
	// Pooling over channels: T2 and T4 give the larger degree; T2 alone gives 2.
	two := analyticGrid(41, 1, 2, -1, 1, 0, 0, func(s, _ float64, z []float64) { z[0], z[1] = T(2, s), T(4, s) })
	fit, _ = PolynomialDegree(two, nil, nil)
	if fit.Degree != 4 {
		t.Errorf("pooled T2, T4: degree %d, want 4", fit.Degree)
	}
	fit, _ = PolynomialDegree(two, []int{0}, nil)
	if fit.Degree != 2 {
		t.Errorf("T2 alone: degree %d, want 2", fit.Degree)
	}
}

// TestDegreeResidualsMatchLeastSquares compares the residual shares with gonum's least-squares
// solve of the monomial system of total degree ≤ d, u^i v^j with i + j ≤ d (the slow, obvious way).
func TestDegreeResidualsMatchLeastSquares(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	g := analyticGrid(17, 16, 1, 0, 1, 0, 1, func(s, t float64, z []float64) { z[0] = math.Exp(s*t) + 0.1*r.NormFloat64() })
	fit, err := PolynomialDegree(g, nil, &DegreeOptions{MaxDegree: 4})
	if err != nil {
		t.Fatal(err)
	}
	z := g.Channel(0)
	n := g.NX * g.NY
	b := mat.NewVecDense(n, nil)
	mean := 0.0
	for q := 0; q < n; q++ {
		b.SetVec(q, z.Z(q%g.NX, q/g.NX))
		mean += b.AtVec(q) / float64(n)
	}
	sst := 0.0
	for q := 0; q < n; q++ {
		sst += (b.AtVec(q) - mean) * (b.AtVec(q) - mean)
	}
	if fit.Cap != 4 {
		t.Fatalf("cap %d, want 4 (16 points on the shorter axis)", fit.Cap)
	}
	for d := 0; d <= 4; d++ {
		cols := (d + 1) * (d + 2) / 2
		a := mat.NewDense(n, cols, nil)
		for q := 0; q < n; q++ {
			u, v := 2*g.S[q%g.NX]-1, 2*g.T[q/g.NX]-1
			c := 0
			for i := 0; i <= d; i++ {
				for j := 0; i+j <= d; j++ {
					a.Set(q, c, math.Pow(u, float64(i))*math.Pow(v, float64(j)))
					c++
				}
			}
		}
		var x, res mat.VecDense
		if err := x.SolveVec(a, b); err != nil {
			t.Fatal(err)
		}
		res.MulVec(a, &x)
		res.SubVec(b, &res)
		want := mat.Dot(&res, &res) / sst
		near(t, "residual share", fit.Residual[d], want, 1e-9+1e-6*want)
	}
}

// TestDegreeIsRotationInvariant: the degree of a polynomial in the plane must not depend on the
// plane's axes. s·t and its rotation by 45°, (s² − t²)/2, are the same quadratic seen from two
// bases; both have total degree 2. (The tensor degree max(a, b) scored s·t as 1 and the rotated
// copy as 2.) A rotated cubic keeps degree 3 likewise.
func TestDegreeIsRotationInvariant(t *testing.T) {
	rot := func(th float64, fn func(u, v float64) float64) func(s, t float64, z []float64) {
		c, sn := math.Cos(th), math.Sin(th)
		return func(s, t float64, z []float64) { z[0] = fn(c*s-sn*t, sn*s+c*t) }
	}
	cases := []struct {
		name string
		fn   func(u, v float64) float64
		want int
	}{
		{"s·t", func(u, v float64) float64 { return u * v }, 2},
		{"s²·t + s", func(u, v float64) float64 { return u*u*v + u }, 3},
	}
	for _, c := range cases {
		for _, th := range []float64{0, math.Pi / 4, 0.3} {
			fn := rot(th, c.fn)
			g := analyticGrid(33, 33, 1, -1, 1, -1, 1, fn)
			// The exact function between the samples: the fit of an exact polynomial predicts it.
			between := func(p [][2]float64) ([]float32, error) {
				out, z := make([]float32, len(p)), []float64{0}
				for i, x := range p {
					fn(x[0], x[1], z)
					out[i] = float32(z[0])
				}
				return out, nil
			}
			fit, err := PolynomialDegree(g, nil, &DegreeOptions{OffGrid: between})
			if err != nil {
				t.Fatal(err)
			}
			if fit.OffGridResidual == nil || *fit.OffGridResidual > 1e-9 {
				t.Errorf("%s rotated by %.3g: off-grid residual %v, want ~0", c.name, th, fit.OffGridResidual)
			}
			if fit.Degree != c.want || fit.Saturated || fit.Aliased {
				t.Errorf("%s rotated by %.3g: degree %d (saturated %v, aliased %v), want %d; residuals %.3g",
					c.name, th, fit.Degree, fit.Saturated, fit.Aliased, c.want, fit.Residual)
			}
		}
	}
}

// TestDegreeFlagsAliasing: sin(60x) on 21 points moves 3 radians between samples; no degree
// describes it. On [0, 1] the grid still resolves it but every other sample does not, so the
// half-resolution refit disagrees. On [−1, 1] the samples are exactly those of sin(−2.83x) (60 and
// −2.83 differ by 2π/0.1), which the old cap ⌊(n−1)/2⌋ = 10 scored as a cubic; every other
// sample sees the same alias, so only the function between the samples (OffGrid, at the cell
// centres) shows it. Both must be flagged and not reported as a low degree. A true cubic on the
// same points is not flagged at either resolution.
func TestDegreeFlagsAliasing(t *testing.T) {
	sin60 := func(s, _ float64, z []float64) { z[0] = math.Sin(60 * s) }
	offGrid := func(p [][2]float64) ([]float32, error) {
		out := make([]float32, len(p))
		for i, x := range p {
			out[i] = float32(math.Sin(60 * x[0]))
		}
		return out, nil
	}
	for _, c := range []struct {
		lo  float64
		opt *DegreeOptions
	}{{0, nil}, {-1, &DegreeOptions{OffGrid: offGrid}}} {
		g := analyticGrid(21, 1, 1, c.lo, 1, 0, 0, sin60)
		fit, err := PolynomialDegree(g, nil, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		if !fit.Aliased || !fit.Saturated || fit.Degree != fit.Cap+1 || fit.Cap != 5 {
			t.Errorf("sin(60x) on 21 points of [%g, 1]: %+v, want flagged as aliased, degree above the cap 5", c.lo, fit)
		}
		if r := fit.OffGridResidual; r != nil {
			t.Logf("sin(60x) on [%g, 1]: grid degree %d, half %d, off-grid residual %.3g", c.lo, fit.GridDegree, fit.HalfDegree, *r)
		} else {
			t.Logf("sin(60x) on [%g, 1]: grid degree %d, half %d", c.lo, fit.GridDegree, fit.HalfDegree)
		}
	}
	cubic := func(s, _ float64, z []float64) { u := 2*s - 1; z[0] = 4*u*u*u - 3*u + 0.5*u*u }
	exact := &DegreeOptions{OffGrid: func(p [][2]float64) ([]float32, error) {
		out := make([]float32, len(p))
		z := []float64{0}
		for i, x := range p {
			cubic(x[0], 0, z)
			out[i] = float32(z[0])
		}
		return out, nil
	}}
	fit, err := PolynomialDegree(analyticGrid(21, 1, 1, 0, 1, 0, 0, cubic), nil, exact)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Degree != 3 || fit.Aliased || fit.Saturated || fit.HalfDegree != 3 || fit.OffGridResidual == nil || *fit.OffGridResidual > 1e-9 {
		t.Errorf("cubic on 21 points: %+v, want degree 3 at both resolutions and between the samples", fit)
	}
}

// TestDegreeNearTheThresholdIsNotAliasing: u + ε·T₂(u) on 101 points with ε set so that the
// degree-1 fit leaves just under 1% of the variance (0.98% at ε = 0.0955); every other sample puts
// it just over, so the two resolutions differ by one degree. That is the threshold's edge, not
// aliasing (a mixup line of the embedded MLP was flagged so by an exact-degree comparison).
func TestDegreeNearTheThresholdIsNotAliasing(t *testing.T) {
	edge := false
	for _, eps := range []float64{0.0955, 0.096, 0.0965} {
		g := analyticGrid(101, 1, 1, -1, 1, 0, 0, func(s, _ float64, z []float64) { z[0] = s + eps*(2*s*s-1) })
		fit, err := PolynomialDegree(g, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if fit.Aliased || fit.Degree > 2 {
			t.Errorf("ε = %g: %+v, want degree 1 or 2, not aliased", eps, fit)
		}
		edge = edge || fit.HalfDegree != fit.Degree
	}
	if !edge {
		t.Error("no ε put the two resolutions on either side of the threshold; the test lost its point")
	}
}
