package render

import (
	"slices"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
		labels []string
	}{
		{0, 1, 6, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{-3, 3, 5, []float64{-2, 0, 2}, []string{"-2", "0", "2"}},
		{0.13, 0.92, 5, []float64{0.2, 0.4, 0.6, 0.8}, []string{"0.2", "0.4", "0.6", "0.8"}},
		{-1.7e-5, 2.2e-5, 4, []float64{-1e-5, 0, 1e-5, 2e-5}, []string{"-1e-05", "0", "1e-05", "2e-05"}},
		{97, 1234, 4, []float64{500, 1000}, []string{"500", "1000"}},
	}
	for _, c := range cases {
		got, step := niceTicks(c.lo, c.hi, c.n)
		if len(got) != len(c.want) {
			t.Errorf("niceTicks(%g, %g, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
			continue
		}
		var labels []string
		for k := range got {
			if d := got[k] - c.want[k]; d > 1e-12 || d < -1e-12 {
				t.Errorf("niceTicks(%g, %g, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
			}
			labels = append(labels, tickLabel(got[k], step))
		}
		if !slices.Equal(labels, c.labels) {
			t.Errorf("labels %v, want %v", labels, c.labels)
		}
	}
	if got, _ := niceTicks(2, 2, 5); !slices.Equal(got, []float64{2}) {
		t.Errorf("degenerate range: %v", got)
	}
}

// A narrow plot asking for few ticks still gets two.
func TestNiceTicksAtLeastTwo(t *testing.T) {
	got, step := niceTicks(-3, 3, 3)
	if len(got) < 2 || step != 2 {
		t.Errorf("niceTicks(-3, 3, 3) = %v step %g, want at least two ticks with step 2", got, step)
	}
	if s := smallerNice(0.5); s != 0.2 {
		t.Errorf("smallerNice(0.5) = %g", s)
	}
	if s := smallerNice(100); s != 50 {
		t.Errorf("smallerNice(100) = %g", s)
	}
}
