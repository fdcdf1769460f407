package surface

import (
	"math"
	"testing"
)

func TestDescribeMatchesNumpyPercentiles(t *testing.T) {
	// numpy.percentile([7, 1, 3, 10, 4, NaN→dropped], [25, 50, 75]) on [1, 3, 4, 7, 10] = 3, 4, 7.
	s := Describe([]float64{7, 1, 3, math.NaN(), 10, 4})
	if s.N != 5 || s.NaN != 1 {
		t.Fatalf("N %d NaN %d", s.N, s.NaN)
	}
	near(t, "q1", s.Q1, 3, 0)
	near(t, "median", s.Median, 4, 0)
	near(t, "q3", s.Q3, 7, 0)
	near(t, "mean", s.Mean, 5, 1e-15)
	near(t, "std", s.Std, math.Sqrt((16+4+1+4+25)/5.0), 1e-15)
	// Interpolation between order statistics: [1,2,3,4] → q1 = 1.75, median 2.5, q3 = 3.25.
	s = Describe([]float64{4, 3, 2, 1})
	near(t, "q1", s.Q1, 1.75, 1e-15)
	near(t, "median", s.Median, 2.5, 1e-15)
	near(t, "q3", s.Q3, 3.25, 1e-15)
	if e := Describe(nil); !math.IsNaN(e.Mean) || e.N != 0 {
		t.Fatalf("empty sample: %+v", e)
	}
}
