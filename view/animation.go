package view

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// SampleModels samples the probe of s over each of models (files, or "embedded") on the split s
// names, all on one probe so that their pictures show the same points of input space: the probe
// is built with the last model (for an adversarial plane, its loss gradient; the last checkpoint
// of a series is the fitted net). The results hold Grid, Set, Spec and Model; Net and Eval are
// dropped to bound memory over a long series. progress, when not nil, counts grid points over all
// models; a cancelled ctx stops with its error. Errors name the model file at fault.
func (s Sampling) SampleModels(ctx context.Context, models []string, progress func(done, total int)) ([]*Sampled, error) {
	if len(models) == 0 {
		return nil, errors.New("no model to sample")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	spec, _ := s.Spec() // checked by Validate
	set, err := dataset.Open(s.Data, s.Split)
	if err != nil {
		return nil, err
	}
	last, err := s.loadEvaluator(models[len(models)-1], set)
	if err != nil {
		return nil, err
	}
	probe, err := surface.BuildProbe(spec, [3]int{set.C, set.H, set.W}, set.Images, set.Labels, last, s.Sizes())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", set.Name, err)
	}
	out := make([]*Sampled, len(models))
	for k, m := range models {
		ev := last
		if k < len(models)-1 {
			if ev, err = s.loadEvaluator(m, set); err != nil {
				return nil, err
			}
		}
		id, err := modelfile.Identify(m)
		if err != nil {
			return nil, err
		}
		g, err := surface.Sample(ctx, ev, probe, nil, func(done, total int) {
			if progress != nil {
				progress(k*total+done, len(models)*total)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ModelName(m), err)
		}
		out[k] = &Sampled{Model: id, Set: set, Spec: spec, Grid: g}
	}
	return out, nil
}

// loadEvaluator loads model and makes its evaluator for images of set.
func (s Sampling) loadEvaluator(model string, set *dataset.Set) (*infer.Evaluator, error) {
	net, err := modelfile.Load(model)
	if err != nil {
		return nil, err
	}
	if err := modelfile.Fit(net, [3]int{set.C, set.H, set.W}, set.Name); err != nil {
		return nil, err
	}
	return infer.New(net)
}

// EvolutionScenes returns the frames of an animation over tiles (one model each, the same probe,
// in order): every tile's picture on one colour range and one height range, computed over all the
// tiles before any frame is drawn (ShareScale), so a surface that grows is seen to grow. Each
// frame is titled with its tile's name ("epoch 12 · train accuracy 97.1%", a model's name).
func EvolutionScenes(tiles []Tile) ([]render.Scene, error) {
	if len(tiles) == 0 {
		return nil, errors.New("an animation needs at least one model")
	}
	if err := ShareScale(tiles); err != nil {
		return nil, err
	}
	scenes := make([]render.Scene, len(tiles))
	for i := range tiles {
		s, err := tiles[i].Scene()
		if err != nil {
			return nil, err
		}
		scenes[i] = s
	}
	return scenes, nil
}

// OrbitScenes returns n frames of the camera going once around tile t's surface, starting from
// its State's camera and turning by 2π/n about the vertical axis per frame. Only a plane drawn as
// a 3D surface can orbit.
func OrbitScenes(t Tile, n int) ([]render.Scene, error) {
	if n < 2 || n > 3600 {
		return nil, fmt.Errorf("an orbit of %d frames: want 2 to 3600", n)
	}
	base, err := t.Scene()
	if err != nil {
		return nil, err
	}
	if base.View != render.ViewSurface {
		return nil, errors.New("an orbit turns around a 3D surface: draw a plane with --view surface")
	}
	scenes := make([]render.Scene, n)
	for i := range scenes {
		s := base
		s.Camera.Orbit(2*math.Pi*float64(i)/float64(n), 0)
		scenes[i] = s
	}
	return scenes, nil
}
