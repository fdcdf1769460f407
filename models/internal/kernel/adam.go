package kernel

import "math"

// AdamCoefficients are the per-step constants of AdamStep: weight decay WD; β₁, β₂ and C1 = 1 − β₁,
// C2 = 1 − β₂ (float32, as the moments are kept); the step size lr/(1 − β₁ᵗ), √(1 − β₂ᵗ) and ε.
type AdamCoefficients struct {
	WD, B1, C1, B2, C2    float32
	StepSize, SqrtC2, Eps float64
}

// AdamStep applies one step of Adam (Kingma & Ba 2015, with PyTorch's bias correction, ε added to
// √v̂ and L2 weight decay) to the parameters p with gradients g and moments m, v, all of one length:
//
//	gi = g + WD·p;  m = B1·m + C1·gi;  v = B2·v + C2·gi·gi
//	p −= float32(StepSize·m / (√v / SqrtC2 + Eps))   (in float64)
//
// With AVX2 four parameters go at a time through the same operations in the same order, so the
// result has the same bits either way.
func AdamStep(p, g, m, v []float32, c AdamCoefficients) {
	n := len(p)
	if n == 0 {
		return
	}
	g, m, v = g[:n], m[:n], v[:n]
	k := 0
	if useAVX2 {
		k = n &^ 3
		if k > 0 {
			adamAVX2(&p[0], &g[0], &m[0], &v[0], k, c.WD, c.B1, c.C1, c.B2, c.C2, c.StepSize, c.SqrtC2, c.Eps)
		}
	}
	for i := k; i < n; i++ {
		gi := g[i] + c.WD*p[i]
		m[i] = c.B1*m[i] + c.C1*gi
		v[i] = c.B2*v[i] + c.C2*gi*gi
		den := math.Sqrt(float64(v[i]))/c.SqrtC2 + c.Eps
		p[i] -= float32(c.StepSize * float64(m[i]) / den)
	}
}
