package app

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/train"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// liveBudget is the share of the training's wall time that the live surface may take: sampling
// the probe on a snapshot of the net and drawing it. Training runs beside it on the same cores,
// so it slows by about this much.
const liveBudget = 0.10

// liveMinInterval bounds how often the surface is replaced however cheap sampling is, so that the
// eye can follow it.
const liveMinInterval = 150 * time.Millisecond

// liveSurface re-samples the Surface tab's probe on snapshots of the net being trained and shows
// each result in place, titled with the epoch, the batch and the last training accuracy. It
// decides adaptively when to sample: after a sample that took d (sampling and drawing), the next
// waits until d/liveBudget after it started, so that live pictures take at most liveBudget of
// the time. One sample is in flight at a time; batches that come while it runs are skipped.
//
// batch runs on the training goroutine (inside its progress callback), where Progress.Snapshot
// copies the weights between two optimizer steps; the sampling runs on its own goroutine.
type liveSurface struct {
	u    *UI
	on   *atomic.Bool  // the Live check in the side panel
	smp  view.Sampling // the probe shown when training started
	spec projection.Spec
	test *dataset.Set

	// Owned by the training goroutine (batch).
	acc string // "train accuracy 97.1% after epoch 3", or "" before the first epoch

	mu      sync.Mutex
	probe   *projection.Probe // built on the first snapshot
	busy    bool
	next    time.Time // no sample before
	spent   time.Duration
	updates int
	wg      sync.WaitGroup
}

// newLiveSurface returns the live view of a training run over the probe shown now, or nil when
// no probe has been sampled yet (nothing to follow). Call it on the UI thread.
func (u *UI) newLiveSurface() *liveSurface {
	s := u.session.Snapshot()
	if s.Grid == nil || s.Test == nil {
		return nil
	}
	smp := s.Sampling
	smp.Model = "training"
	return &liveSurface{u: u, on: &u.model.liveOn, smp: smp, spec: s.Spec, test: s.Test}
}

// batch is the training run's progress: when a sample is due it snapshots the net and samples it
// in the background. r is the training job's run: what it shows is dropped once training ended.
func (l *liveSurface) batch(ctx context.Context, p train.Progress, r *JobRun) {
	if l == nil {
		return
	}
	if e := p.Done; e != nil {
		l.acc = fmt.Sprintf("train accuracy %.1f%% after epoch %d", 100*e.TrainAcc, e.Epoch)
	}
	if !l.on.Load() || p.Snapshot == nil {
		return
	}
	now := time.Now()
	l.mu.Lock()
	due := !l.busy && !now.Before(l.next)
	l.busy = l.busy || due
	l.mu.Unlock()
	if !due {
		return
	}
	net := p.Snapshot()
	title := fmt.Sprintf("live: epoch %d of %d, batch %d of %d", p.Epoch, p.Epochs, p.Batch, p.Batches)
	if l.acc != "" {
		title += " · " + l.acc
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.sample(ctx, net, title, now, r)
	}()
}

// sample samples the probe on net and shows it; started is when the snapshot was asked for.
func (l *liveSurface) sample(ctx context.Context, net *models.Net, title string, started time.Time, r *JobRun) {
	g, err := l.grid(ctx, net)
	draw := l.u.surface.DrawTime()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy = false
	cost := time.Since(started) + draw // the last quick frame's drawing stands for this one's
	l.spent += cost
	l.next = started.Add(max(time.Duration(float64(cost)/liveBudget), liveMinInterval))
	if err != nil {
		return // cancelled, or a snapshot that cannot be sampled: the next one may
	}
	l.updates++
	r.Show(func() { l.u.showLive(l.smp, l.test, g, title) })
}

// grid samples the probe on net, building the probe on the first call (with this net's
// gradient for an adversarial plane).
func (l *liveSurface) grid(ctx context.Context, net *models.Net) (*surface.Grid, error) {
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	probe := l.probe
	l.mu.Unlock()
	if probe == nil {
		probe, err = surface.BuildProbe(l.spec, [3]int{l.test.C, l.test.H, l.test.W}, l.test.Images, l.test.Labels, ev, l.smp.Sizes())
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		l.probe = probe
		l.mu.Unlock()
	}
	return surface.Sample(ctx, ev, probe, nil, nil)
}

// finish waits for the sample in flight and returns the number of pictures shown and the time
// they took (sampling and drawing).
func (l *liveSurface) finish() (updates int, spent time.Duration) {
	if l == nil {
		return 0, 0
	}
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.updates, l.spent
}

// showLive draws grid g of the training net in the Surface tab (showGridOf, without
// antialiasing: the next picture comes soon), titled with the training's progress, which the
// window's title shows too (in the task bar while the window is hidden).
func (u *UI) showLive(smp view.Sampling, test *dataset.Set, g *surface.Grid, title string) {
	if u.showGridOf(smp, test, g, title, true) {
		u.window.SetTitle("surfscope — " + title) // refreshLabels gives it back when training ends
	}
}

// showGridOf draws grid g, sampled as smp says on test, in the Surface tab as the View controls
// say, its title prefixed with title; quick draws it without antialiasing. The session's grid
// stays the current model's: exports and statistics are of that one. It reports whether it drew.
func (u *UI) showGridOf(smp view.Sampling, test *dataset.Set, g *surface.Grid, title string, quick bool) bool {
	s := u.session.Snapshot()
	s.Grid, s.Sampling, s.Test = g, smp, test
	st := u.viewOf(s)
	if st.Class >= g.K {
		return false
	}
	scene, err := st.Scene(g, test)
	if err != nil {
		return false
	}
	scene.Title = title + " — " + scene.Title
	if quick {
		scene.Samples = 1
	}
	u.setShown(g, test)
	u.surface.SetScene(scene)
	return true
}
