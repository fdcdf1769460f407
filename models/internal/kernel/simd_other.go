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
