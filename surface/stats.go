package surface

import (
	"encoding/json"
	"math"
	"slices"
)

// Stats describes a sample of numbers: its size, mean, standard deviation and five-number summary.
// Quartiles interpolate linearly between order statistics (numpy.percentile's default, "linear").
// NaN values are left out and counted in NaN; with no finite value every statistic is NaN.
type Stats struct {
	N      int     `json:"n"`
	NaN    int     `json:"nan,omitempty"`
	Mean   float64 `json:"mean"`
	Std    float64 `json:"std"` // population standard deviation (divides by N)
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
}

// Describe returns the statistics of v (v is not modified).
func Describe(v []float64) Stats {
	s := make([]float64, 0, len(v))
	nan := 0
	for _, x := range v {
		if math.IsNaN(x) {
			nan++
			continue
		}
		s = append(s, x)
	}
	st := Stats{N: len(s), NaN: nan}
	if len(s) == 0 {
		n := math.NaN()
		st.Mean, st.Std, st.Min, st.Q1, st.Median, st.Q3, st.Max = n, n, n, n, n, n, n
		return st
	}
	slices.Sort(s)
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	st.Mean = sum / float64(len(s))
	ss := 0.0
	for _, x := range s {
		ss += (x - st.Mean) * (x - st.Mean)
	}
	st.Std = math.Sqrt(ss / float64(len(s)))
	st.Min, st.Max = s[0], s[len(s)-1]
	st.Q1, st.Median, st.Q3 = Quantile(s, 0.25), Quantile(s, 0.5), Quantile(s, 0.75)
	return st
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the sorted, non-empty s, interpolating linearly
// between order statistics at position q·(n−1) (numpy's default).
func Quantile(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	f := pos - float64(lo)
	return s[lo] + f*(s[lo+1]-s[lo])
}

// Describe returns the statistics of the field's values over the grid.
func (f *Field) Describe() Stats {
	v := make([]float64, 0, f.NX*f.NY)
	for j := 0; j < f.NY; j++ {
		for i := 0; i < f.NX; i++ {
			v = append(v, f.Z(i, j))
		}
	}
	return Describe(v)
}

// set stores v at (i, j) of a field made by NewField (stride 1, offset 0).
func (f *Field) set(i, j int, v float64) { f.Values[j*f.NX+i] = float32(v) }

// MarshalJSON writes the statistics with null for NaN values (encoding/json rejects NaN).
func (s Stats) MarshalJSON() ([]byte, error) {
	type plain struct {
		N      int      `json:"n"`
		NaN    int      `json:"nan,omitempty"`
		Mean   *float64 `json:"mean"`
		Std    *float64 `json:"std"`
		Min    *float64 `json:"min"`
		Q1     *float64 `json:"q1"`
		Median *float64 `json:"median"`
		Q3     *float64 `json:"q3"`
		Max    *float64 `json:"max"`
	}
	f := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	return json.Marshal(plain{s.N, s.NaN, f(s.Mean), f(s.Std), f(s.Min), f(s.Q1), f(s.Median), f(s.Q3), f(s.Max)})
}

// UnmarshalJSON reads what MarshalJSON writes (null as NaN).
func (s *Stats) UnmarshalJSON(b []byte) error {
	var p struct {
		N, NaN                              int
		Mean, Std, Min, Q1, Median, Q3, Max *float64
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	f := func(v *float64) float64 {
		if v == nil {
			return math.NaN()
		}
		return *v
	}
	*s = Stats{N: p.N, NaN: p.NaN, Mean: f(p.Mean), Std: f(p.Std), Min: f(p.Min), Q1: f(p.Q1), Median: f(p.Median), Q3: f(p.Q3), Max: f(p.Max)}
	return nil
}
