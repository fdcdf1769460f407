package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Jobs is the window's background work. Every run of every Job works under one root context;
// Close cancels it and waits for every run, so nothing the window started outlives it.
//
// Work runs off the UI thread and touches no widget: what it has to show goes through JobRun.Show
// and JobRun.Progress, which hand it to the UI thread with fyne.Do. fyne.Do never waits, so a run
// never blocks on the UI and Close, called on the UI thread, cannot deadlock with one.
type Jobs struct {
	ctx     context.Context
	cancel  context.CancelFunc
	onError func(error) // shows a failed run's error; called on the UI thread

	mu     sync.Mutex
	closed bool
	runs   sync.WaitGroup
	active atomic.Int32 // runs in flight
}

// newJobs returns an open set of jobs whose failed runs report to onError on the UI thread.
func newJobs(onError func(error)) *Jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &Jobs{ctx: ctx, cancel: cancel, onError: onError}
}

// Close cancels every run and waits for them; later Starts do nothing. It may be called more
// than once.
func (g *Jobs) Close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.cancel()
	g.runs.Wait()
}

// Job returns a new kind of work whose runs move bar (nil: none) as they progress. Runs of one Job
// replace each other; runs of different Jobs are independent (an export is a Job of its own, so
// that a second export does not cancel the first).
func (g *Jobs) Job(bar *widget.ProgressBar) *Job { return &Job{jobs: g, bar: bar} }

// Job is one kind of background work of the window: sampling a probe, training, a comparison, a
// landscape, an NTK, statistics, an export. Start cancels the run in flight and begins a new one;
// only the latest run may show anything.
type Job struct {
	jobs *Jobs
	bar  *widget.ProgressBar

	mu     sync.Mutex
	latest uint64             // number of the latest run
	cancel context.CancelFunc // cancels the latest run
}

// Start cancels the run in flight, if any, and calls work in a new goroutine with a context that
// the next Start, Cancel and Jobs.Close cancel. When work returns an error other than a
// cancellation, the error goes to the window's error dialog if the run is still the latest; on
// success the job's progress bar is filled. Start may be called from any goroutine.
func (j *Job) Start(work func(ctx context.Context, r *JobRun) error) {
	g := j.jobs
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return
	}
	ctx, cancel := context.WithCancel(g.ctx)
	j.mu.Lock()
	if j.cancel != nil {
		j.cancel()
	}
	j.latest++
	j.cancel = cancel
	r := &JobRun{job: j, n: j.latest}
	r.shown.Store(-1)
	j.mu.Unlock()
	g.runs.Add(1)
	g.active.Add(1)
	go func() {
		defer g.runs.Done()
		defer g.active.Add(-1)
		defer cancel()
		r.Progress(0, 1)
		err := work(ctx, r)
		switch {
		case err == nil:
			r.Progress(1, 1)
		case !errors.Is(err, context.Canceled) && g.onError != nil:
			r.Show(func() { g.onError(err) })
		}
	}()
}

// Cancel cancels the run in flight. Unlike a newer Start it leaves the run the latest, so what
// the run shows after noticing the cancellation (a cancelled training's model) is still shown.
func (j *Job) Cancel() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.cancel != nil {
		j.cancel()
	}
}

// current reports whether run n is the job's latest and the window is open.
func (j *Job) current(n uint64) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return n == j.latest && j.jobs.ctx.Err() == nil
}

// JobRun is one run of a Job, handed to its work.
type JobRun struct {
	job   *Job
	n     uint64
	shown atomic.Int64 // progress last handed to the bar, in thousandths; −1 before the first
}

// Show runs fn on the UI thread if, by the time it gets there, this run is still the job's latest
// and the window is open; fn may touch widgets. Show never waits for fn.
func (r *JobRun) Show(fn func()) {
	fyne.Do(func() {
		if r.job.current(r.n) {
			fn()
		}
	})
}

// Progress moves the job's bar to done/total. It hands the UI at most a thousand updates per run
// and may be called from any goroutine.
func (r *JobRun) Progress(done, total int) {
	bar := r.job.bar
	if bar == nil || total <= 0 {
		return
	}
	v := int64(1000 * min(max(done, 0), total) / total)
	if old := r.shown.Swap(v); old == v {
		return
	}
	r.Show(func() { bar.SetValue(float64(v) / 1000) })
}
