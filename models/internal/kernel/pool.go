package kernel

import "math"

// MaxPool writes the maximum of every window of each of the c channels of x ([c,H,W]) into
// out ([c,OH,OW]); padding never wins (a window entirely in the padding gives −Inf). Dilation is
// ignored.
func MaxPool(out, x []float32, c int, g Window) {
	if g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PT == 0 && g.PL == 0 && 2*g.OH <= g.H && 2*g.OW <= g.W {
		maxPool2(out, x, c, g)
		return
	}
	hw, ohw := g.H*g.W, g.OH*g.OW
	ninf := float32(math.Inf(-1))
	for ci := 0; ci < c; ci++ {
		xc, oc := x[ci*hw:(ci+1)*hw], out[ci*ohw:(ci+1)*ohw]
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				m := ninf
				for ky := 0; ky < g.KH; ky++ {
					y := oy*g.SH - g.PT + ky
					if y < 0 || y >= g.H {
						continue
					}
					for kx := 0; kx < g.KW; kx++ {
						xx := ox*g.SW - g.PL + kx
						if xx >= 0 && xx < g.W && xc[y*g.W+xx] > m {
							m = xc[y*g.W+xx]
						}
					}
				}
				oc[oy*g.OW+ox] = m
			}
		}
	}
}

func maxPool2(out, x []float32, c int, g Window) {
	hw, ohw := g.H*g.W, g.OH*g.OW
	inf := float32(math.Inf(1))
	for ci := 0; ci < c; ci++ {
		xc, oc := x[ci*hw:(ci+1)*hw], out[ci*ohw:(ci+1)*ohw]
		for oy := 0; oy < g.OH; oy++ {
			Pool2BiasClamp(oc[oy*g.OW:(oy+1)*g.OW], xc[2*oy*g.W:], xc[(2*oy+1)*g.W:], 0, -inf, inf)
		}
	}
}

// MaxPoolBackward adds dy ([c,OH,OW]) onto dx ([c,H,W]) at the first maximum of every window of x,
// the element MaxPool picked.
func MaxPoolBackward(dx, x, dy []float32, c int, g Window) {
	hw, ohw := g.H*g.W, g.OH*g.OW
	if g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PT == 0 && g.PL == 0 && 2*g.OH <= g.H && 2*g.OW <= g.W {
		for ci := 0; ci < c; ci++ {
			xc, dxc, dyc := x[ci*hw:(ci+1)*hw], dx[ci*hw:(ci+1)*hw], dy[ci*ohw:(ci+1)*ohw]
			for oy := 0; oy < g.OH; oy++ {
				r0 := 2 * oy * g.W
				r1 := r0 + g.W
				for ox, d := range dyc[oy*g.OW : (oy+1)*g.OW] {
					at := r0 + 2*ox
					m := xc[at]
					if v := xc[r0+2*ox+1]; v > m {
						at, m = r0+2*ox+1, v
					}
					if v := xc[r1+2*ox]; v > m {
						at, m = r1+2*ox, v
					}
					if v := xc[r1+2*ox+1]; v > m {
						at = r1 + 2*ox + 1
					}
					dxc[at] += d
				}
			}
		}
		return
	}
	for ci := 0; ci < c; ci++ {
		xc, dxc, dyc := x[ci*hw:(ci+1)*hw], dx[ci*hw:(ci+1)*hw], dy[ci*ohw:(ci+1)*ohw]
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				at := -1
				var m float32
				for ky := 0; ky < g.KH; ky++ {
					y := oy*g.SH - g.PT + ky
					if y < 0 || y >= g.H {
						continue
					}
					for kx := 0; kx < g.KW; kx++ {
						xx := ox*g.SW - g.PL + kx
						if xx >= 0 && xx < g.W && (at < 0 || xc[y*g.W+xx] > m) {
							at, m = y*g.W+xx, xc[y*g.W+xx]
						}
					}
				}
				if at >= 0 {
					dxc[at] += dyc[oy*g.OW+ox]
				}
			}
		}
	}
}

// AvgPool writes the sum of every window of x divided by the full kernel area KH·KW (padding
// counts as zero) into out.
func AvgPool(out, x []float32, c int, g Window) {
	hw, ohw := g.H*g.W, g.OH*g.OW
	inv := 1 / float32(g.KH*g.KW)
	for ci := 0; ci < c; ci++ {
		xc, oc := x[ci*hw:(ci+1)*hw], out[ci*ohw:(ci+1)*ohw]
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				var s float32
				for ky := 0; ky < g.KH; ky++ {
					y := oy*g.SH - g.PT + ky
					if y < 0 || y >= g.H {
						continue
					}
					for kx := 0; kx < g.KW; kx++ {
						if xx := ox*g.SW - g.PL + kx; xx >= 0 && xx < g.W {
							s += xc[y*g.W+xx]
						}
					}
				}
				oc[oy*g.OW+ox] = s * inv
			}
		}
	}
}

// AvgPoolBackward adds dy/(KH·KW) onto every non-padding element of each window in dx.
func AvgPoolBackward(dx, dy []float32, c int, g Window) {
	hw, ohw := g.H*g.W, g.OH*g.OW
	inv := 1 / float32(g.KH*g.KW)
	for ci := 0; ci < c; ci++ {
		dxc, dyc := dx[ci*hw:(ci+1)*hw], dy[ci*ohw:(ci+1)*ohw]
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				v := dyc[oy*g.OW+ox] * inv
				for ky := 0; ky < g.KH; ky++ {
					y := oy*g.SH - g.PT + ky
					if y < 0 || y >= g.H {
						continue
					}
					for kx := 0; kx < g.KW; kx++ {
						if xx := ox*g.SW - g.PL + kx; xx >= 0 && xx < g.W {
							dxc[y*g.W+xx] += v
						}
					}
				}
			}
		}
	}
}

// GlobalAvgPool writes the mean of each plane of x (len(y) planes of plane values) into y, summing
// in float64.
func GlobalAvgPool(y, x []float32, plane int) {
	inv := 1 / float64(plane)
	for c := range y {
		t := 0.0
		for _, v := range x[c*plane : (c+1)*plane] {
			t += float64(v)
		}
		y[c] = float32(t * inv)
	}
}

// GlobalAvgPoolBackward adds dy[c]/plane onto every value of plane c of dx.
func GlobalAvgPoolBackward(dx, dy []float32, plane int) {
	inv := 1 / float32(plane)
	for c, d := range dy {
		d *= inv
		dxc := dx[c*plane : (c+1)*plane]
		for k := range dxc {
			dxc[k] += d
		}
	}
}
