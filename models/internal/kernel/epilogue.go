package kernel

import "math"

// The epilogues of a matrix product: add the bias and apply a clamp [lo, hi] in one pass (ReLU is
// [0, +Inf), ReLU6 [0, 6], no activation (−Inf, +Inf)), optionally after a 2x2 max pool. They run
// with AVX2 where the CPU has it.

// ClampOf returns the bounds of f when f is a clamp (identity, ReLU, Clip) and ok = false otherwise.
func ClampOf(f Activation) (lo, hi float32, ok bool) {
	inf := float32(math.Inf(1))
	switch f.Kind {
	case Identity:
		return -inf, inf, true
	case ReLU:
		return 0, inf, true
	case Clip:
		return f.A, f.B, true
	}
	return 0, 0, false
}

// BiasClamp sets dst[i] = min(max(src[i]+b, lo), hi) for i < len(dst); dst may be src.
func BiasClamp(dst, src []float32, b, lo, hi float32) {
	if len(dst) == 0 {
		return
	}
	src = src[:len(dst)]
	if useAVX2 {
		biasClampAVX2(&dst[0], &src[0], len(dst), b, lo, hi)
		return
	}
	for i, v := range src {
		dst[i] = min(max(v+b, lo), hi)
	}
}

// BiasVecClamp sets dst[i] = min(max(src[i]+b[i], lo), hi) for i < len(dst); dst may be src.
func BiasVecClamp(dst, src, b []float32, lo, hi float32) {
	if len(dst) == 0 {
		return
	}
	src, b = src[:len(dst)], b[:len(dst)]
	if useAVX2 {
		biasVecClampAVX2(&dst[0], &src[0], &b[0], len(dst), lo, hi)
		return
	}
	for i, v := range src {
		dst[i] = min(max(v+b[i], lo), hi)
	}
}

// Pool2BiasClamp sets dst[i] = min(max(m+b, lo), hi) where m is the maximum of r0[2i], r0[2i+1],
// r1[2i], r1[2i+1]: a 2x2 max pool of two rows, then bias and clamp (which commute with the max).
func Pool2BiasClamp(dst, r0, r1 []float32, b, lo, hi float32) {
	n := len(dst)
	if n == 0 {
		return
	}
	r0, r1 = r0[:2*n], r1[:2*n]
	if useAVX2 {
		pool2BiasClampAVX2(&dst[0], &r0[0], &r1[0], n, b, lo, hi)
		return
	}
	for i := range dst {
		m := max(r0[2*i], r0[2*i+1], r1[2*i], r1[2*i+1])
		dst[i] = min(max(m+b, lo), hi)
	}
}
