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
