package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// AdamStep gives the bits of Adam's scalar definition (as models/train wrote it before this
// kernel) over several steps, with AVX2 and without.
func TestAdamStepMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 37
	b1, b2, wd, lr, eps := float32(0.9), float32(0.999), float32(1e-2), 1e-3, 1e-8
	p0 := randomSlice(rng, n)
	for _, on := range []bool{true, false} {
		p, m, v := append([]float32(nil), p0...), make([]float32, n), make([]float32, n)
		wp, wm, wv := append([]float32(nil), p0...), make([]float32, n), make([]float32, n)
		r := rand.New(rand.NewPCG(11, 12))
		for step := 1; step <= 5; step++ {
			g := randomSlice(r, n)
			c1, c2 := 1-math.Pow(float64(b1), float64(step)), 1-math.Pow(float64(b2), float64(step))
			for i := range wp {
				gi := g[i] + wd*wp[i]
				wm[i] = b1*wm[i] + (1-b1)*gi
				wv[i] = b2*wv[i] + (1-b2)*gi*gi
				den := math.Sqrt(float64(wv[i]))/math.Sqrt(c2) + eps
				wp[i] -= float32(lr / c1 * float64(wm[i]) / den)
			}
			withAVX2(on, func() {
				AdamStep(p, g, m, v, AdamCoefficients{WD: wd, B1: b1, C1: 1 - b1, B2: b2, C2: 1 - b2,
					StepSize: lr / c1, SqrtC2: math.Sqrt(c2), Eps: eps})
			})
		}
		if !sameBits(p, wp) || !sameBits(m, wm) || !sameBits(v, wv) {
			t.Errorf("avx2=%v: parameters %v, want %v", on, p, wp)
		}
	}
}
