package kernel

// The element-wise and reduction loops of the training graph's layers (ReLU, residual sums, batch
// norm, bias gradients). Each runs with AVX2 where the CPU has it; the plain Go fallback performs
// the same float32 operations in the same order, so the two give identical bits.
//
// The sums keep 8 partial sums (lane j adds the values j, j+8, j+16, … of the longest prefix whose
// length is a multiple of 8), combine them as ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)) and then add the
// remaining values one by one. That order is fixed, so results do not depend on the CPU or the
// number of cores; it is not the left-to-right order of a plain loop, so a sum may differ from
// one in the last bits (its error bound is the same order, about n·2⁻²⁴ relative to Σ|x|, and
// in practice smaller).

// avx2Prefix returns the length of the longest prefix of n values that the AVX2 loops take (a
// multiple of 8), or 0 without AVX2.
func avx2Prefix(n int) int {
	if !useAVX2 {
		return 0
	}
	return n &^ 7
}

// combineLanes adds 8 lane sums in the fixed order of the package comment.
func combineLanes(l *[8]float32) float32 {
	return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

// AddTo sets dst[i] += src[i] for i < len(src).
func AddTo(dst, src []float32) {
	if len(src) == 0 {
		return
	}
	dst = dst[:len(src)]
	n := avx2Prefix(len(src))
	if n > 0 {
		addAVX2(&dst[0], &src[0], n)
	}
	for i := n; i < len(src); i++ {
		dst[i] += src[i]
	}
}

// ReLUForward sets dst[i] = max(src[i], 0) for i < len(dst) (Go's max: NaN stays NaN, −0 becomes +0);
// dst may be src.
func ReLUForward(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	src = src[:len(dst)]
	n := avx2Prefix(len(dst))
	if n > 0 {
		reluAVX2(&dst[0], &src[0], n)
	}
	for i := n; i < len(dst); i++ {
		dst[i] = max(src[i], 0)
	}
}

// ReLUGrad sets dx[i] = dy[i] where x[i] > 0 and dx[i] = 0 elsewhere, for i < len(dx).
func ReLUGrad(dx, x, dy []float32) {
	if len(dx) == 0 {
		return
	}
	x, dy = x[:len(dx)], dy[:len(dx)]
	n := avx2Prefix(len(dx))
	if n > 0 {
		reluGradAVX2(&dx[0], &x[0], &dy[0], n)
	}
	for i := n; i < len(dx); i++ {
		if x[i] > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}

// Sum returns Σ x[i] in the fixed order of the package comment.
func Sum(x []float32) float32 {
	var l [8]float32
	n := avx2Prefix(len(x))
	if n > 0 {
		laneSumAVX2(&x[0], n, &l[0])
	} else {
		n = len(x) &^ 7
		for i := 0; i < n; i += 8 {
			for j := range l {
				l[j] += x[i+j]
			}
		}
	}
	s := combineLanes(&l)
	for _, v := range x[n:] {
		s += v
	}
	return s
}

// SumSqDev returns Σ (x[i] − m)², each square rounded to float32, in the fixed order of the
// package comment.
func SumSqDev(x []float32, m float32) float32 {
	var l [8]float32
	n := avx2Prefix(len(x))
	if n > 0 {
		laneSqDevAVX2(&x[0], n, m, &l[0])
	} else {
		n = len(x) &^ 7
		for i := 0; i < n; i += 8 {
			for j := range l {
				d := x[i+j] - m
				l[j] += d * d
			}
		}
	}
	s := combineLanes(&l)
	for _, v := range x[n:] {
		d := v - m
		s += d * d
	}
	return s
}

// SumDot returns Σ dy[i] and Σ dy[i]·xh[i] (each product rounded) over i < len(dy), in the fixed
// order of the package comment.
func SumDot(dy, xh []float32) (sumDy, sumDyXh float32) {
	var a, b [8]float32
	xh = xh[:len(dy)]
	n := avx2Prefix(len(dy))
	if n > 0 {
		laneDotAVX2(&dy[0], &xh[0], n, &a[0], &b[0])
	} else {
		n = len(dy) &^ 7
		for i := 0; i < n; i += 8 {
			for j := range a {
				a[j] += dy[i+j]
				b[j] += dy[i+j] * xh[i+j]
			}
		}
	}
	sumDy, sumDyXh = combineLanes(&a), combineLanes(&b)
	for i := n; i < len(dy); i++ {
		sumDy += dy[i]
		sumDyXh += dy[i] * xh[i]
	}
	return sumDy, sumDyXh
}

// Normalize sets xh[i] = (x[i] − m)·is and y[i] = g·xh[i] + b for i < len(y), each operation
// rounded to float32 (batch norm's forward step); xh may be nil when x̂ is not wanted.
func Normalize(y, xh, x []float32, m, is, g, b float32) {
	if len(y) == 0 {
		return
	}
	x = x[:len(y)]
	var xp *float32
	if xh != nil {
		xh = xh[:len(y)]
		xp = &xh[0]
	}
	n := avx2Prefix(len(y))
	if n > 0 {
		normalizeAVX2(&y[0], xp, &x[0], n, m, is, g, b)
	}
	for i := n; i < len(y); i++ {
		v := (x[i] - m) * is
		if xh != nil {
			xh[i] = v
		}
		y[i] = g*v + b
	}
}

// NormGrad sets dx[i] = a·((dy[i] − mDy) − xh[i]·mDyXh) for i < len(dx), each operation rounded
// to float32 (batch norm's input gradient).
func NormGrad(dx, dy, xh []float32, a, mDy, mDyXh float32) {
	if len(dx) == 0 {
		return
	}
	dy, xh = dy[:len(dx)], xh[:len(dx)]
	n := avx2Prefix(len(dx))
	if n > 0 {
		normGradAVX2(&dx[0], &dy[0], &xh[0], n, a, mDy, mDyXh)
	}
	for i := n; i < len(dx); i++ {
		dx[i] = a * (dy[i] - mDy - xh[i]*mDyXh)
	}
}
