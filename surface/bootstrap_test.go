package surface

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A constant shift between two models gives that shift with an interval of zero width.
func TestMedianDifferenceOfAShift(t *testing.T) {
	a := []float64{1, 5, 2, 8, 3, math.NaN(), 4}
	b := make([]float64, len(a))
	for i, v := range a {
		b[i] = v + 0.75
	}
	d, err := MedianDifference(a, b, 0.95, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Median != 0.75 || d.Lo != 0.75 || d.Hi != 0.75 || d.N != 6 {
		t.Errorf("%+v, want median 0.75 in [0.75, 0.75] over 6 probes", d)
	}
}

// The 95% interval covers the true median of the differences in about 95% of repeated
// experiments (100 probes with normal differences about 0.5): between 88% and 99% of 200.
func TestMedianDifferenceCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	covered := 0
	const reps = 200
	for r := 0; r < reps; r++ {
		a, b := make([]float64, 100), make([]float64, 100)
		for p := range a {
			a[p] = 3 * rng.NormFloat64() // shared between the models: pairing removes it
			b[p] = a[p] + 0.5 + rng.NormFloat64()
		}
		d, err := MedianDifference(a, b, 0.95, 400, uint64(r))
		if err != nil {
			t.Fatal(err)
		}
		if d.Lo <= 0.5 && 0.5 <= d.Hi {
			covered++
		}
		if d.Hi-d.Lo > 1 {
			t.Fatalf("interval [%g, %g] wider than the shared variation allows", d.Lo, d.Hi)
		}
	}
	if c := float64(covered) / reps; c < 0.88 || c > 0.99 {
		t.Errorf("coverage %.3f, want about 0.95", c)
	}
}

// The same seed gives the same interval; bad input is an error.
func TestMedianDifferenceSeedAndErrors(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	b := []float64{2, 2, 5, 3, 9, 6, 8, 12}
	d1, _ := MedianDifference(a, b, 0.9, 300, 42)
	d2, _ := MedianDifference(a, b, 0.9, 300, 42)
	if d1 != d2 {
		t.Errorf("%+v and %+v from one seed", d1, d2)
	}
	if _, err := MedianDifference(a, b[:3], 0.95, 100, 1); err == nil {
		t.Error("lengths differ: no error")
	}
	if _, err := MedianDifference(a, b, 1.5, 100, 1); err == nil {
		t.Error("level 1.5: no error")
	}
	if _, err := MedianDifference([]float64{1}, []float64{2}, 0.95, 100, 1); err == nil {
		t.Error("one probe: no error")
	}
}
