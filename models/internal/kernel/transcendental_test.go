package kernel

import (
	"math"
	"testing"
)

// The vector sigmoid, tanh and GELU against float64 math over [−100, 100] (dense near 0) and
// special points: |f − exact| ≤ abs + 5e-7·|exact|, with abs = 1e-30 (sigmoid), 1e-37 (tanh: its
// Taylor branch keeps tiny values relatively accurate) and 4e-7 (GELU, whose erfc is accurate in
// absolute terms only).
func TestTranscendentals(t *testing.T) {
	var xs []float32
	for i := -20000; i <= 20000; i++ {
		xs = append(xs, float32(i)/200) // [−100, 100]
	}
	for i := -2000; i <= 2000; i++ {
		xs = append(xs, float32(i)*1e-4)
	}
	xs = append(xs, 0.55, -0.55, 0.5499999, 1e-30, -1e-30, 88, -88, 87.5, -87.5, 1000, -1000)
	for len(xs)%8 != 0 {
		xs = append(xs, 0.125)
	}
	cases := []struct {
		f     Act
		exact func(float64) float64
		abs   float64 // absolute tolerance
		rel   float64 // relative tolerance
	}{
		{Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 1e-30, 5e-7},
		{Tanh, math.Tanh, 1e-37, 5e-7},
		{GELU, func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }, 4e-7, 5e-7},
	}
	for _, c := range cases {
		got := append([]float32(nil), xs...)
		Activation{Kind: c.f}.Apply(got)
		worst := 0.0
		for i, x := range xs {
			want := c.exact(float64(x))
			err := math.Abs(float64(got[i]) - want)
			if tol := c.abs + c.rel*math.Abs(want); err > tol || math.IsNaN(float64(got[i])) {
				t.Errorf("kind %d: f(%v) = %v, want %v (error %.3g > %.3g)", c.f, x, got[i], want, err, tol)
				break
			}
			worst = max(worst, err/(c.abs+c.rel*math.Abs(want)))
		}
		t.Logf("kind %d (AVX2 %v): worst error %.2f of tolerance", c.f, useAVX2, worst)
	}
}

func TestExpVector(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2")
	}
	xs := []float32{-87, -50, -10, -1, -0.3, 0, 0.3, 1, 10, 50, 87, 88}
	for len(xs)%8 != 0 {
		xs = append(xs, 2)
	}
	got := make([]float32, len(xs))
	expAVX2(&got[0], &xs[0], len(xs))
	for i, x := range xs {
		want := math.Exp(float64(x))
		if math.Abs(float64(got[i])-want) > 3e-7*want {
			t.Errorf("exp(%v) = %v, want %v", x, got[i], want)
		}
	}
}
