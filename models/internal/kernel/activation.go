package kernel

import "math"

// Act is the kind of an element-wise activation function.
type Act uint8

// The activations of models.Net. GELU is the exact erf form x·Φ(x); Clip is min(max(x, A), B).
const (
	Identity Act = iota
	ReLU
	LeakyReLU
	Sigmoid
	Tanh
	GELU
	Clip
)

// Activation is an element-wise function: its kind and parameters (A: LeakyReLU's slope for
// negative inputs or Clip's lower bound; B: Clip's upper bound). The zero value is the identity.
type Activation struct {
	Kind Act
	A, B float32
}

// vector applies the AVX2 kernel f in place to the longest prefix of x whose length is a multiple
// of 8, when the CPU has AVX2, and returns the rest of x for the scalar code.
func vector(f func(dst, src *float32, n int), x []float32) []float32 {
	n := len(x) &^ 7
	if !useAVX2 || n == 0 {
		return x
	}
	f(&x[0], &x[0], n)
	return x[n:]
}

// Apply replaces every x[i] by f(x[i]). Sigmoid, Tanh and GELU use float32 approximations with
// AVX2 (Cephes' expf reduction and polynomial; GELU's erfc from Abramowitz and Stegun 7.1.26),
// within about 2e-7 absolute and a few ulp relative of the exact values; without AVX2 they round
// the float64 functions.
func (f Activation) Apply(x []float32) {
	switch f.Kind {
	case Identity:
	case ReLU:
		for i, v := range x {
			if v < 0 {
				x[i] = 0
			}
		}
	case LeakyReLU:
		for i, v := range x {
			if v < 0 {
				x[i] = f.A * v
			}
		}
	case Sigmoid:
		x = vector(sigmoidAVX2, x)
		for i, v := range x {
			x[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case Tanh:
		x = vector(tanhAVX2, x)
		for i, v := range x {
			x[i] = float32(math.Tanh(float64(v)))
		}
	case GELU:
		x = vector(geluAVX2, x)
		for i, v := range x {
			t := float64(v)
			x[i] = float32(0.5 * t * (1 + math.Erf(t/math.Sqrt2)))
		}
	case Clip:
		for i, v := range x {
			x[i] = min(max(v, f.A), f.B)
		}
	default:
		panic("kernel: unknown activation")
	}
}

// Backward adds dy·f′(x) onto dx, where x is the activation's input and y = f(x) its output.
// At their kinks ReLU, LeakyReLU and Clip take the left derivative (Clip passes the gradient
// where A < x ≤ B).
func (f Activation) Backward(dx, x, y, dy []float32) {
	_ = dx[len(dy)-1]
	_ = x[len(dy)-1]
	_ = y[len(dy)-1]
	switch f.Kind {
	case Identity:
		for i, g := range dy {
			dx[i] += g
		}
	case ReLU:
		n := 0
		if useAVX2 {
			n = len(dy) &^ 7
			if n > 0 {
				reluBackwardAVX2(&dx[0], &x[0], &dy[0], n)
			}
		}
		for i := n; i < len(dy); i++ {
			if x[i] > 0 {
				dx[i] += dy[i]
			}
		}
	case LeakyReLU:
		for i, g := range dy {
			if x[i] > 0 {
				dx[i] += g
			} else {
				dx[i] += f.A * g
			}
		}
	case Sigmoid:
		for i, g := range dy {
			dx[i] += g * y[i] * (1 - y[i])
		}
	case Tanh:
		for i, g := range dy {
			dx[i] += g * (1 - y[i]*y[i])
		}
	case GELU:
		for i, g := range dy {
			t := float64(x[i])
			d := 0.5*(1+math.Erf(t/math.Sqrt2)) + t*math.Exp(-0.5*t*t)/math.Sqrt(2*math.Pi)
			dx[i] += g * float32(d)
		}
	case Clip:
		for i, g := range dy {
			if x[i] > f.A && x[i] <= f.B {
				dx[i] += g
			}
		}
	default:
		panic("kernel: unknown activation")
	}
}

// SoftmaxBackward adds the gradient through softmax (y = softmax(x), as internal/softmax.Rows writes it), y·(dy − Σ dy·y) per run of n, onto dx.
func SoftmaxBackward(dx, y, dy []float32, n int) {
	for lo := 0; lo+n <= len(y); lo += n {
		t := 0.0
		for k := lo; k < lo+n; k++ {
			t += float64(dy[k]) * float64(y[k])
		}
		for k := lo; k < lo+n; k++ {
			dx[k] += y[k] * (dy[k] - float32(t))
		}
	}
}

// LogSoftmaxBackward adds the gradient through log softmax (y = log softmax(x), as
// internal/softmax.LogRows writes it), dy − exp(y)·Σ dy per run of n, onto dx.
func LogSoftmaxBackward(dx, y, dy []float32, n int) {
	for lo := 0; lo+n <= len(y); lo += n {
		t := 0.0
		for k := lo; k < lo+n; k++ {
			t += float64(dy[k])
		}
		for k := lo; k < lo+n; k++ {
			dx[k] += float32(float64(dy[k]) - math.Exp(float64(y[k]))*t)
		}
	}
}
