package ntk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

// knownSpectrum returns Q diag(values) Qᵀ for a random orthogonal Q (the Q of a random matrix's
// QR factorisation): a symmetric matrix whose eigenpairs are known.
func knownSpectrum(values []float64, seed uint64) (*mat.SymDense, *mat.Dense) {
	m := len(values)
	rng := rand.New(rand.NewPCG(seed, 1))
	g := mat.NewDense(m, m, nil)
	for i := range m {
		for j := range m {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	var qd mat.Dense
	qd.Mul(&q, mat.NewDiagDense(m, values))
	var k mat.Dense
	k.Mul(&qd, q.T())
	s := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			s.SetSym(i, j, (k.At(i, j)+k.At(j, i))/2)
		}
	}
	return s, &q
}

// subspaceGap is ‖U Uᵀ − V Vᵀ‖_F: 0 when the columns of u and v span one subspace.
func subspaceGap(u, v mat.Matrix) float64 {
	var pu, pv mat.Dense
	pu.Mul(u, u.T())
	pv.Mul(v, v.T())
	pu.Sub(&pu, &pv)
	return mat.Norm(&pu, 2)
}

// DecomposeTop (LAPACK's dsyevr where built with OpenBLAS) finds the known eigenvalues of Q Λ Qᵀ,
// decaying as a power law like a kernel's (with one repeated pair), and the eigenvector subspaces
// that gonum's EigenSym finds: every pair, and the top k.
func TestDecomposeTopAgainstKnownAndGonum(t *testing.T) {
	const m = 120
	values := make([]float64, m)
	for i := range values {
		values[i] = 50 / math.Pow(float64(i+1), 1.5)
	}
	values[7] = values[6] // a two-dimensional eigenspace
	k, q := knownSpectrum(values, 3)
	ref, err := eigenGonum(k, m, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, top := range []int{0, 1, 6, 8, 40, m} {
		s, err := DecomposeTop(k, top, true)
		if err != nil {
			t.Fatal(err)
		}
		want := min(m, top)
		if top == 0 {
			want = m
		}
		if len(s.Values) != want || s.Samples != m {
			t.Fatalf("top %d: %d values of a %d×%d kernel", top, len(s.Values), s.Samples, s.Samples)
		}
		_, c := s.Vectors.Dims()
		for i, v := range s.Values {
			if math.Abs(v-values[i]) > 1e-12*values[0] || math.Abs(v-ref.Values[i]) > 1e-12*values[0] {
				t.Fatalf("top %d (%s): μ_%d = %.17g, want %.17g (gonum %.17g)", top, s.Solver, i+1, v, values[i], ref.Values[i])
			}
		}
		// Subspaces of the leading pairs, whole eigenspaces only (6: the repeated pair is 7 and 8).
		for _, lead := range []int{1, 6, 8, c} {
			if lead > c || lead == 7 {
				continue
			}
			got, gonum, known := s.Vectors.Slice(0, m, 0, lead), ref.Vectors.Slice(0, m, 0, lead), q.Slice(0, m, 0, lead)
			if g1, g2 := subspaceGap(got, gonum), subspaceGap(got, known); g1 > 1e-9 || g2 > 1e-9 {
				t.Errorf("top %d: the leading %d eigenvectors are %g from gonum's subspace, %g from the known one", top, lead, g1, g2)
			}
		}
	}
	s, err := DecomposeTop(k, 5, false)
	if err != nil || s.Vectors != nil || len(s.Values) != 5 {
		t.Errorf("values only: %v, %v", s, err)
	}
	if want := map[string]string{"openblas": lapackSolver, "gonum": "gonum EigenSym"}[buildinfo.BLAS()]; s.Solver != want {
		t.Errorf("BLAS %s, eigensolver %q; want %q", buildinfo.BLAS(), s.Solver, want)
	}
}

// The operator eigenvalues of a top-k spectrum divide by the kernel's size, not by k.
func TestOperatorOfATopSpectrum(t *testing.T) {
	k, _ := knownSpectrum([]float64{4, 2, 1, 0.5}, 1)
	s, err := DecomposeTop(k, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if op := s.Operator(); len(op) != 2 || math.Abs(op[0]-1) > 1e-12 || math.Abs(op[1]-0.5) > 1e-12 {
		t.Errorf("operator eigenvalues %v, want [1 0.5]", op)
	}
}

// The eigen-decomposition of RBF kernels of n = 500 and 2000 samples, every pair and the top 50:
// LAPACK where built with OpenBLAS, gonum's EigenSym with -tags noblas.
func BenchmarkDecompose(b *testing.B) {
	for _, m := range []int{500, 2000} {
		k, _ := rbfProblem(m, 1)
		for _, top := range []int{0, 50} {
			b.Run(fmt.Sprintf("n=%d/top=%d", m, top), func(b *testing.B) {
				b.ReportAllocs()
				for range b.N {
					if _, err := DecomposeTop(k, top, true); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
