package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// The epilogues (AVX2 where available) against their definitions, for every length up to 70 so
// that each vector width and tail runs; results must be identical.
func TestEpilogues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	inf := float32(math.Inf(1))
	bounds := [][2]float32{{0, inf}, {-inf, inf}, {-0.5, 0.7}}
	for n := 0; n <= 70; n++ {
		for _, lh := range bounds {
			lo, hi := lh[0], lh[1]
			src, b := randSlice(r, n), randSlice(r, n)
			r0, r1 := randSlice(r, 2*n), randSlice(r, 2*n)
			got, want := make([]float32, n), make([]float32, n)
			BiasClamp(got, src, 0.25, lo, hi)
			for i := range want {
				want[i] = min(max(src[i]+0.25, lo), hi)
			}
			compare(t, "BiasClamp", n, got, want)
			BiasVecClamp(got, src, b, lo, hi)
			for i := range want {
				want[i] = min(max(src[i]+b[i], lo), hi)
			}
			compare(t, "BiasVecClamp", n, got, want)
			Pool2BiasClamp(got, r0, r1, -0.1, lo, hi)
			for i := range want {
				m := max(r0[2*i], r0[2*i+1], r1[2*i], r1[2*i+1])
				want[i] = min(max(m-0.1, lo), hi)
			}
			compare(t, "Pool2BiasClamp", n, got, want)
		}
	}
}

func compare(t *testing.T, name string, n int, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s n=%d: [%d] = %v, want %v", name, n, i, got[i], want[i])
		}
	}
}

func TestBiasClampInPlaceAndNaN(t *testing.T) {
	x := []float32{-1, 2, float32(math.NaN()), -3, 4, 5, -6, 7, 8, -9}
	BiasClamp(x, x, 1, 0, float32(math.Inf(1)))
	want := []float32{0, 3, float32(math.NaN()), 0, 5, 6, 0, 8, 9, 0}
	for i := range want {
		if x[i] != want[i] && !(math.IsNaN(float64(x[i])) && math.IsNaN(float64(want[i]))) {
			t.Fatalf("got %v, want %v", x, want)
		}
	}
}

// Im2col against its definition, and Col2imAdd as its adjoint: <Im2col(x), c> = <x, Col2imAdd(c)>.
func TestIm2colAdjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, g := range []Window{
		{H: 5, W: 6, KH: 3, KW: 3, SH: 1, SW: 1, PT: 1, PL: 1, DH: 1, DW: 1, OH: 5, OW: 6},
		{H: 7, W: 5, KH: 2, KW: 3, SH: 2, SW: 3, PT: 0, PL: 2, DH: 2, DW: 1, OH: 3, OW: 3},
	} {
		const c = 2
		x := randSlice(r, c*g.H*g.W)
		rows, cols := c*g.KH*g.KW, g.OH*g.OW
		col := make([]float32, rows*cols)
		Im2col(col, x, c, g)
		for ci := 0; ci < c; ci++ {
			for ky := 0; ky < g.KH; ky++ {
				for kx := 0; kx < g.KW; kx++ {
					for oy := 0; oy < g.OH; oy++ {
						for ox := 0; ox < g.OW; ox++ {
							y, xx := oy*g.SH-g.PT+ky*g.DH, ox*g.SW-g.PL+kx*g.DW
							var want float32
							if y >= 0 && y < g.H && xx >= 0 && xx < g.W {
								want = x[(ci*g.H+y)*g.W+xx]
							}
							if got := col[((ci*g.KH+ky)*g.KW+kx)*cols+oy*g.OW+ox]; got != want {
								t.Fatalf("%+v: col(%d,%d,%d; %d,%d) = %v, want %v", g, ci, ky, kx, oy, ox, got, want)
							}
						}
					}
				}
			}
		}
		cv := randSlice(r, rows*cols)
		dx := make([]float32, len(x))
		Col2imAdd(dx, cv, c, g)
		var lhs, rhs float64
		for i := range col {
			lhs += float64(col[i]) * float64(cv[i])
		}
		for i := range x {
			rhs += float64(x[i]) * float64(dx[i])
		}
		if math.Abs(lhs-rhs) > 1e-4*math.Abs(lhs) {
			t.Errorf("%+v: <Im2col x, c> = %v, <x, Col2imAdd c> = %v", g, lhs, rhs)
		}
	}
}

// Activation backward passes (AVX2 for ReLU) and the 2x2 max pool backward against their
// definitions.
func TestBackwardKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for n := 1; n <= 37; n++ {
		x, dy := randSlice(r, n), randSlice(r, n)
		x[0] = 0 // the kink: left derivative 0
		got, want := randSlice(r, n), make([]float32, n)
		copy(want, got)
		Activation{Kind: ReLU}.Backward(got, x, x, dy)
		for i := range want {
			if x[i] > 0 {
				want[i] += dy[i]
			}
		}
		compare(t, "ReLU backward", n, got, want)
	}
	g := Window{H: 5, W: 7, KH: 2, KW: 2, SH: 2, SW: 2, DH: 1, DW: 1, OH: 2, OW: 3}
	x, dy := randSlice(r, 2*5*7), randSlice(r, 2*2*3)
	x[0], x[1] = 9, 9 // a tie: the first maximum wins
	got := make([]float32, len(x))
	MaxPoolBackward(got, x, dy, 2, g)
	want := make([]float32, len(x))
	for c := 0; c < 2; c++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				at, m := -1, float32(0)
				for ky := 0; ky < 2; ky++ {
					for kx := 0; kx < 2; kx++ {
						i := c*35 + (2*oy+ky)*7 + 2*ox + kx
						if at < 0 || x[i] > m {
							at, m = i, x[i]
						}
					}
				}
				want[at] += dy[c*6+oy*3+ox]
			}
		}
	}
	compare(t, "MaxPoolBackward", len(x), got, want)
	if got[0] != dy[0] || got[1] != 0 {
		t.Errorf("tie: gradient %v %v, want it all on the first element", got[0], got[1])
	}
}
