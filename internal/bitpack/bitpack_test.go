package bitpack

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Positive sets exactly the bits of the positive values (not 0, −0, negatives or NaN; +Inf and
// the smallest subnormal are positive), in whole words and a partial last one with its padding
// cleared, with AVX2 and in plain Go alike.
func TestPositive(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32}
	paths := []bool{false}
	if useAVX2 {
		paths = append(paths, true)
	}
	for _, avx := range paths {
		for _, n := range []int{1, 63, 64, 65, 128, 200, 1000} {
			x := make([]float32, n)
			for i := range x {
				x[i] = r.Float32() - 0.5
				if r.IntN(4) == 0 {
					x[i] = special[r.IntN(len(special))]
				}
			}
			dst := make([]byte, (n+63)/64*8)
			for i := range dst {
				dst[i] = 0xa5
			}
			positive(dst, x, avx)
			for k := range len(dst) * 8 {
				want := k < n && x[k] > 0
				if got := dst[k/8]>>(k%8)&1 == 1; got != want {
					t.Fatalf("AVX2 %v, %d values: bit %d is %v for %v, want %v", avx, n, k, got, x[min(k, n-1)], want)
				}
			}
		}
	}
}

// positive is Positive on the AVX2 path or, with avx false, on the plain Go one.
func positive(dst []byte, x []float32, avx bool) {
	if avx {
		Positive(dst, x)
		return
	}
	for w := 0; 64*w < len(x); w++ {
		m := positiveWord(x[64*w : min(len(x), 64*w+64)])
		for b := range 8 {
			dst[8*w+b] = byte(m >> (8 * b))
		}
	}
}

func BenchmarkPositive(b *testing.B) {
	x := make([]float32, 25088) // a 32-channel 28×28 layer
	r := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = r.Float32() - 0.5
	}
	dst := make([]byte, len(x)/8)
	for range b.N {
		Positive(dst, x)
	}
}
