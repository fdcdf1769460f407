package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// im2colAt is the definition of Im2col's entry (ci·KH·KW + ky·KW + kx, oy·OW + ox): the input
// pixel under that tap, or 0 in the padding, and its index in x (−1 in the padding).
func im2colAt(g Window, ci, ky, kx, oy, ox int) int {
	y, xx := oy*g.SH-g.PT+ky*g.DH, ox*g.SW-g.PL+kx*g.DW
	if y < 0 || y >= g.H || xx < 0 || xx >= g.W {
		return -1
	}
	return (ci*g.H+y)*g.W + xx
}

// Im2col and Col2imAdd agree bit for bit with their element-by-element definitions, on windows
// with and without the contiguous row path (stride 1 over an input as wide as the output; wide
// enough kernels that the saved wrapped columns come in several pieces), and Col2imAdd leaves
// the values already in dx (signed zeros included) exactly as a plain loop of additions would.
func TestIm2colCol2imMatchDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, g := range []Window{
		{H: 28, W: 28, KH: 3, KW: 3, SH: 1, SW: 1, PT: 1, PL: 1, DH: 1, DW: 1, OH: 28, OW: 28},
		{H: 70, W: 9, KH: 7, KW: 7, SH: 1, SW: 1, PT: 3, PL: 3, DH: 1, DW: 1, OH: 70, OW: 9},
		{H: 40, W: 12, KH: 3, KW: 5, SH: 1, SW: 1, PT: 2, PL: 4, DH: 2, DW: 2, OH: 40, OW: 12},
		{H: 6, W: 6, KH: 3, KW: 3, SH: 1, SW: 1, PT: 0, PL: 0, DH: 1, DW: 1, OH: 4, OW: 4},
		{H: 7, W: 5, KH: 2, KW: 3, SH: 2, SW: 3, PT: 0, PL: 2, DH: 2, DW: 1, OH: 3, OW: 3},
		{H: 3, W: 3, KH: 5, KW: 5, SH: 1, SW: 1, PT: 2, PL: 2, DH: 3, DW: 3, OH: 3, OW: 3},
	} {
		const c = 2
		x := randSlice(r, c*g.H*g.W)
		cols := g.OH * g.OW
		col := randSlice(r, c*g.KH*g.KW*cols) // stale values Im2col must overwrite
		Im2col(col, x, c, g)
		dx := randSlice(r, len(x))
		dx[0], dx[len(dx)-1] = float32(math.Copysign(0, -1)), 0
		want := append([]float32(nil), dx...)
		cv := randSlice(r, len(col))
		for ci := 0; ci < c; ci++ {
			for ky := 0; ky < g.KH; ky++ {
				for kx := 0; kx < g.KW; kx++ {
					for oy := 0; oy < g.OH; oy++ {
						for ox := 0; ox < g.OW; ox++ {
							j := ((ci*g.KH+ky)*g.KW+kx)*cols + oy*g.OW + ox
							i := im2colAt(g, ci, ky, kx, oy, ox)
							var v float32
							if i >= 0 {
								v = x[i]
								want[i] += cv[j]
							}
							if math.Float32bits(col[j]) != math.Float32bits(v) {
								t.Fatalf("%+v: Im2col entry %d = %v, want %v", g, j, col[j], v)
							}
						}
					}
				}
			}
		}
		Col2imAdd(dx, cv, c, g)
		if !sameBits(dx, want) {
			t.Errorf("%+v: Col2imAdd differs from the plain loop of additions", g)
		}
	}
}
