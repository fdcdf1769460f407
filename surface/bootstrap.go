package surface

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Difference is the median of paired differences between two models measured on the same
// probes, with a bootstrap confidence interval.
type Difference struct {
	Median float64 `json:"median"` // median over the probes of b − a
	Lo     float64 `json:"lo"`     // confidence interval of the median
	Hi     float64 `json:"hi"`
	N      int     `json:"n"`     // probes where both values are finite
	Level  float64 `json:"level"` // of the interval, e.g. 0.95
}

// MedianDifference compares two models' values of one metric on the same probes (a[p] and b[p]
// on probe p, as two atlases with one seed give): it returns the median of the per-probe
// differences b[p] − a[p] over the probes where both are finite, and a percentile bootstrap
// confidence interval of that median at level (e.g. 0.95): the probes are resampled with
// replacement resamples times (Efron and Tibshirani, An Introduction to the Bootstrap, 1993,
// ch. 13), with a generator seeded by seed, so the same seed gives the same interval. Pairing
// removes the variation between probes that both models share. Errors: lengths that differ, a
// level outside (0, 1), fewer than two usable probes.
func MedianDifference(a, b []float64, level float64, resamples int, seed uint64) (Difference, error) {
	if len(a) != len(b) {
		return Difference{}, fmt.Errorf("surface: %d and %d values: the models were not measured on the same probes", len(a), len(b))
	}
	if !(level > 0 && level < 1) || resamples < 1 {
		return Difference{}, fmt.Errorf("surface: confidence level %g and %d resamples: want 0 < level < 1 and resamples ≥ 1", level, resamples)
	}
	var d []float64
	for p := range a {
		if x := b[p] - a[p]; !math.IsNaN(x) && !math.IsInf(x, 0) {
			d = append(d, x)
		}
	}
	if len(d) < 2 {
		return Difference{}, fmt.Errorf("surface: %d probes with both values; a difference needs at least 2", len(d))
	}
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	out := Difference{Median: Quantile(sorted, 0.5), N: len(d), Level: level}
	rng := rand.New(rand.NewPCG(seed, 0xb0075))
	medians := make([]float64, resamples)
	sample := make([]float64, len(d))
	for r := range medians {
		for i := range sample {
			sample[i] = d[rng.IntN(len(d))]
		}
		slices.Sort(sample)
		medians[r] = Quantile(sample, 0.5)
	}
	slices.Sort(medians)
	out.Lo, out.Hi = Quantile(medians, (1-level)/2), Quantile(medians, (1+level)/2)
	return out, nil
}
