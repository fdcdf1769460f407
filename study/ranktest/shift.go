package ranktest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// HodgesLehmann returns the Hodges–Lehmann estimate of the shift of x against y: the median of
// the n₁·n₂ differences x_i − y_j (the mean of the two middle ones for an even count). It is the
// shift that the Mann–Whitney test inverts: x − Δ and y have U as close to n₁n₂/2 as can be. It
// returns NaN for an empty sample.
func HodgesLehmann(x, y []float64) float64 {
	return hodgesLehmann(x, y, nil)
}

// hodgesLehmann is HodgesLehmann using buf (grown as needed) for the differences.
func hodgesLehmann(x, y []float64, buf *[]float64) float64 {
	n := len(x) * len(y)
	if n == 0 {
		return math.NaN()
	}
	var d []float64
	if buf != nil && cap(*buf) >= n {
		d = (*buf)[:n]
	} else {
		d = make([]float64, n)
		if buf != nil {
			*buf = d
		}
	}
	k := 0
	for _, a := range x {
		for _, b := range y {
			d[k] = a - b
			k++
		}
	}
	if n%2 == 1 {
		return selectK(d, n/2)
	}
	hi := selectK(d, n/2)
	lo := slices.Max(d[:n/2]) // selectK leaves the n/2 smallest before position n/2
	return (lo + hi) / 2
}

// selectK returns the k-th smallest value of d (0-based), reordering d so that the values before
// position k are not larger and those after not smaller (Hoare's selection with a median-of-three
// pivot).
func selectK(d []float64, k int) float64 {
	lo, hi := 0, len(d)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if d[mid] < d[lo] {
			d[mid], d[lo] = d[lo], d[mid]
		}
		if d[hi] < d[lo] {
			d[hi], d[lo] = d[lo], d[hi]
		}
		if d[hi] < d[mid] {
			d[hi], d[mid] = d[mid], d[hi]
		}
		pivot := d[mid]
		i, j := lo, hi
		for i <= j {
			for d[i] < pivot {
				i++
			}
			for d[j] > pivot {
				j--
			}
			if i <= j {
				d[i], d[j] = d[j], d[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return d[k]
		}
	}
	return d[k]
}

// Interval is a confidence interval of an estimate.
type Interval struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Level float64 `json:"level"` // e.g. 0.95
	// Method says how it was made: "percentile bootstrap, B resamples, seed S".
	Method string `json:"method"`
}

// ShiftInterval returns a percentile bootstrap confidence interval of the Hodges–Lehmann shift of
// x against y at level (e.g. 0.95): x and y are resampled with replacement, each within itself,
// resamples times (e.g. 2000), and the interval is the (1−level)/2 and (1+level)/2 quantiles of
// the resampled shifts (linear interpolation). The same seed gives the same interval.
func ShiftInterval(x, y []float64, level float64, resamples int, seed uint64) (Interval, error) {
	if len(x) == 0 || len(y) == 0 {
		return Interval{}, fmt.Errorf("ranktest: a shift interval needs two non-empty samples (have %d and %d values)", len(x), len(y))
	}
	if !(level > 0 && level < 1) || resamples < 10 {
		return Interval{}, fmt.Errorf("ranktest: a shift interval at level %g with %d resamples: want 0 < level < 1 and at least 10 resamples", level, resamples)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5b1f7))
	bx, by := make([]float64, len(x)), make([]float64, len(y))
	var buf []float64
	shifts := make([]float64, resamples)
	for b := range shifts {
		for i := range bx {
			bx[i] = x[rng.IntN(len(x))]
		}
		for j := range by {
			by[j] = y[rng.IntN(len(y))]
		}
		shifts[b] = hodgesLehmann(bx, by, &buf)
	}
	slices.Sort(shifts)
	return Interval{Lo: quantile(shifts, (1-level)/2), Hi: quantile(shifts, (1+level)/2), Level: level,
		Method: fmt.Sprintf("percentile bootstrap, %d resamples, seed %d", resamples, seed)}, nil
}

// quantile returns the q-quantile of sorted s, interpolating linearly at position q·(n−1).
func quantile(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

// Holm returns Holm's step-down adjustment of the p-values of m tests (Holm 1979): with the
// p-values sorted ascending, p₍ᵢ₎ becomes max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎), in the
// original order. Rejecting the tests whose adjusted p-value is below α keeps the probability of
// any false rejection below α, whatever the dependence between the tests. NaN p-values (tests
// that could not be made) stay NaN and do not count in m.
func Holm(p []float64) []float64 {
	adj := make([]float64, len(p))
	var idx []int
	for i, v := range p {
		adj[i] = math.NaN()
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	m, run := len(idx), 0.0
	for rank, i := range idx {
		run = math.Max(run, math.Min(1, float64(m-rank)*p[i]))
		adj[i] = run
	}
	return adj
}
