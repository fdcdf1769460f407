package ranktest

import (
	"fmt"
	"math"
	"slices"
)

// MannWhitney is the outcome of a two-sided Mann–Whitney U test of samples x and y.
type MannWhitney struct {
	N1 int `json:"n1"`
	N2 int `json:"n2"`
	// U is U₁, the number of pairs (x_i, y_j) with x_i > y_j plus half the ties, as scipy's
	// mannwhitneyu reports it: R₁ − n₁(n₁+1)/2 with R₁ the rank sum of x in the pooled sample
	// (ties take their mean rank).
	U float64 `json:"u"`
	// P is the two-sided p-value: 2·P(U' ≥ max(U₁, U₂)) under the null hypothesis that x and y
	// come from one distribution, clipped to 1.
	P float64 `json:"p"`
	// Method is "exact" (the permutation distribution of U, when a sample has at most 8 values and
	// there are no ties, as scipy's method="auto") or "asymptotic" (the normal approximation with
	// the tie correction and a continuity correction of 1/2).
	Method string `json:"method"`
	// Superiority is U₁/(n₁n₂): the probability that a value of x exceeds one of y, ties
	// counting half (0.5: no tendency either way). The rank-biserial correlation is 2·Superiority − 1.
	Superiority float64 `json:"superiority"`
}

// MannWhitneyU tests whether x and y come from the same distribution against a shift either way.
// Both samples must be non-empty and finite (NaNs are an error: leave them out first).
func MannWhitneyU(x, y []float64) (MannWhitney, error) {
	n1, n2 := len(x), len(y)
	if n1 == 0 || n2 == 0 {
		return MannWhitney{}, fmt.Errorf("ranktest: Mann–Whitney U needs two non-empty samples (have %d and %d values)", n1, n2)
	}
	for _, v := range append(slices.Clone(x), y...) {
		if math.IsNaN(v) {
			return MannWhitney{}, fmt.Errorf("ranktest: Mann–Whitney U: a value is NaN")
		}
	}
	ranks, tieTerm := rank(append(slices.Clone(x), y...))
	r1 := 0.0
	for _, r := range ranks[:n1] {
		r1 += r
	}
	u1 := r1 - float64(n1*(n1+1))/2
	u2 := float64(n1*n2) - u1
	u := math.Max(u1, u2)
	res := MannWhitney{N1: n1, N2: n2, U: u1, Superiority: u1 / float64(n1*n2)}
	if (n1 <= 8 || n2 <= 8) && tieTerm == 0 {
		res.Method = "exact"
		res.P = 2 * exactSF(int(math.Round(u)), n1, n2)
	} else {
		res.Method = "asymptotic"
		n := float64(n1 + n2)
		s := math.Sqrt(float64(n1*n2) / 12 * ((n + 1) - tieTerm/(n*(n-1))))
		z := (u - float64(n1*n2)/2 - 0.5) / s
		res.P = 2 * normalSF(z)
		if s == 0 { // every value equal: no evidence of a difference
			res.P = 1
		}
	}
	res.P = math.Min(math.Max(res.P, 0), 1)
	return res, nil
}

// rank returns the ranks of v (1-based, ties at their mean rank) and Σ(t³ − t) over the groups
// of t tied values.
func rank(v []float64) (ranks []float64, tieTerm float64) {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] < v[b]:
			return -1
		case v[a] > v[b]:
			return 1
		}
		return 0
	})
	ranks = make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		mean := float64(i+j+1) / 2 // ranks i+1 … j
		for k := i; k < j; k++ {
			ranks[idx[k]] = mean
		}
		if t := float64(j - i); t > 1 {
			tieTerm += t*t*t - t
		}
		i = j
	}
	return ranks, tieTerm
}

// exactSF returns P(U ≥ u) for the U statistic of samples of n1 and n2 values without ties under
// the null hypothesis: the share of the C(n1+n2, n1) rankings whose U is at least u. The counts
// c(u; m, n) of rankings of m and n values with statistic u follow c(u; m, n) = c(u − n; m−1, n)
// + c(u; m, n−1) (Mann & Whitney 1947), computed here with additions only, over n, for m up to
// the smaller size.
func exactSF(u, n1, n2 int) float64 {
	m, n := min(n1, n2), max(n1, n2)
	if u <= 0 {
		return 1
	}
	if u > m*n {
		return 0
	}
	// c[k] holds the counts for k of the smaller sample and the current n', over u' = 0 … k·n'.
	c := make([][]float64, m+1)
	for k := range c {
		c[k] = make([]float64, m*n+1)
		c[k][0] = 1 // n' = 0: every ranking of k values alone has U = 0
	}
	for np := 1; np <= n; np++ {
		// c(u; k, n') = c(u − n'; k−1, n') + c(u; k, n'−1); going up in k uses c(·; k−1, n') already
		// updated, and c[k] still holds n'−1 before its own update.
		for k := 1; k <= m; k++ {
			prev := c[k-1]
			cur := c[k]
			for v := k * np; v >= np; v-- {
				cur[v] += prev[v-np]
			}
		}
	}
	// c[m][·] now counts the rankings of m values among m + n.
	total, tail := 0.0, 0.0
	for v, cnt := range c[m] {
		total += cnt
		if v >= u {
			tail += cnt
		}
	}
	return tail / total
}

// normalSF is the standard normal survival function P(Z > z).
func normalSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }
