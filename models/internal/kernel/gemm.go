package kernel

import "github.com/surfscope/surfscope/models/internal/sgemm"

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices; it is sgemm.Gemm, kept
// here for the callers that use the other kernels too.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// BLAS names the implementation behind Gemm: "openblas" or "gonum".
func BLAS() string { return sgemm.BLAS() }
