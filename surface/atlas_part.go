package surface

import (
	"fmt"
	"reflect"

	"github.com/surfscope/surfscope/internal/shard"
)

// AtlasPart is one shard's share of an atlas (BuildAtlasPart): the per-probe values of the probes
// the shard owns, and the measurement over the whole split when it owns that. MergeAtlasParts of
// every shard's part is the unsharded atlas, number for number.
type AtlasPart struct {
	Model  string         `json:"model"`
	Shard  shard.Shard    `json:"shard"`
	Config AtlasConfig    `json:"config"` // with its defaults filled in
	Probes []*ProbeRecord `json:"probes"` // in the order of the probes' Index
	Split  *SplitRecord   `json:"split,omitempty"`
}

// ProbeRecord is what one probe of an atlas measured: metric names and their values, in the order
// they were recorded.
type ProbeRecord struct {
	// Index is the probe's place among all the atlas's probes (planes, lines, flips, random planes,
	// in that order, each in the order drawn).
	Index   int         `json:"index"`
	Kind    string      `json:"kind"` // plane, line, flip or random
	Metrics []string    `json:"metrics"`
	Values  ProbeValues `json:"values"`
}

func (r *ProbeRecord) add(name string, v float64) {
	r.Metrics = append(r.Metrics, name)
	r.Values = append(r.Values, v)
}

// SplitRecord is the atlas's measurement over the whole split (flip consistency and, for nets with
// gates, the gates' saturation), the item after the last probe.
type SplitRecord struct {
	ProbeRecord
	Flip  FlipConsistency `json:"flip"`
	Gates *GateSummary    `json:"gates,omitempty"`
}

// MergeAtlasParts joins the parts of every shard of one atlas (in any order) into the atlas the
// unsharded BuildAtlas returns. Parts of different models or configurations, a shard missing or
// present twice, or a part missing some of its probes are errors naming the part by its shard.
func MergeAtlasParts(parts []*AtlasPart) (*Atlas, error) {
	shards := make([]shard.Shard, len(parts))
	for i, p := range parts {
		shards[i] = p.Shard
	}
	name := func(i int) string { return "atlas part " + parts[i].Shard.String() }
	if err := shard.Check(shards, name); err != nil {
		return nil, fmt.Errorf("surface: %v", err)
	}
	first := parts[0]
	byIndex := make([]*AtlasPart, max(first.Shard.Count, 1))
	for i, p := range parts {
		if p.Model != first.Model || !reflect.DeepEqual(p.Config, first.Config) {
			return nil, fmt.Errorf("surface: %s and %s are parts of different atlases (model or configuration)", name(i), name(0))
		}
		byIndex[max(p.Shard.Index, 0)] = p
	}
	c := first.Config
	items := c.Planes + c.Lines + c.Flips + c.Randoms
	a := &Atlas{Model: first.Model, Probes: map[string]int{}, Metrics: map[string]Stats{}, Values: map[string]ProbeValues{}, Config: c}
	next := make([]int, len(byIndex)) // each part's next record
	values := map[string][]float64{}
	record := func(r *ProbeRecord) {
		for i, m := range r.Metrics {
			values[m] = append(values[m], r.Values[i])
		}
	}
	for k := range items {
		s := k % len(byIndex)
		p := byIndex[s]
		if next[s] >= len(p.Probes) || p.Probes[next[s]].Index != k || len(p.Probes[next[s]].Metrics) != len(p.Probes[next[s]].Values) {
			return nil, fmt.Errorf("surface: atlas part %s: probe %d is missing or malformed", p.Shard, k)
		}
		r := p.Probes[next[s]]
		next[s]++
		record(r)
		a.Probes[r.Kind]++
	}
	for s, p := range byIndex {
		if next[s] != len(p.Probes) {
			return nil, fmt.Errorf("surface: atlas part %s: %d probes beyond the atlas's %d", p.Shard, len(p.Probes)-next[s], items)
		}
	}
	split := byIndex[items%len(byIndex)].Split
	if split == nil || split.Index != items || len(split.Metrics) != len(split.Values) {
		return nil, fmt.Errorf("surface: atlas part %s: the measurement over the split is missing", byIndex[items%len(byIndex)].Shard)
	}
	record(&split.ProbeRecord)
	a.Flip, a.Gates = split.Flip, split.Gates
	for name, v := range values {
		a.Metrics[name] = Describe(v)
		a.Values[name] = v
	}
	return a, nil
}
