package ntk

import (
	"context"
	"math"
	"testing"
)

// At the kernel samples themselves the Nyström eigenfunctions are √m·u_i.
func TestEigenfunctionsAtTheSamples(t *testing.T) {
	k, _ := rbfProblem(80, 5)
	s, err := Decompose(k, true)
	if err != nil {
		t.Fatal(err)
	}
	phi, err := Eigenfunctions(k, s, 6)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		for p := 0; p < 80; p++ {
			if d := math.Abs(phi.At(p, i) - math.Sqrt(80)*s.Vectors.At(p, i)); d > 1e-9 {
				t.Fatalf("φ_%d(x_%d) off by %g", i, p, d)
			}
		}
	}
	if _, err := Eigenfunctions(k, s, 81); err == nil {
		t.Error("81 modes of 80: no error")
	}
}

// A linear model's logit w·x + b lies in the span of its kernel's D+1 eigenfunctions (the kernel
// XXᵀ + 1 has rank D+1), so at new points the expansion in D+1 modes reproduces the surface: the
// residual falls below 1e-9.
func TestProjectPlaneOfLinearModelIsExact(t *testing.T) {
	const m, np, d = 40, 30, 12
	net := linearNet(1, 3, 4, 2, 8)
	x := quarterInputs(m, d, 3)
	pts := quarterInputs(np, d, 4)
	K, _, err := Kernel(context.Background(), net, x, m, KernelOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decompose(K, true)
	if err != nil {
		t.Fatal(err)
	}
	kr := &KernelReport{Eigenvalues: s.Operator(), Spectrum: s}
	pp, err := ProjectPlane(context.Background(), net, kr, x, pts, np, 1, d+1, KernelOptions{Chunk: 7, MaxBytes: 2000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pp.Logit != 1 || len(pp.Residual) != d+1 || len(pp.Coefficients) != d+1 {
		t.Fatalf("projection %+v", pp)
	}
	if r := pp.Residual[d]; r > 1e-9 {
		t.Errorf("residual after %d modes %g, want ≈ 0 (residuals %v)", d+1, r, pp.Residual)
	}
	t.Logf("residuals by modes: %.3g", pp.Residual)
	if pp.Residual[0] < 1e-3 {
		t.Errorf("one mode already explains the surface (residual %g): the test is too easy", pp.Residual[0])
	}
	for p := 0; p < np; p++ {
		if math.Abs(pp.Reconstruction[p]-pp.Surface[p]) > 1e-4*math.Max(1, math.Abs(pp.Surface[p])) {
			t.Fatalf("point %d: reconstruction %g, surface %g", p, pp.Reconstruction[p], pp.Surface[p])
		}
	}
}
