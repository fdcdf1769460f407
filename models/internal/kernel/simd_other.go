//go:build !amd64 || purego

package kernel

const useAVX2 = false

func biasClampAVX2(dst, src *float32, n int, b, lo, hi float32) { panic("kernel: no AVX2") }

func biasVecClampAVX2(dst, src, b *float32, n int, lo, hi float32) { panic("kernel: no AVX2") }

func pool2BiasClampAVX2(dst, r0, r1 *float32, n int, b, lo, hi float32) { panic("kernel: no AVX2") }

func expAVX2(dst, src *float32, n int)     { panic("kernel: no AVX2") }
func sigmoidAVX2(dst, src *float32, n int) { panic("kernel: no AVX2") }
func tanhAVX2(dst, src *float32, n int)    { panic("kernel: no AVX2") }
func geluAVX2(dst, src *float32, n int)    { panic("kernel: no AVX2") }

func reluBackwardAVX2(dx, x, dy *float32, n int) { panic("kernel: no AVX2") }

func addAVX2(dst, src *float32, n int)                           { panic("kernel: no AVX2") }
func reluAVX2(dst, src *float32, n int)                          { panic("kernel: no AVX2") }
func reluGradAVX2(dx, x, dy *float32, n int)                     { panic("kernel: no AVX2") }
func laneSumAVX2(x *float32, n int, lanes *float32)              { panic("kernel: no AVX2") }
func laneSqDevAVX2(x *float32, n int, m float32, lanes *float32) { panic("kernel: no AVX2") }
func laneDotAVX2(dy, xh *float32, n int, sumDy, sumDyXh *float32) {
	panic("kernel: no AVX2")
}
func normalizeAVX2(y, xh, x *float32, n int, m, is, gamma, beta float32) { panic("kernel: no AVX2") }
func normGradAVX2(dx, dy, xh *float32, n int, a, mDy, mDyXh float32) {
	panic("kernel: no AVX2")
}

// withAVX2 runs f; without AVX2 kernels there is nothing to switch.
func withAVX2(_ bool, f func()) { f() }

func adamAVX2(p, grad, m, v *float32, n int, wd, b1, c1, b2, c2 float32, stepSize, sqrtC2, eps float64) {
	panic("kernel: no AVX2")
}
