package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/train"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// Session is what the window shows: a dataset, a model and a probe sampled into a grid. Its methods
// block and may be called from any goroutine; the window runs the long ones as Jobs. It never
// touches widgets.
type Session struct {
	mu       sync.Mutex
	data     string
	train    *dataset.Set
	test     *dataset.Set
	net      *models.Net
	eval     *infer.Evaluator
	model    string           // where the model came from: a file, modelfile.Embedded or "trained"
	modelID  provenance.Model // the model's file (or "unsaved") and SHA-256, for provenance
	sampling view.Sampling    // how grid was sampled
	spec     projection.Spec
	grid     *surface.Grid
}

// SetData loads both splits of a dataset and makes them current unless ctx was cancelled first
// (a newer choice of data won).
func (s *Session) SetData(ctx context.Context, name string) error {
	train, err := dataset.Open(name, dataset.Train)
	if err != nil {
		return err
	}
	test, err := dataset.Open(name, dataset.Test)
	if err != nil {
		return err
	}
	return s.commit(ctx, func() error {
		if s.net != nil {
			if err := modelfile.Fit(s.net, shapeOf(test), name); err != nil {
				return err
			}
		}
		s.data, s.train, s.test = name, train, test
		return nil
	})
}

// commit runs set under the lock unless ctx was cancelled first, which means that a newer choice
// of data or model won: set must not happen then.
func (s *Session) commit(ctx context.Context, set func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	return set()
}

// SetModel makes net the current model unless ctx was cancelled first; src says where it came
// from: the file it was read from, modelfile.Embedded (or "") or "trained". The file's SHA-256 is
// taken now (of the checkpoint it would be saved as for a trained net), for the provenance of what
// is exported from it.
func (s *Session) SetModel(ctx context.Context, net *models.Net, src string) error {
	s.mu.Lock()
	test, data := s.test, s.data
	s.mu.Unlock()
	if test != nil {
		if err := modelfile.Fit(net, shapeOf(test), data); err != nil {
			return err
		}
	}
	ev, err := infer.New(net)
	if err != nil {
		return err
	}
	if modelfile.IsEmbedded(src) {
		src = modelfile.Embedded
	}
	id, err := identify(net, src)
	if err != nil {
		return err
	}
	return s.commit(ctx, func() error {
		s.net, s.eval, s.model, s.modelID = net, ev, src, id
		return nil
	})
}

// SetDataAndModel makes dataset name and net (read from src) current together, so that a model
// of other images than the current data's can be opened with its data (a study's cell).
func (s *Session) SetDataAndModel(ctx context.Context, name string, net *models.Net, src string) error {
	train, err := dataset.Open(name, dataset.Train)
	if err != nil {
		return err
	}
	test, err := dataset.Open(name, dataset.Test)
	if err != nil {
		return err
	}
	if err := modelfile.Fit(net, shapeOf(test), name); err != nil {
		return err
	}
	ev, err := infer.New(net)
	if err != nil {
		return err
	}
	return s.commit(ctx, func() error {
		s.data, s.train, s.test = name, train, test
		s.net, s.eval, s.model = net, ev, src
		return nil
	})
}

func shapeOf(set *dataset.Set) [3]int { return [3]int{set.C, set.H, set.W} }

// identify names the model for provenance: a trained net by the SHA-256 of its encoding as
// "unsaved", any other by its file (modelfile.Identify).
func identify(net *models.Net, src string) (provenance.Model, error) {
	if src == "trained" {
		return modelfile.IdentifyUnsaved(net)
	}
	return modelfile.Identify(src)
}

// Snapshot is a consistent view of the session for the UI.
type Snapshot struct {
	Data        string
	Train, Test *dataset.Set
	Net         *models.Net
	Model       string           // the model's file, modelfile.Embedded or "trained"
	ModelID     provenance.Model // the model's file (provenance.Unsaved for a trained one) and SHA-256
	ModelSource string           // the model's name as the window shows it
	Sampling    view.Sampling    // how Grid was sampled, model and data included
	Spec        projection.Spec
	Grid        *surface.Grid
}

// Snapshot returns the current state.
func (s *Session) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Snapshot{Data: s.data, Train: s.train, Test: s.test, Net: s.net, Model: s.model, ModelID: s.modelID, ModelSource: modelName(s.model),
		Sampling: s.sampling, Spec: s.spec, Grid: s.grid}
}

// Sample builds the probe smp describes over the test split, samples the current model on it and
// makes the grid current; smp's model, data and split are the session's. progress is called from
// the sampling goroutines. When the model changed meanwhile the grid is not kept and the error is
// context.Canceled.
func (s *Session) Sample(ctx context.Context, smp view.Sampling, progress func(done, total int)) (*surface.Grid, error) {
	s.mu.Lock()
	net, ev, test := s.net, s.eval, s.test
	smp.Model, smp.Data, smp.Split = s.model, s.data, dataset.Test
	s.mu.Unlock()
	if net == nil || test == nil {
		return nil, errors.New("open a dataset and a model first")
	}
	if err := smp.Validate(); err != nil {
		return nil, err
	}
	spec, _ := smp.Spec() // checked by Validate
	probe, err := surface.BuildProbe(spec, net.Input, test.Images, test.Labels, ev, smp.Sizes())
	if err != nil {
		return nil, err
	}
	g, err := surface.Sample(ctx, ev, probe, nil, progress)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eval != ev || s.test != test { // the model or the data changed meanwhile
		return nil, context.Canceled
	}
	s.grid, s.sampling, s.spec = g, smp, spec
	return g, nil
}

// Train trains net on the first limit images of the training split (all for limit ≤ 0) and makes
// it the current model. Training copies the weights back every epoch, so a run cancelled through
// ctx still leaves a valid net of its last complete epoch: when that net fits its training set it
// becomes the model too and the error is context.Canceled; when it does not, or no epoch
// completed, the current model stays and the error is an *unfitCancelError (which is
// context.Canceled too) holding the net, for the caller to offer. progress is called from the
// training goroutine.
func (s *Session) Train(ctx context.Context, net *models.Net, cfg train.Config, limit int, progress func(train.Progress)) error {
	s.mu.Lock()
	trainSet, test := s.train, s.test
	s.mu.Unlock()
	if trainSet == nil {
		return errors.New("open a dataset first")
	}
	if limit > 0 {
		trainSet = trainSet.Head(limit)
	}
	hist, err := train.Run(ctx, net, trainSet, test, cfg, progress)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if err != nil {
		if len(hist) == 0 {
			return &unfitCancelError{}
		}
		if fit, _, _ := net.Fit(); !fit.Fits {
			return &unfitCancelError{net: net, fit: fit}
		}
	}
	if serr := s.SetModel(context.WithoutCancel(ctx), net, "trained"); serr != nil {
		return serr
	}
	return err
}

// unfitCancelError is a training run cancelled with a net that does not fit its training set
// (net and fit, the last complete epoch's), or before its first epoch ended (net nil).
type unfitCancelError struct {
	net *models.Net
	fit models.FitRecord
}

func (e *unfitCancelError) Error() string {
	if e.net == nil {
		return "training cancelled before the first epoch ended"
	}
	return fmt.Sprintf("training cancelled after epoch %d, which does not fit its training set (%s)", e.fit.Epochs, e.fit)
}

func (e *unfitCancelError) Unwrap() error { return context.Canceled }

// Predictions returns the current model's predicted class for the first n test images (fewer if
// the split is smaller), or nil without a model or data.
func (s *Session) Predictions(n int) []int {
	s.mu.Lock()
	ev, test := s.eval, s.test
	s.mu.Unlock()
	if ev == nil || test == nil {
		return nil
	}
	n = min(n, test.Len())
	return surface.Predict(ev, test.Images[:n*test.ImageSize()], n)
}

// Evaluator returns the current model's evaluator, or nil.
func (s *Session) Evaluator() *infer.Evaluator {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eval
}
