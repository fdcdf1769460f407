package softmax

import (
	"math"
	"testing"
)

// Known answers: softmax of (0, ln 3) is (1/4, 3/4); log-sum-exp of (0, ln 3) is ln 4. Adding a
// constant changes neither softmax nor log softmax and adds the constant to log-sum-exp, however
// large it is.
func TestKnownAnswers(t *testing.T) {
	ln3 := math.Log(3)
	for _, c := range []float64{0, 1000, -1000} {
		z := []float64{c, c + ln3}
		if got := LogSumExp(z); math.Abs(got-(c+math.Log(4))) > 1e-12*math.Max(1, math.Abs(c)) {
			t.Errorf("shift %v: LogSumExp %v, want %v", c, got, c+math.Log(4))
		}
		p := make([]float64, 2)
		Into(p, z)
		if math.Abs(p[0]-0.25) > 1e-12 || math.Abs(p[1]-0.75) > 1e-12 {
			t.Errorf("shift %v: softmax %v, want [0.25 0.75]", c, p)
		}
		// In float32 the shifted ln 3 is rounded: the answers follow the rounded gap d.
		x := []float32{float32(c), float32(c + ln3), float32(c), float32(c + ln3)}
		d := float64(x[1]) - float64(x[0])
		y := make([]float32, 4)
		Rows(y, x, 2)
		p1 := 1 / (1 + math.Exp(-d))
		for k, want := range []float64{1 - p1, p1, 1 - p1, p1} {
			if math.Abs(float64(y[k])-want) > 1e-7 {
				t.Errorf("shift %v: Rows %v, want %v at %d", c, y, want, k)
			}
		}
		LogRows(x, x, 2) // in place
		for k, want := range []float64{math.Log(1 - p1), math.Log(p1)} {
			if math.Abs(float64(x[k])-want) > 1e-6 || x[k+2] != x[k] {
				t.Errorf("shift %v: LogRows %v, want %v at %d", c, x, want, k)
			}
		}
	}
	if m, s := MaxSumExp([]float32(nil)); !math.IsInf(m, -1) || s != 0 {
		t.Errorf("empty: %v %v", m, s)
	}
}
