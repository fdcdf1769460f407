package kernel

// Window is the geometry of a sliding window (convolution or pooling) over one [C,H,W] sample:
// input size H×W, kernel KH×KW, strides, top/left padding, dilations and the output size OH×OW.
// The caller computes OH and OW (models.Net.Shapes does); DH and DW must be at least 1.
type Window struct {
	H, W   int
	KH, KW int
	SH, SW int
	PT, PL int
	DH, DW int
	OH, OW int
}

// span returns the output range [lo, hi) along one axis whose input coordinate o·s − p + k·d lies in
// [0, n).
func span(n, out, s, p, kd int) (lo, hi int) {
	// o·s ≥ p − kd  ⇔  o ≥ ceil((p − kd)/s)
	lo = 0
	if t := p - kd; t > 0 {
		lo = (t + s - 1) / s
	}
	// o·s − p + kd ≤ n − 1  ⇔  o ≤ floor((n − 1 + p − kd)/s)
	t := n - 1 + p - kd
	if t < 0 {
		return lo, lo
	}
	hi = t/s + 1
	if hi > out {
		hi = out
	}
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// Im2col lays the receptive fields of c channels of x ([c,H,W]) out as the columns of
// col ([c·KH·KW, OH·OW]): row (ci·KH+ky)·KW+kx, column oy·OW+ox holds
// x[ci, oy·SH−PT+ky·DH, ox·SW−PL+kx·DW], or 0 in the padding.
func Im2col(col, x []float32, c int, g Window) {
	ohw := g.OH * g.OW
	hw := g.H * g.W
	_ = col[c*g.KH*g.KW*ohw-1]
	_ = x[c*hw-1]
	row := 0
	for ci := 0; ci < c; ci++ {
		xc := x[ci*hw : (ci+1)*hw]
		for ky := 0; ky < g.KH; ky++ {
			y0, y1 := span(g.H, g.OH, g.SH, g.PT, ky*g.DH)
			for kx := 0; kx < g.KW; kx++ {
				x0, x1 := span(g.W, g.OW, g.SW, g.PL, kx*g.DW)
				r := col[row*ohw : (row+1)*ohw]
				row++
				if g.RowMajor() {
					im2colBlock(r, xc, g.OW, y0, y1, x0, x1, ky*g.DH-g.PT, kx*g.DW-g.PL)
					continue
				}
				clear(r[:y0*g.OW])
				clear(r[y1*g.OW:])
				off := kx*g.DW - g.PL
				for oy := y0; oy < y1; oy++ {
					dst := r[oy*g.OW : (oy+1)*g.OW]
					src := xc[(oy*g.SH-g.PT+ky*g.DH)*g.W:]
					clear(dst[:x0])
					clear(dst[x1:])
					if g.SW == 1 {
						copy(dst[x0:x1], src[x0+off:x1+off])
						continue
					}
					for ox := x0; ox < x1; ox++ {
						dst[ox] = src[ox*g.SW+off]
					}
				}
			}
		}
	}
}

// Col2imAdd is the adjoint of Im2col: it adds every entry of col back onto the element of dx
// ([c,H,W]) it was copied from, skipping the padding.
func Col2imAdd(dx, col []float32, c int, g Window) {
	ohw := g.OH * g.OW
	hw := g.H * g.W
	_ = col[c*g.KH*g.KW*ohw-1]
	_ = dx[c*hw-1]
	row := 0
	for ci := 0; ci < c; ci++ {
		xc := dx[ci*hw : (ci+1)*hw]
		for ky := 0; ky < g.KH; ky++ {
			y0, y1 := span(g.H, g.OH, g.SH, g.PT, ky*g.DH)
			for kx := 0; kx < g.KW; kx++ {
				x0, x1 := span(g.W, g.OW, g.SW, g.PL, kx*g.DW)
				r := col[row*ohw : (row+1)*ohw]
				row++
				off := kx*g.DW - g.PL
				if g.RowMajor() {
					col2imBlock(xc, r, g.OW, y0, y1, x0, x1, ky*g.DH-g.PT, off)
					continue
				}
				for oy := y0; oy < y1; oy++ {
					src := r[oy*g.OW : (oy+1)*g.OW]
					dst := xc[(oy*g.SH-g.PT+ky*g.DH)*g.W:]
					for ox := x0; ox < x1; ox++ {
						dst[ox*g.SW+off] += src[ox]
					}
				}
			}
		}
	}
}

// RowMajor reports whether the window moves by one element along both axes over an input as wide
// as the output: then one row of an im2col matrix, (oy, ox) ↦ x[(oy+dy)·W + ox+dx], reads x at a
// constant offset, and its valid part is one contiguous run of x except the |dx| columns where a
// row wraps into the next one.
func (g Window) RowMajor() bool { return g.SH == 1 && g.SW == 1 && g.W == g.OW }

// im2colBlock fills one im2col row r of a RowMajor window: r[oy·ow+ox] = xc[(oy+dy)·ow + ox+dx] for
// oy in [y0, y1), ox in [x0, x1), and 0 elsewhere. It copies the valid run in one piece and then
// zeroes the wrapped columns between its rows.
func im2colBlock(r, xc []float32, ow, y0, y1, x0, x1, dy, dx int) {
	if y0 >= y1 || x0 >= x1 {
		clear(r)
		return
	}
	lo, hi := y0*ow+x0, (y1-1)*ow+x1
	src := (y0+dy)*ow + x0 + dx
	clear(r[:lo])
	copy(r[lo:hi], xc[src:src+hi-lo])
	clear(r[hi:])
	for oy := y0; oy < y1-1; oy++ {
		gap := r[oy*ow+x1 : (oy+1)*ow+x0]
		for i := range gap {
			gap[i] = 0
		}
	}
}

// col2imBlock is im2colBlock's adjoint: it adds r[oy·ow+ox] onto xc[(oy+dy)·ow + ox+dx] for oy in
// [y0, y1), ox in [x0, x1). It adds the valid run in one piece, after saving the elements of xc
// under the wrapped columns, and then puts those back, so every element of xc receives exactly
// the additions of the row-by-row loop, in the same order.
func col2imBlock(xc, r []float32, ow, y0, y1, x0, x1, dy, dx int) {
	width := x1 - x0
	if y0 >= y1 || width <= 0 {
		return
	}
	gap := ow - width
	var saved [64]float32
	rows := y1 - y0 // rows per piece: as many as the saved gaps fit in
	if gap > 0 {
		rows = max(1, len(saved)/gap)
	}
	for a := y0; a < y1; a += rows {
		b := min(a+rows, y1)
		lo, hi := a*ow+x0, (b-1)*ow+x1
		dst := xc[(a+dy)*ow+x0+dx:][:hi-lo]
		n := 0
		for oy := a; oy < b-1; oy++ {
			n += copy(saved[n:], dst[(oy-a)*ow+width:][:gap])
		}
		AddTo(dst, r[lo:hi])
		n = 0
		for oy := a; oy < b-1; oy++ {
			n += copy(dst[(oy-a)*ow+width:][:gap], saved[n:])
		}
	}
}
