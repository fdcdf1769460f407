//go:build !cgo || noblas

package buildinfo

// The build constraints are models/internal/sgemm's: pure-Go gonum without cgo or with noblas.
const blas = "gonum"
