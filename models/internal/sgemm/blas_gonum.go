//go:build !cgo || noblas

package sgemm

import "gonum.org/v1/gonum/blas/gonum"

func init() {
	impl = gonum.Implementation{}
	implName = "gonum"
}
