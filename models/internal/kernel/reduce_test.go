package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// reduceInputs returns lengths that exercise the 8-wide loops and their scalar tails.
var reduceLengths = []int{0, 1, 7, 8, 9, 31, 784, 1001}

func randomSlice(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func sameBits(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}

// The element-wise kernels give the bits of their defining scalar expressions, with AVX2 and
// without, including NaN and signed zeros.
func TestElementwiseKernelsMatchScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, n := range reduceLengths {
		x, dy, xh, base := randomSlice(rng, n), randomSlice(rng, n), randomSlice(rng, n), randomSlice(rng, n)
		if n > 3 {
			x[0], x[1], x[2] = nan, negZero, 0
		}
		m, is, g, b := float32(0.3), float32(1.7), float32(-0.8), float32(0.25)
		want := map[string][]float32{"add": make([]float32, n), "relu": make([]float32, n), "grad": make([]float32, n),
			"y": make([]float32, n), "xh": make([]float32, n), "ng": make([]float32, n)}
		for i := range x {
			want["add"][i] = base[i] + dy[i]
			want["relu"][i] = max(x[i], 0)
			if x[i] > 0 {
				want["grad"][i] = dy[i]
			}
			v := (x[i] - m) * is
			want["xh"][i], want["y"][i] = v, g*v+b
			want["ng"][i] = is * (dy[i] - m - xh[i]*b)
		}
		for _, on := range []bool{true, false} {
			withAVX2(on, func() {
				got := map[string][]float32{"add": append([]float32(nil), base...), "relu": make([]float32, n),
					"grad": randomSlice(rng, n), "y": make([]float32, n), "xh": make([]float32, n), "ng": make([]float32, n)}
				AddTo(got["add"], dy)
				ReLUForward(got["relu"], x)
				ReLUGrad(got["grad"], x, dy)
				Normalize(got["y"], got["xh"], x, m, is, g, b)
				NormGrad(got["ng"], dy, xh, is, m, b)
				for k, w := range want {
					if !sameBits(got[k], w) {
						t.Errorf("n=%d avx2=%v %s: %v, want %v", n, on, k, got[k], w)
					}
				}
				y2 := make([]float32, n)
				Normalize(y2, nil, x, m, is, g, b)
				if !sameBits(y2, want["y"]) {
					t.Errorf("n=%d avx2=%v: Normalize without x̂ differs", n, on)
				}
			})
		}
	}
}

// The sums give the same bits with AVX2 and without, and agree with a float64 sum within float32
// rounding.
func TestSumsMatchFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range reduceLengths {
		x, xh := randomSlice(rng, n), randomSlice(rng, n)
		for i := range x {
			x[i] += 2 // a mean away from zero, as batch norm's inputs have
		}
		m := float32(1.9)
		var s, sq, sd, sdx, abs, absSq, absDx float64
		for i := range x {
			v, d := float64(x[i]), float64(x[i]-m)
			s, sq, sd, sdx = s+v, sq+d*d, sd+v, sdx+v*float64(xh[i])
			abs, absSq, absDx = abs+math.Abs(v), absSq+d*d, absDx+math.Abs(v*float64(xh[i]))
		}
		var got [2][4]float32
		for k, on := range []bool{true, false} {
			withAVX2(on, func() {
				got[k][0], got[k][1] = Sum(x), SumSqDev(x, m)
				got[k][2], got[k][3] = SumDot(x, xh)
			})
		}
		if got[0] != got[1] {
			t.Errorf("n=%d: AVX2 sums %v, plain Go %v", n, got[0], got[1])
		}
		tol := 4 * float64(n+1) * 0x1p-24
		for i, c := range []struct{ want, scale float64 }{{s, abs}, {sq, absSq}, {sd, abs}, {sdx, absDx}} {
			if d := math.Abs(float64(got[0][i]) - c.want); d > tol*c.scale+1e-30 {
				t.Errorf("n=%d sum %d: %v, float64 %v (|Δ| %g > %g)", n, i, got[0][i], c.want, d, tol*c.scale)
			}
		}
	}
}
