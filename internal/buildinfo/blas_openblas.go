//go:build cgo && !noblas

package buildinfo

// The build constraints are models/internal/sgemm's: OpenBLAS through cgo unless told noblas.
const blas = "openblas"
