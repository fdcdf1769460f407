package app

import (
	"context"
	"errors"
	"sync"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/train"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
)

// Session is what the window shows: a dataset, a model and a probe sampled into a grid. It does the
// engine work in background goroutines and never touches widgets; callers pass callbacks and move
// them onto the UI thread themselves. A new job of a kind cancels the running one of that kind.
type Session struct {
	mu       sync.Mutex
	data     string
	train    *dataset.Set
	test     *dataset.Set
	net      *models.Net
	eval     *infer.Evaluator
	modelSrc string
	spec     projection.Spec
	sizes    projection.Sizes
	grid     *surface.Grid

	cancelSample context.CancelFunc
	cancelTrain  context.CancelFunc
	jobs         sync.WaitGroup
}

// SetData loads both splits of a dataset (blocking; call it from a goroutine for large sets).
func (s *Session) SetData(name string) error {
	train, err := dataset.Open(name, dataset.Train)
	if err != nil {
		return err
	}
	test, err := dataset.Open(name, dataset.Test)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.net != nil {
		if err := modelfile.Fit(s.net, shapeOf(test), name); err != nil {
			return err
		}
	}
	s.data, s.train, s.test = name, train, test
	return nil
}

// SetModel makes net the current model; src says where it came from (a file, "trained", "embedded").
func (s *Session) SetModel(net *models.Net, src string) error {
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
	s.mu.Lock()
	defer s.mu.Unlock()
	s.net, s.eval, s.modelSrc = net, ev, src
	return nil
}

func shapeOf(set *dataset.Set) [3]int { return [3]int{set.C, set.H, set.W} }

// Snapshot is a consistent view of the session for the UI.
type Snapshot struct {
	Data        string
	Train, Test *dataset.Set
	Net         *models.Net
	ModelSource string
	Spec        projection.Spec
	Sizes       projection.Sizes
	Grid        *surface.Grid
}

// Snapshot returns the current state.
func (s *Session) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Snapshot{s.data, s.train, s.test, s.net, s.modelSrc, s.spec, s.sizes, s.grid}
}

// Sample builds the probe from spec over the test split and samples the current model on it in the
// background. progress and done are called from the worker goroutine. A newer Sample cancels this one,
// in which case done receives context.Canceled.
func (s *Session) Sample(spec projection.Spec, sizes projection.Sizes, progress func(done, total int), done func(*surface.Grid, error)) {
	s.mu.Lock()
	if s.cancelSample != nil {
		s.cancelSample()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelSample = cancel
	net, ev, test := s.net, s.eval, s.test
	s.mu.Unlock()
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer cancel()
		g, err := func() (*surface.Grid, error) {
			if net == nil || test == nil {
				return nil, errors.New("open a dataset and a model first")
			}
			probe, err := surface.BuildProbe(spec, net.Input, test.Images, test.Labels, ev, sizes)
			if err != nil {
				return nil, err
			}
			return surface.Sample(ctx, ev, probe, nil, progress)
		}()
		if err == nil {
			s.mu.Lock()
			if s.eval == ev { // the model did not change meanwhile
				s.grid, s.spec, s.sizes = g, spec, sizes
			} else {
				err = context.Canceled
			}
			s.mu.Unlock()
		}
		done(g, err)
	}()
}

// Train trains a new network on the current training split in the background and makes it the
// current model when it finishes or is cancelled (training copies weights back every epoch, so a
// cancelled run leaves a valid net). progress and done are called from the worker goroutine.
func (s *Session) Train(net *models.Net, cfg train.Config, limit int, progress func(train.Progress), done func(*models.Net, error)) {
	s.mu.Lock()
	if s.cancelTrain != nil {
		s.cancelTrain()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelTrain = cancel
	trainSet, test := s.train, s.test
	s.mu.Unlock()
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		defer cancel()
		if trainSet == nil {
			done(nil, errors.New("open a dataset first"))
			return
		}
		if limit > 0 {
			trainSet = trainSet.Head(limit)
		}
		_, err := train.Run(ctx, net, trainSet, test, cfg, progress)
		if err != nil && !errors.Is(err, context.Canceled) {
			done(nil, err)
			return
		}
		if serr := s.SetModel(net, "trained"); serr != nil {
			done(nil, serr)
			return
		}
		done(net, err)
	}()
}

// CancelTraining stops a running training job; its done callback still runs.
func (s *Session) CancelTraining() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancelTrain != nil {
		s.cancelTrain()
	}
}

// Close cancels every job and waits for them.
func (s *Session) Close() {
	s.mu.Lock()
	for _, c := range []context.CancelFunc{s.cancelSample, s.cancelTrain} {
		if c != nil {
			c()
		}
	}
	s.mu.Unlock()
	s.jobs.Wait()
}

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
