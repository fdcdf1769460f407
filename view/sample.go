package view

import (
	"context"
	"fmt"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
)

// Sampled is a probe sampled as a Sampling says, with what drawing and analysing it needs.
type Sampled struct {
	Net   *models.Net
	Model provenance.Model // the model's file and SHA-256, for the provenance of what is written
	Eval  *infer.Evaluator
	Set   *dataset.Set // the split the probe's image numbers index
	Spec  projection.Spec
	Grid  *surface.Grid
}

// Sample loads the model and the split, builds the probe (any kind) and samples the model's
// logits over it. progress, when not nil, is called as surface.Sample calls it; a cancelled ctx
// stops the sampling with ctx's error. Errors name the file or the split at fault.
func (s Sampling) Sample(ctx context.Context, progress func(done, total int)) (*Sampled, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	spec, _ := s.Spec() // checked by Validate
	net, err := modelfile.Load(s.Model)
	if err != nil {
		return nil, err
	}
	model, err := modelfile.Identify(s.Model)
	if err != nil {
		return nil, err
	}
	set, err := dataset.Open(s.Data, s.Split)
	if err != nil {
		return nil, err
	}
	if err := modelfile.Fit(net, [3]int{set.C, set.H, set.W}, set.Name); err != nil {
		return nil, err
	}
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	probe, err := surface.BuildProbe(spec, net.Input, set.Images, set.Labels, ev, s.Sizes())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", set.Name, err)
	}
	g, err := surface.Sample(ctx, ev, probe, nil, progress)
	if err != nil {
		return nil, err
	}
	return &Sampled{Net: net, Model: model, Eval: ev, Set: set, Spec: spec, Grid: g}, nil
}
