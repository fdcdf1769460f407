package surface

import (
	"math"
	"testing"
)

func TestDerivativesExactOnQuadratics(t *testing.T) {
	// f = 1.5 s² − 0.7 s t + 0.4 t² + 2 s − t + 3: every finite difference is exact.
	f := func(s, t float64) float64 { return 1.5*s*s - 0.7*s*t + 0.4*t*t + 2*s - t + 3 }
	g := analyticGrid(9, 7, 1, -1, 2, -0.5, 1, func(s, t float64, z []float64) { z[0] = f(s, t) })
	d, err := Differentiate(g.Channel(0))
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 7; j++ {
		for i := 0; i < 9; i++ {
			s, tt := g.S[i], g.T[j]
			// float32 storage: values up to ~10 carry 1e-6 rounding, amplified by 1/h² ≈ 8.
			near(t, "f_s", d.Fs.Z(i, j), 3*s-0.7*tt+2, 2e-5)
			near(t, "f_t", d.Ft.Z(i, j), -0.7*s+0.8*tt-1, 2e-5)
			near(t, "f_ss", d.Fss.Z(i, j), 3, 1e-4)
			near(t, "f_st", d.Fst.Z(i, j), -0.7, 1e-4)
			near(t, "f_tt", d.Ftt.Z(i, j), 0.8, 1e-4)
		}
	}
}

func TestCurvatureOfParaboloid(t *testing.T) {
	// f = (s² + t²)/2: K = 1/(1+r²)², H = (2 + r²)/(2 (1+r²)^{3/2}), k1 = 1/(1+r²)^{1/2}, k2 = 1/(1+r²)^{3/2}.
	g := analyticGrid(21, 21, 1, -1, 1, -1, 1, func(s, t float64, z []float64) { z[0] = (s*s + t*t) / 2 })
	c, err := Curvatures(g.Channel(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, ij := range [][2]int{{10, 10}, {0, 0}, {3, 17}, {20, 5}} {
		i, j := ij[0], ij[1]
		r2 := g.S[i]*g.S[i] + g.T[j]*g.T[j]
		near(t, "K", c.Gaussian.Z(i, j), 1/((1+r2)*(1+r2)), 1e-4)
		near(t, "H", c.Mean.Z(i, j), (2+r2)/(2*math.Pow(1+r2, 1.5)), 1e-4)
		near(t, "k1", c.K1.Z(i, j), 1/math.Sqrt(1+r2), 1e-3)
		near(t, "k2", c.K2.Z(i, j), 1/math.Pow(1+r2, 1.5), 1e-3)
	}
	// A saddle f = s t at the origin: K = −1, H = 0, principal curvatures ±1.
	g = analyticGrid(11, 11, 1, -1, 1, -1, 1, func(s, t float64, z []float64) { z[0] = s * t })
	c, _ = Curvatures(g.Channel(0))
	near(t, "saddle K", c.Gaussian.Z(5, 5), -1, 1e-5)
	near(t, "saddle H", c.Mean.Z(5, 5), 0, 1e-5)
	near(t, "saddle k1", c.K1.Z(5, 5), 1, 1e-5)
	near(t, "saddle k2", c.K2.Z(5, 5), -1, 1e-5)
	s, err := SummarizeCurvature(g.Channel(0))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "saddle share", s.Saddle, 1, 0)
	near(t, "Hessian norm", s.HessianNorm.Median, math.Sqrt2, 1e-4)
}

func TestCurvatureOfSphere(t *testing.T) {
	// The upper hemisphere of radius R: K = 1/R² and H = −1/R everywhere (it bends down).
	const R = 2.0
	g := analyticGrid(41, 41, 1, -0.8, 0.8, -0.8, 0.8, func(s, t float64, z []float64) { z[0] = math.Sqrt(R*R - s*s - t*t) })
	c, err := Curvatures(g.Channel(0))
	if err != nil {
		t.Fatal(err)
	}
	for j := 2; j < 39; j += 6 {
		for i := 2; i < 39; i += 6 {
			near(t, "K", c.Gaussian.Z(i, j), 1/(R*R), 2e-3) // O(h²) truncation, h = 0.04
			near(t, "H", c.Mean.Z(i, j), -1/R, 2e-3)
		}
	}
}

func TestDerivativeErrors(t *testing.T) {
	g := analyticGrid(2, 5, 1, 0, 1, 0, 1, func(s, t float64, z []float64) { z[0] = s })
	if _, err := Differentiate(g.Channel(0)); err == nil {
		t.Error("2 points along s accepted")
	}
	g = analyticGrid(5, 5, 1, 0, 1, 0, 1, func(s, t float64, z []float64) { z[0] = s })
	g.S[2] = 0.3
	if _, err := Differentiate(g.Channel(0)); err == nil {
		t.Error("uneven coordinates accepted")
	}
	line := analyticGrid(5, 1, 1, 0, 1, 0, 0, func(s, t float64, z []float64) { z[0] = s })
	if _, err := Curvatures(line.Channel(0)); err == nil {
		t.Error("curvature of a line accepted")
	}
}
