package study

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/surfscope/surfscope/study/ranktest"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/surface/ntk"
)

// ResultsFile is the file of every number of a study, in its folder.
const ResultsFile = "results.json"

// Alpha is the family-wise error rate at which a study calls a difference between variants
// significant (after Holm's correction over the metrics of a pair of variants).
const Alpha = 0.05

// Results is every number a study measured, gathered from its cells: what results.json holds and
// report.html shows.
type Results struct {
	Provenance Provenance       `json:"provenance"`
	Config     Config           `json:"config"`
	Test       string           `json:"test"` // how variants are compared (TestDescription)
	Datasets   []DatasetResults `json:"datasets"`
}

// TestDescription says how a study compares variants.
const TestDescription = "per metric, the values on the probes (independent random draws, the same probes for every variant of a dataset) " +
	"of two variants are compared with the two-sided Mann–Whitney U test (exact permutation distribution for samples of at most 8 " +
	"without ties, else the normal approximation with tie and continuity corrections, as scipy.stats.mannwhitneyu); the shift is the " +
	"Hodges–Lehmann estimate (median of all differences, first variant minus second) with a percentile bootstrap interval; " +
	"p-values are Holm-corrected over the metrics compared for each pair of variants, and a difference is called significant when " +
	"the corrected p-value is below 0.05"

// DatasetResults are one dataset's cells and the comparisons between them.
type DatasetResults struct {
	Data     string            `json:"data"` // as given
	Name     string            `json:"name"` // folder name
	Variants []VariantResults  `json:"variants"`
	Metrics  []MetricResults   `json:"metrics"` // atlas metrics with a distribution over probes
	Figures  *FiguresResult    `json:"figures,omitempty"`
	Missing  map[string]string `json:"missing,omitempty"` // unit → why its result is not here
}

// VariantResults are one cell's results; a nil part was not run (or failed: see Skipped).
type VariantResults struct {
	Variant   string                   `json:"variant"`
	Model     *ModelResult             `json:"model,omitempty"`
	Gates     *GatesResult             `json:"gates,omitempty"`
	Atlas     *surface.Atlas           `json:"atlas,omitempty"`
	NTK       *NTKResult               `json:"ntk,omitempty"`
	Hessian   *surface.HessianSpectrum `json:"hessian,omitempty"`
	Landscape *LandscapeResult         `json:"landscape,omitempty"`
	Skipped   map[string]string        `json:"skipped,omitempty"` // stage → why it has no result
}

// MetricResults is one atlas metric across the variants of a dataset: each variant's
// distribution over the probes and the test of every pair.
type MetricResults struct {
	Metric string                   `json:"metric"` // atlas key, docs/METRICS.md
	Label  string                   `json:"label"`
	Stats  map[string]surface.Stats `json:"stats"` // by variant
	Pairs  []PairTest               `json:"pairs"`
	Values map[string][]float64     `json:"-"`      // by variant, for the box plots (results.json has them in the atlases)
	Shared bool                     `json:"shared"` // no pair differs significantly
}

// PairTest compares a metric between variants A and B.
type PairTest struct {
	A string `json:"a"`
	B string `json:"b"`
	ranktest.MannWhitney
	PHolm float64 `json:"p_holm"` // Holm-corrected over the metrics of this pair
	// Shift is the Hodges–Lehmann shift A − B with its interval; Relative is Shift over the
	// median of |B| (NaN when that is 0).
	Shift       float64           `json:"shift"`
	Interval    ranktest.Interval `json:"interval"`
	Relative    ntk.Number        `json:"relative"`
	Significant bool              `json:"significant"` // PHolm < Alpha
}

// gather reads every cell's records into Results and compares the variants.
func (r *runner) gather() (*Results, error) {
	res := &Results{Provenance: newProvenance(r.opts.Command), Config: *r.cfg, Test: TestDescription}
	for _, d := range r.cfg.Data {
		dr := DatasetResults{Data: d, Name: DataName(d), Missing: map[string]string{}}
		for _, v := range r.cfg.Variants() {
			cl := &cell{data: d, dataName: DataName(d), variant: v}
			dr.Variants = append(dr.Variants, r.gatherCell(cl, dr.Missing))
		}
		var fig FiguresResult
		if _, err := loadResult(filepath.Join(r.out, "figures", dr.Name, "figures.json"), &fig); err == nil {
			dr.Figures = &fig
		}
		var err error
		if dr.Metrics, err = compareVariants(dr.Variants, r.cfg.Settings); err != nil {
			return nil, err
		}
		if len(dr.Missing) == 0 {
			dr.Missing = nil
		}
		res.Datasets = append(res.Datasets, dr)
	}
	return res, nil
}

// gatherCell reads a cell's records; a stage without a record is noted in missing.
func (r *runner) gatherCell(cl *cell, missing map[string]string) VariantResults {
	vr := VariantResults{Variant: cl.variant.Name(), Skipped: map[string]string{}}
	load := func(stage string, v any) bool {
		path := r.recordPath(cl, stage)
		rec, err := readRecord(path)
		if err != nil || rec == nil {
			why := "not run"
			if err != nil {
				why = err.Error()
			}
			missing[cl.id()+"/"+stage] = why
			return false
		}
		var s Skipped
		if json.Unmarshal(rec.Result, &s) == nil && s.Skipped != "" {
			vr.Skipped[stage] = s.Skipped
			return false
		}
		if err := json.Unmarshal(rec.Result, v); err != nil {
			missing[cl.id()+"/"+stage] = err.Error()
			return false
		}
		return true
	}
	var m ModelResult
	if load(StageModel, &m) {
		vr.Model = &m
	}
	vr.Gates, vr.Atlas, vr.NTK = &GatesResult{}, &surface.Atlas{}, &NTKResult{}
	vr.Hessian, vr.Landscape = &surface.HessianSpectrum{}, &LandscapeResult{}
	if !load(StageGates, vr.Gates) {
		vr.Gates = nil
	}
	if !load(StageAtlas, vr.Atlas) {
		vr.Atlas = nil
	}
	if !load(StageNTK, vr.NTK) {
		vr.NTK = nil
	}
	if !load(StageHessian, vr.Hessian) {
		vr.Hessian = nil
	}
	if !load(StageLandscape, vr.Landscape) {
		vr.Landscape = nil
	}
	if len(vr.Skipped) == 0 {
		vr.Skipped = nil
	}
	return vr
}

// compareVariants compares every atlas metric between every pair of variants that have it.
func compareVariants(vs []VariantResults, s Settings) ([]MetricResults, error) {
	var out []MetricResults
	for _, m := range surface.AtlasMetrics {
		mr := MetricResults{Metric: m.Name, Label: m.Label, Stats: map[string]surface.Stats{}, Values: map[string][]float64{}}
		var names []string
		for _, v := range vs {
			if v.Atlas == nil || len(v.Atlas.Values[m.Name]) == 0 {
				continue
			}
			vals := finite(v.Atlas.Values[m.Name])
			mr.Values[v.Variant] = vals
			mr.Stats[v.Variant] = v.Atlas.Metrics[m.Name]
			names = append(names, v.Variant)
		}
		if len(names) == 0 {
			continue
		}
		for i := 0; i < len(names); i++ {
			for j := i + 1; j < len(names); j++ {
				pt, err := testPair(names[i], names[j], mr.Values[names[i]], mr.Values[names[j]], s)
				if err != nil {
					continue // a variant without finite values: no test
				}
				mr.Pairs = append(mr.Pairs, pt)
			}
		}
		out = append(out, mr)
	}
	holmByPair(out)
	return out, nil
}

// minTested is the fewest values per variant a metric is tested on: fewer cannot reach
// significance (3 against 3 gives p ≥ 0.1), and whole-split numbers (flip.agreement) have one.
const minTested = 4

// testPair runs the test and the shift estimate of one metric between variants a and b.
func testPair(a, b string, x, y []float64, s Settings) (PairTest, error) {
	if len(x) < minTested || len(y) < minTested {
		return PairTest{}, fmt.Errorf("study: %d and %d values: too few to test", len(x), len(y))
	}
	mw, err := ranktest.MannWhitneyU(x, y)
	if err != nil {
		return PairTest{}, err
	}
	pt := PairTest{A: a, B: b, MannWhitney: mw, Shift: ranktest.HodgesLehmann(x, y)}
	if pt.Interval, err = ranktest.ShiftInterval(x, y, s.Level, s.Bootstrap, 1); err != nil {
		return PairTest{}, err
	}
	med := math.Abs(surface.Describe(y).Median)
	pt.Relative = ntk.Number(math.NaN())
	if med > 0 {
		pt.Relative = ntk.Number(pt.Shift / med)
	}
	return pt, nil
}

// holmByPair corrects each pair's p-values over the metrics it was tested on, and marks what is
// significant and which metrics all variants share.
func holmByPair(ms []MetricResults) {
	type ref struct{ m, k int }
	byPair := map[string][]ref{}
	var order []string
	for i := range ms {
		for k, p := range ms[i].Pairs {
			key := p.A + "\x00" + p.B
			if _, ok := byPair[key]; !ok {
				order = append(order, key)
			}
			byPair[key] = append(byPair[key], ref{i, k})
		}
	}
	for _, key := range order {
		refs := byPair[key]
		p := make([]float64, len(refs))
		for i, rf := range refs {
			p[i] = ms[rf.m].Pairs[rf.k].P
		}
		adj := ranktest.Holm(p)
		for i, rf := range refs {
			pt := &ms[rf.m].Pairs[rf.k]
			pt.PHolm = adj[i]
			pt.Significant = adj[i] < Alpha
		}
	}
	for i := range ms {
		ms[i].Shared = !slices.ContainsFunc(ms[i].Pairs, func(p PairTest) bool { return p.Significant })
	}
}

// finite returns the finite values of v.
func finite(v []float64) []float64 {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out = append(out, x)
		}
	}
	return out
}

// ReadResults reads results.json of the study in folder dir.
func ReadResults(dir string) (*Results, error) {
	b, err := os.ReadFile(filepath.Join(dir, ResultsFile))
	if err != nil {
		return nil, fmt.Errorf("study: %v (run the study, or its report stage, first)", err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("study: %s: %v", filepath.Join(dir, ResultsFile), err)
	}
	return &r, nil
}
