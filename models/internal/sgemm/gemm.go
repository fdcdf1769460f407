package sgemm

import "gonum.org/v1/gonum/blas"

var (
	impl     blas.Float32
	implName string
)

// BLAS names the implementation behind Gemm: "openblas" or "gonum".
func BLAS() string { return implName }

// Gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where op(A) is m×k, op(B) is
// k×n and C is m×n; transA and transB say whether A and B are stored transposed. It is
// blas.Float32's Sgemm and panics like it on inconsistent sizes.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	impl.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
