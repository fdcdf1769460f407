// Package sgemm is surfscope's single-precision matrix multiplication: gonum's blas.Float32
// interface backed by OpenBLAS through cgo (gonum.org/v1/netlib, linked with -lopenblas) by
// default, or by gonum's pure-Go implementation with the build tag noblas or without cgo.
//
// OpenBLAS is set to one thread: callers parallelise over samples themselves, which keeps results
// independent of the number of cores.
package sgemm
