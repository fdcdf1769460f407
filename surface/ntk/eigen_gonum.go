//go:build !cgo || noblas

package ntk

import "gonum.org/v1/gonum/mat"

const lapackSolver = "lapack dsyevr (openblas)" // not in this build

// eigenWorkSquares is how many m×m matrices eigenTop holds besides the kernel (MemoryNeed).
const eigenWorkSquares = 5

// eigenTop is gonum's pure-Go eigensolver where surfscope is built without OpenBLAS.
func eigenTop(k mat.Symmetric, top int, vectors bool) (*Spectrum, error) {
	return eigenGonum(k, top, vectors)
}
