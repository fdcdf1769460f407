package train

import (
	"math"

	"github.com/surfscope/surfscope/internal/parallel"
)

// optimizer updates parameters in place from their gradients.
type optimizer interface {
	step(params, grads [][]float32, lr float64)
}

// adamOptimizer is Adam (Kingma & Ba 2015) with PyTorch's conventions: bias-corrected moments,
// eps added to √v̂, and weight decay as an L2 term added to the gradient.
type adamOptimizer struct {
	beta1, beta2, eps, decay float64
	t                        int
	m, v                     [][]float32
}

func (o *adamOptimizer) step(params, grads [][]float32, lr float64) {
	if o.m == nil {
		o.m, o.v = zerosLike(params), zerosLike(params)
	}
	o.t++
	c1 := 1 - math.Pow(o.beta1, float64(o.t))
	c2 := 1 - math.Pow(o.beta2, float64(o.t))
	b1, b2, eps, wd := float32(o.beta1), float32(o.beta2), o.eps, float32(o.decay)
	stepSize := lr / c1
	sqrtC2 := math.Sqrt(c2)
	for j, p := range params {
		g, m, v := grads[j], o.m[j], o.v[j]
		parallel.Split(len(p), 1<<14, func(_, lo, hi int) {
			for i := lo; i < hi; i++ {
				gi := g[i] + wd*p[i]
				m[i] = b1*m[i] + (1-b1)*gi
				v[i] = b2*v[i] + (1-b2)*gi*gi
				den := math.Sqrt(float64(v[i]))/sqrtC2 + eps
				p[i] -= float32(stepSize * float64(m[i]) / den)
			}
		})
	}
}

// sgdOptimizer is stochastic gradient descent with heavy-ball momentum as PyTorch implements it
// (the first step seeds the buffer with the gradient) and L2 weight decay added to the gradient.
type sgdOptimizer struct {
	momentum, decay float64
	buf             [][]float32
}

func (o *sgdOptimizer) step(params, grads [][]float32, lr float64) {
	first := o.buf == nil
	if first && o.momentum > 0 {
		o.buf = zerosLike(params)
	}
	mom, wd, eta := float32(o.momentum), float32(o.decay), float32(lr)
	for j, p := range params {
		g := grads[j]
		for i := range p {
			gi := g[i] + wd*p[i]
			if o.momentum > 0 {
				if first {
					o.buf[j][i] = gi
				} else {
					o.buf[j][i] = mom*o.buf[j][i] + gi
				}
				gi = o.buf[j][i]
			}
			p[i] -= eta * gi
		}
	}
}

func zerosLike(v [][]float32) [][]float32 {
	z := make([][]float32, len(v))
	for i := range v {
		z[i] = make([]float32, len(v[i]))
	}
	return z
}
