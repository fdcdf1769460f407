//go:build cgo && !noblas

package ntk

/*
#cgo LDFLAGS: -lopenblas
#include <stddef.h>
// LAPACK's Fortran dsyevr (OpenBLAS exports it), with gfortran's hidden lengths of the three
// character arguments.
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
	const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
	const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz, double *work,
	const int *lwork, int *iwork, const int *liwork, int *info, size_t, size_t, size_t);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/mat"
)

// lapackMu serialises the calls that change OpenBLAS's thread count (a setting of the process).
var lapackMu sync.Mutex

// eigenTop calls dsyevr on a copy of k's lower triangle (k's row-major upper triangle read
// column-major) with every core, then writes the eigenvectors, descending, into the copy's memory:
// the most it holds besides k is the copy and dsyevr's m×top eigenvectors.
func eigenTop(k mat.Symmetric, top int, vectors bool) (*Spectrum, error) {
	m := k.SymmetricDim()
	if m == 0 {
		return &Spectrum{Solver: lapackSolver}, nil
	}
	if int64(m)*int64(m) >= 1<<31 {
		return nil, fmt.Errorf("ntk: a %d×%d kernel is beyond LAPACK's 32-bit indices", m, m)
	}
	a := make([]float64, m*m)
	if raw, ok := k.(mat.RawSymmetricer); ok && raw.RawSymmetric().Stride == m && raw.RawSymmetric().Uplo == blas.Upper {
		copy(a, raw.RawSymmetric().Data) // the upper triangle (row-major) is what dsyevr reads
	} else {
		for i := range m {
			for j := i; j < m; j++ {
				a[i*m+j] = k.At(i, j)
			}
		}
	}
	jobz, rng := C.char('N'), C.char('A')
	if vectors {
		jobz = 'V'
	}
	n, il, iu := C.int(m), C.int(m-top+1), C.int(m)
	if top < m {
		rng = 'I'
	}
	uplo := C.char('L')
	var vl, vu, abstol C.double
	var found, info C.int
	w := make([]float64, m)
	var z []float64
	ldz := C.int(1)
	var zp *C.double
	if vectors {
		z, ldz = make([]float64, m*top), n
		zp = (*C.double)(&z[0])
	}
	isuppz := make([]C.int, 2*top)
	call := func(work []float64, lwork C.int, iwork []C.int, liwork C.int) {
		C.dsyevr_(&jobz, &rng, &uplo, &n, (*C.double)(&a[0]), &n, &vl, &vu, &il, &iu, &abstol, &found,
			(*C.double)(&w[0]), zp, &ldz, &isuppz[0], (*C.double)(&work[0]), &lwork, &iwork[0], &liwork, &info, 1, 1, 1)
	}
	lapackMu.Lock()
	defer lapackMu.Unlock()
	threads := C.openblas_get_num_threads()
	C.openblas_set_num_threads(C.int(runtime.NumCPU()))
	defer C.openblas_set_num_threads(threads)
	qw, qi := make([]float64, 1), make([]C.int, 1)
	call(qw, -1, qi, -1) // workspace query
	if info != 0 {
		return nil, fmt.Errorf("ntk: dsyevr workspace query: info %d", info)
	}
	call(make([]float64, int(qw[0])), C.int(qw[0]), make([]C.int, int(qi[0])), qi[0])
	if info != 0 || int(found) != top {
		return nil, fmt.Errorf("ntk: the eigen-decomposition of the %d×%d kernel failed (dsyevr info %d, %d of %d eigenvalues)", m, m, info, found, top)
	}
	s := &Spectrum{Values: make([]float64, top), Solver: lapackSolver}
	for c := range top {
		s.Values[c] = w[top-1-c] // ascending
	}
	if vectors {
		v := a[:m*top] // the copy is spent: it takes the eigenvectors, row-major, descending
		for i := range m {
			for c := range top {
				v[i*top+c] = z[i+(top-1-c)*m]
			}
		}
		s.Vectors = mat.NewDense(m, top, v)
	}
	return s, nil
}

const lapackSolver = "lapack dsyevr (openblas)"

// eigenWorkSquares is how many m×m matrices eigenTop holds besides the kernel (MemoryNeed): two
// (the copy, then the eigenvectors, and dsyevr's eigenvectors), and the garbage the collector has
// not reclaimed yet (TestMemoryNeedBoundsAnalyze measures about 5.3 in all, kernel included).
const eigenWorkSquares = 4
