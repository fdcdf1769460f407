package sgemm

import (
	"testing"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

// internal/buildinfo repeats this package's build constraints to report the BLAS without importing
// the engine; the two must agree.
func TestBuildinfoNamesThisBLAS(t *testing.T) {
	if BLAS() != buildinfo.BLAS() {
		t.Errorf("sgemm uses %q, buildinfo.BLAS() says %q: their build constraints differ", BLAS(), buildinfo.BLAS())
	}
}
