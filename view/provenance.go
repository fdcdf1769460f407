package view

import (
	"path/filepath"
	"slices"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
)

// Provenance returns base with what s sampled into g: model (its file and SHA-256, see
// modelfile.Identify), data (a folder made absolute), split, probe and its seed (random, flip and
// adversarial planes), and g's grid and coordinate ranges (none for a nil g). The values of the
// file it goes with (Metric, Class) are the caller's to say.
func (s Sampling) Provenance(base provenance.Record, model provenance.Model, g *surface.Grid) provenance.Record {
	r := base
	r.Models = append(slices.Clip(r.Models), model)
	r.Data, r.Split, r.Probe = DataProvenance(s.Data), s.Split, s.Probe
	if spec, err := s.Spec(); err == nil && (spec.Kind == "random" || spec.Kind == "flip" || spec.Kind == "grad") {
		r.SetSeed(spec.Seed)
	}
	if g != nil {
		r.SetGrid(g.S, g.T)
	}
	return r
}

// Provenance returns base with what the State's picture of g shows: the Sampling's provenance,
// the metric and the logit k drawn (as ClassOf resolves the State's Class).
func (s State) Provenance(base provenance.Record, model provenance.Model, g *surface.Grid, k int) provenance.Record {
	r := s.Sampling.Provenance(base, model, g)
	r.Metric = s.Metric
	r.SetClass(k)
	return r
}

// DataProvenance names a dataset for provenance: the names Open knows (mnist, fashion, cifar10,
// cifar100, sample) as they are, a folder as its absolute path.
func DataProvenance(data string) string {
	switch data {
	case dataset.MNIST, dataset.Fashion, dataset.CIFAR10, dataset.CIFAR100, dataset.Sample, "":
		return data
	}
	if abs, err := filepath.Abs(data); err == nil {
		return abs
	}
	return data
}
