//go:build !cgo || noblas

package kernel

import "gonum.org/v1/gonum/blas/gonum"

func init() {
	impl = gonum.Implementation{}
	implName = "gonum"
}
