package sgemm

import "testing"

// A known product through every combination of transposes: A = [1 2 3; 4 5 6], B = [1 0; 0 1; 2 -1],
// C = A·B = [7 -1; 16 -1], accumulated onto C = [1 1; 1 1] with alpha 2, beta 0.5.
func TestGemmKnownAnswer(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}
	at := []float32{1, 4, 2, 5, 3, 6}
	b := []float32{1, 0, 0, 1, 2, -1}
	bt := []float32{1, 0, 2, 0, 1, -1}
	want := []float32{14.5, -1.5, 32.5, -1.5}
	for _, c := range []struct {
		ta, tb   bool
		a, b     []float32
		lda, ldb int
	}{{false, false, a, b, 3, 2}, {true, false, at, b, 2, 2}, {false, true, a, bt, 3, 3}, {true, true, at, bt, 2, 3}} {
		got := []float32{1, 1, 1, 1}
		Gemm(c.ta, c.tb, 2, 2, 3, 2, c.a, c.lda, c.b, c.ldb, 0.5, got, 2)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s, transA %v transB %v: %v, want %v", BLAS(), c.ta, c.tb, got, want)
			}
		}
	}
	if BLAS() != "openblas" && BLAS() != "gonum" {
		t.Errorf("BLAS() = %q", BLAS())
	}
}
