package infer

import (
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// Convolutions run as one matrix product per group and sample: weights [coutG, cinG·kh·kw] times
// the im2col matrix of the input (Chellapilla et al. 2006, "High performance convolutional neural
// networks for document processing").
//
// Stride-1 convolutions ("wide") copy the input once into a zero-padded buffer [C, hp, wp] and
// compute the product over the full padded width: output column oy·wp + ox. Row (ci, ky, kx) of the
// im2col matrix is then the contiguous run of the padded buffer starting at ci·hp·wp + ky·dh·wp +
// kx·dw, so building it is one copy per row, and the columns ox ≥ OW, which read across the row
// edge, are simply never read back. The epilogue adds the bias, applies the activation (a clamp:
// identity, ReLU, Clip) and, when fused, a 2x2 max pool, while compacting the rows to width OW.

// colSize is the im2col floats the step needs for one sample and group (also for its backward).
func (s *step) colSize() int {
	k := s.cinG * s.win.KH * s.win.KW
	n := s.win.OH * s.win.OW
	if s.wide {
		n = max(n, s.win.OH*s.wp)
	}
	return k * n
}

// wideSize is the floats of one group's product over the padded width.
func (s *step) wideSize() int {
	if !s.wide {
		return 0
	}
	return s.coutG * s.win.OH * s.wp
}

// padSize is the padded copy of one sample's input plus the slack the last rows read past it.
func (s *step) padSize() int {
	if !s.wide {
		return 0
	}
	return s.cinG*s.groups*s.hp*s.wp + (s.win.KW-1)*s.win.DW
}

// convScratch is the memory of one convolution of one sample.
type convScratch struct {
	col, wide []float32
	pad       []float32 // this step's padded input; its border stays zero
}

func convForward(st *step, y, x []float32, sc convScratch) {
	if st.wide {
		convWide(st, y, x, sc)
		return
	}
	g := st.win
	ohw, hw := g.OH*g.OW, g.H*g.W
	k := st.cinG * g.KH * g.KW
	for grp := 0; grp < st.groups; grp++ {
		xg := x[grp*st.cinG*hw : (grp+1)*st.cinG*hw]
		yg := y[grp*st.coutG*ohw : (grp+1)*st.coutG*ohw]
		b := xg
		if !st.pointwise {
			kernel.Im2col(sc.col, xg, st.cinG, g)
			b = sc.col
		}
		sgemm.Gemm(false, false, st.coutG, ohw, k, 1, st.w[grp*st.coutG*k:], k, b, ohw, 0, yg, ohw)
		for o := 0; o < st.coutG; o++ {
			r := yg[o*ohw : (o+1)*ohw]
			convEpilogue(st, r, r, st.b[grp*st.coutG+o])
		}
	}
}

// convEpilogue writes act(src + bias) into dst.
func convEpilogue(st *step, dst, src []float32, bias float32) {
	if st.clamp {
		kernel.BiasClamp(dst, src, bias, st.lo, st.hi)
		return
	}
	kernel.BiasClamp(dst, src, bias, -inf32, inf32)
	st.act.Apply(dst)
}

func convWide(st *step, y, x []float32, sc convScratch) {
	g := st.win
	hw, hpwp := g.H*g.W, st.hp*st.wp
	C := st.cinG * st.groups
	// The padded copy: only the interior is written, the border was zeroed with the buffer.
	for c := 0; c < C; c++ {
		for r := 0; r < g.H; r++ {
			o := c*hpwp + (r+g.PT)*st.wp + g.PL
			copy(sc.pad[o:o+g.W], x[c*hw+r*g.W:c*hw+(r+1)*g.W])
		}
	}
	n := g.OH * st.wp
	k := st.cinG * g.KH * g.KW
	oh, ow := g.OH, g.OW
	if st.pool {
		oh, ow = g.OH/2, g.OW/2
	}
	for grp := 0; grp < st.groups; grp++ {
		row := 0
		for ci := grp * st.cinG; ci < (grp+1)*st.cinG; ci++ {
			for ky := 0; ky < g.KH; ky++ {
				for kx := 0; kx < g.KW; kx++ {
					o := ci*hpwp + ky*g.DH*st.wp + kx*g.DW
					copy(sc.col[row*n:(row+1)*n], sc.pad[o:o+n])
					row++
				}
			}
		}
		wide := sc.wide[:st.coutG*n]
		sgemm.Gemm(false, false, st.coutG, n, k, 1, st.w[grp*st.coutG*k:], k, sc.col, n, 0, wide, n)
		for o := 0; o < st.coutG; o++ {
			co := grp*st.coutG + o
			src, dst := wide[o*n:(o+1)*n], y[co*oh*ow:(co+1)*oh*ow]
			for r := 0; r < oh; r++ {
				if st.pool {
					kernel.Pool2BiasClamp(dst[r*ow:(r+1)*ow], src[2*r*st.wp:], src[(2*r+1)*st.wp:], st.b[co], st.lo, st.hi)
				} else {
					convEpilogue(st, dst[r*ow:(r+1)*ow], src[r*st.wp:r*st.wp+ow], st.b[co])
				}
			}
		}
	}
}

// convWideBackward adds the input gradient of one sample's stride-1 convolution: the output
// gradient spread to the padded width (zero in the columns the forward pass never read back),
// times the weights transposed, then each im2col row added back onto its contiguous run of the
// padded input's gradient, whose interior is the input gradient.
func convWideBackward(st *step, dx, dy, col, wide, dpad []float32) {
	g := st.win
	hw, hpwp, ohw := g.H*g.W, st.hp*st.wp, g.OH*g.OW
	n := g.OH * st.wp
	k := st.cinG * g.KH * g.KW
	dpad = dpad[:st.padSize()]
	clear(dpad)
	for grp := 0; grp < st.groups; grp++ {
		dyw := wide[:st.coutG*n]
		for o := 0; o < st.coutG; o++ {
			co := grp*st.coutG + o
			for r := 0; r < g.OH; r++ {
				row := dyw[o*n+r*st.wp : o*n+(r+1)*st.wp]
				copy(row, dy[co*ohw+r*g.OW:co*ohw+(r+1)*g.OW])
				clear(row[g.OW:])
			}
		}
		sgemm.Gemm(true, false, k, n, st.coutG, 1, st.w[grp*st.coutG*k:], k, dyw, n, 0, col, n)
		row := 0
		for ci := grp * st.cinG; ci < (grp+1)*st.cinG; ci++ {
			for ky := 0; ky < g.KH; ky++ {
				for kx := 0; kx < g.KW; kx++ {
					o := ci*hpwp + ky*g.DH*st.wp + kx*g.DW
					d := dpad[o : o+n]
					kernel.BiasVecClamp(d, d, col[row*n:(row+1)*n], -inf32, inf32)
					row++
				}
			}
		}
	}
	C := st.cinG * st.groups
	for c := 0; c < C; c++ {
		for r := 0; r < g.H; r++ {
			o := c*hpwp + (r+g.PT)*st.wp + g.PL
			d := dx[c*hw+r*g.W : c*hw+(r+1)*g.W]
			kernel.BiasVecClamp(d, d, dpad[o:o+g.W], -inf32, inf32)
		}
	}
}
