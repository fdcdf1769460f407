//go:build amd64 && !purego

package kernel

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func biasClampAVX2(dst, src *float32, n int, b, lo, hi float32)

//go:noescape
func biasVecClampAVX2(dst, src, b *float32, n int, lo, hi float32)

//go:noescape
func pool2BiasClampAVX2(dst, r0, r1 *float32, n int, b, lo, hi float32)

//go:noescape
func expAVX2(dst, src *float32, n int)

//go:noescape
func sigmoidAVX2(dst, src *float32, n int)

//go:noescape
func tanhAVX2(dst, src *float32, n int)

//go:noescape
func geluAVX2(dst, src *float32, n int)

//go:noescape
func reluBackwardAVX2(dx, x, dy *float32, n int)

//go:noescape
func addAVX2(dst, src *float32, n int)

//go:noescape
func reluAVX2(dst, src *float32, n int)

//go:noescape
func reluGradAVX2(dx, x, dy *float32, n int)

//go:noescape
func laneSumAVX2(x *float32, n int, lanes *float32)

//go:noescape
func laneSqDevAVX2(x *float32, n int, m float32, lanes *float32)

//go:noescape
func laneDotAVX2(dy, xh *float32, n int, sumDy, sumDyXh *float32)

//go:noescape
func normalizeAVX2(y, xh, x *float32, n int, m, is, gamma, beta float32)

//go:noescape
func normGradAVX2(dx, dy, xh *float32, n int, a, mDy, mDyXh float32)

// withAVX2 runs f with the AVX2 kernels switched on or off (for tests comparing the two paths).
func withAVX2(on bool, f func()) {
	prev := useAVX2
	useAVX2 = on && cpu.X86.HasAVX2
	defer func() { useAVX2 = prev }()
	f()
}

//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, wd, b1, c1, b2, c2 float32, stepSize, sqrtC2, eps float64)
