package place

import "testing"

// Spread keeps slots in order, apart and within bounds, moving them as little as it can.
func TestSpread(t *testing.T) {
	xs := []float64{10, 12, 50, 96}
	Spread(xs, []float64{10, 10, 10, 10}, 0, 100)
	want := []float64{10, 20, 50, 95} // the second pushed right of the first, the last inside
	for i := range xs {
		if xs[i] != want[i] {
			t.Fatalf("spread %v, want %v", xs, want)
		}
	}
	xs = []float64{90, 96}
	Spread(xs, []float64{10, 10}, 0, 100)
	if xs[0] != 85 || xs[1] != 95 {
		t.Errorf("spread at the right edge %v, want [85 95]", xs)
	}
	xs = []float64{50, 50, 50}
	Spread(xs, []float64{40, 40, 40}, 0, 100)
	if xs[0] != 20 || xs[1] != 60 || xs[2] != 100 {
		t.Errorf("too wide: %v, want [20 60 100] (starting at lo)", xs)
	}
}
