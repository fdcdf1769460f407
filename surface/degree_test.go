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
		{"plane T3(u)T2(v)", 33, func(u, v float64) float64 { return T(3, u)*T(2, v) + u }, 3},
		{"plane u T4(v)", 33, func(u, v float64) float64 { return u * T(4, v) }, 4},
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
	// A function far from any low-degree polynomial saturates the cap ⌊(n−1)/2⌋ = 4 of 9 points.
	g := analyticGrid(9, 1, 1, 0, 1, 0, 0, func(s, _ float64, z []float64) { z[0] = math.Sin(40 * s) })
	fit, _ := PolynomialDegree(g, nil, nil)
	if !fit.Saturated || fit.Degree != 5 || len(fit.Residual) != 5 {
		t.Errorf("sin(40s) on 9 points: %+v, want saturated at degree 5", fit)
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
// solve of the tensor-product monomial system (the slow, obvious way).
func TestDegreeResidualsMatchLeastSquares(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	g := analyticGrid(15, 13, 1, 0, 1, 0, 1, func(s, t float64, z []float64) { z[0] = math.Exp(s*t) + 0.1*r.NormFloat64() })
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
	for d := 0; d <= 4; d++ {
		cols := (d + 1) * (d + 1)
		a := mat.NewDense(n, cols, nil)
		for q := 0; q < n; q++ {
			u, v := 2*g.S[q%g.NX]-1, 2*g.T[q/g.NX]-1
			for i := 0; i <= d; i++ {
				for j := 0; j <= d; j++ {
					a.Set(q, i*(d+1)+j, math.Pow(u, float64(i))*math.Pow(v, float64(j)))
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
