// Package kernel holds the float32 building blocks of surfscope's fast forward pass: matrix
// multiplication through gonum's blas.Float32 interface (OpenBLAS via cgo by default, gonum's pure-Go
// implementation with the build tag noblas or without cgo), im2col and its adjoint, pooling and
// element-wise activations with their derivatives.
//
// Every function works on caller-owned slices and allocates nothing; none keeps state, so all are
// safe for concurrent use. BLAS runs single-threaded: callers parallelise over samples themselves,
// which keeps results independent of the number of cores.
package kernel
