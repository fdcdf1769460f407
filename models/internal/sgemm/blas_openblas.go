//go:build cgo && !noblas

package sgemm

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import "gonum.org/v1/netlib/blas/netlib"

func init() {
	// Callers parallelise over samples; OpenBLAS's own threads would only oversubscribe the cores.
	C.openblas_set_num_threads(1)
	impl = netlib.Implementation{}
	implName = "openblas"
}
