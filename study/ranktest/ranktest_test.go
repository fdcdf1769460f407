package ranktest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// reference is testdata/reference.json, written by testdata/reference.py with SciPy.
type reference struct {
	Scipy string `json:"scipy"`
	Cases []struct {
		Name string    `json:"name"`
		X    []float64 `json:"x"`
		Y    []float64 `json:"y"`
		U    float64   `json:"u"`
		P    float64   `json:"p"`
		HL   float64   `json:"hl"`
	} `json:"cases"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// U, p and the Hodges–Lehmann shift agree with SciPy's mannwhitneyu (method "auto") and numpy's
// median of the pairwise differences, exact and asymptotic, with and without ties.
func TestAgainstSciPy(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Cases) < 6 {
		t.Fatalf("%d reference cases", len(ref.Cases))
	}
	for _, c := range ref.Cases {
		mw, err := MannWhitneyU(c.X, c.Y)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if mw.U != c.U || math.Abs(mw.P-c.P) > 1e-12+1e-9*c.P {
			t.Errorf("%s (%s): U %g p %.15g; SciPy %s: U %g p %.15g", c.Name, mw.Method, mw.U, mw.P, ref.Scipy, c.U, c.P)
		}
		if hl := HodgesLehmann(c.X, c.Y); math.Abs(hl-c.HL) > 1e-12 {
			t.Errorf("%s: Hodges–Lehmann %.15g, numpy %.15g", c.Name, hl, c.HL)
		}
	}
}

// The exact distribution equals brute-force enumeration of every ranking for small sizes.
func TestExactDistributionByEnumeration(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {2, 3}, {3, 3}, {4, 2}, {5, 6}, {3, 9}} {
		n1, n2 := sz[0], sz[1]
		n := n1 + n2
		counts := make([]int, n1*n2+1)
		total := 0
		for mask := 0; mask < 1<<n; mask++ {
			if popcount(mask) != n1 {
				continue
			}
			// the bits of mask are the positions (ranks) of x among the n values
			u := 0
			below := 0 // y values ranked below the current position
			for r := 0; r < n; r++ {
				if mask&(1<<r) != 0 {
					u += below
				} else {
					below++
				}
			}
			counts[u]++
			total++
		}
		tail := 0
		for u := n1 * n2; u >= 0; u-- {
			tail += counts[u]
			if got, want := exactSF(u, n1, n2), float64(tail)/float64(total); math.Abs(got-want) > 1e-14 {
				t.Fatalf("n1 %d n2 %d: P(U ≥ %d) = %g, enumeration %g", n1, n2, u, got, want)
			}
		}
	}
}

func popcount(x int) int {
	c := 0
	for ; x > 0; x &= x - 1 {
		c++
	}
	return c
}

// Hand-worked cases: complete separation of 3 and 3 values gives U = 0 and p = 2/20; Holm's
// adjustment of (0.01, 0.04, 0.03, 0.5) is (0.04, 0.09, 0.09, 0.5).
func TestHandWorked(t *testing.T) {
	mw, err := MannWhitneyU([]float64{1, 2, 3}, []float64{4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	if mw.U != 0 || math.Abs(mw.P-0.1) > 1e-15 || mw.Method != "exact" || mw.Superiority != 0 {
		t.Errorf("separated samples: %+v; want U 0, p 0.1 exact, superiority 0", mw)
	}
	got := Holm([]float64{0.01, 0.04, 0.03, 0.5, math.NaN()})
	want := []float64{0.04, 0.09, 0.09, 0.5}
	for i, w := range want {
		if math.Abs(got[i]-w) > 1e-15 {
			t.Errorf("Holm: %v, want %v and NaN", got, want)
			break
		}
	}
	if !math.IsNaN(got[4]) {
		t.Errorf("Holm kept NaN as %g", got[4])
	}
	if hl := HodgesLehmann([]float64{1, 2, 10}, []float64{0, 1}); hl != 1.5 { // differences 1,0,2,1,10,9 → median (1+2)/2
		t.Errorf("Hodges–Lehmann %g, want 1.5", hl)
	}
	if _, err := MannWhitneyU(nil, []float64{1}); err == nil {
		t.Error("an empty sample was accepted")
	}
	if _, err := MannWhitneyU([]float64{math.NaN()}, []float64{1}); err == nil {
		t.Error("a NaN was accepted")
	}
}

// selectK finds the k-th smallest of random data with many ties, as sorting does.
func TestSelectK(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(60)
		d := make([]float64, n)
		for i := range d {
			d[i] = float64(rng.IntN(7))
		}
		sorted := slices.Sorted(slices.Values(d))
		k := rng.IntN(n)
		if got := selectK(slices.Clone(d), k); got != sorted[k] {
			t.Fatalf("%v: k %d gave %g, want %g", d, k, got, sorted[k])
		}
	}
}

// The bootstrap interval is reproducible, contains the estimate, and covers a known shift at
// about its level: 300 pairs of normal samples of 25 shifted by 0.5 (the true Hodges–Lehmann
// shift); a 90% interval must cover it in 0.84–0.95 of them (about ± 3 binomial standard errors;
// percentile intervals of small samples run a little narrow).
func TestShiftIntervalCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	sample := func(n int, shift float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64() + shift
		}
		return v
	}
	x, y := sample(40, 0.5), sample(40, 0)
	a, err := ShiftInterval(x, y, 0.9, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ShiftInterval(x, y, 0.9, 500, 1)
	if a != b || !(a.Lo < HodgesLehmann(x, y) && HodgesLehmann(x, y) < a.Hi) {
		t.Fatalf("interval %+v then %+v around estimate %g", a, b, HodgesLehmann(x, y))
	}
	covered, trials := 0, 300
	for k := 0; k < trials; k++ {
		iv, err := ShiftInterval(sample(25, 0.5), sample(25, 0), 0.9, 200, uint64(k))
		if err != nil {
			t.Fatal(err)
		}
		if iv.Lo <= 0.5 && 0.5 <= iv.Hi {
			covered++
		}
	}
	c := float64(covered) / float64(trials)
	t.Logf("a 90%% interval covered the true shift in %.1f%% of %d trials", 100*c, trials)
	if c < 0.84 || c > 0.95 {
		t.Errorf("outside 84–95%%")
	}
}

func BenchmarkShiftInterval(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float64, 100), make([]float64, 100)
	for i := range x {
		x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	b.ReportAllocs()
	for b.Loop() {
		ShiftInterval(x, y, 0.95, 2000, 1)
	}
}
