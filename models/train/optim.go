package train

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models/internal/kernel"
)

// optimizer updates parameters in place from their gradients. save returns its state (sharing
// its buffers); load sets it (taking the buffers).
type optimizer interface {
	step(params, grads [][]float32, lr float64)
	save() optimizerState
	load(optimizerState) error
}

// adamOptimizer is Adam (Kingma & Ba 2015) with PyTorch's conventions: bias-corrected moments,
// eps added to √v̂, and weight decay as an L2 term added to the gradient.
type adamOptimizer struct {
	beta1, beta2, eps, decay float64
	t                        int
	m, v                     [][]float32
}

func (o *adamOptimizer) save() optimizerState {
	if o.m == nil {
		return optimizerState{Steps: o.t}
	}
	return optimizerState{Steps: o.t, Buffers: [][][]float32{o.m, o.v}}
}

func (o *adamOptimizer) load(s optimizerState) error {
	switch {
	case len(s.Buffers) == 0 && s.Steps == 0:
		o.t, o.m, o.v = 0, nil, nil
	case len(s.Buffers) == 2 && s.Steps > 0:
		o.t, o.m, o.v = s.Steps, s.Buffers[0], s.Buffers[1]
	default:
		return fmt.Errorf("train: Adam state of %d steps with %d buffers, want 2 after the first step", s.Steps, len(s.Buffers))
	}
	return nil
}

func (o *adamOptimizer) step(params, grads [][]float32, lr float64) {
	if o.m == nil {
		o.m, o.v = zerosLike(params), zerosLike(params)
	}
	o.t++
	c1 := 1 - math.Pow(o.beta1, float64(o.t))
	c2 := 1 - math.Pow(o.beta2, float64(o.t))
	b1, b2 := float32(o.beta1), float32(o.beta2)
	c := kernel.AdamCoefficients{WD: float32(o.decay), B1: b1, C1: 1 - b1, B2: b2, C2: 1 - b2,
		StepSize: lr / c1, SqrtC2: math.Sqrt(c2), Eps: o.eps}
	for j, p := range params {
		g, m, v := grads[j], o.m[j], o.v[j]
		parallel.Split(len(p), 1<<14, func(_, lo, hi int) {
			kernel.AdamStep(p[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], c)
		})
	}
}

// sgdOptimizer is stochastic gradient descent with heavy-ball momentum as PyTorch implements it
// (the first step seeds the buffer with the gradient) and L2 weight decay added to the gradient.
type sgdOptimizer struct {
	momentum, decay float64
	steps           int
	buf             [][]float32
}

func (o *sgdOptimizer) save() optimizerState {
	if o.buf == nil {
		return optimizerState{Steps: o.steps}
	}
	return optimizerState{Steps: o.steps, Buffers: [][][]float32{o.buf}}
}

func (o *sgdOptimizer) load(s optimizerState) error {
	want := 0
	if o.momentum > 0 && s.Steps > 0 {
		want = 1
	}
	if len(s.Buffers) != want || s.Steps < 0 {
		return fmt.Errorf("train: SGD state of %d steps with %d buffers, want %d", s.Steps, len(s.Buffers), want)
	}
	o.steps, o.buf = s.Steps, nil
	if want == 1 {
		o.buf = s.Buffers[0]
	}
	return nil
}

func (o *sgdOptimizer) step(params, grads [][]float32, lr float64) {
	o.steps++
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
