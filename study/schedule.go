package study

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// unitProgress is how far a running unit is: what it is doing and the share of its work done.
type unitProgress struct {
	mu   sync.Mutex
	what string
	f    float64
}

func (p *unitProgress) set(what string, f float64) {
	p.mu.Lock()
	p.what, p.f = what, min(max(f, 0), 1)
	p.mu.Unlock()
}

func (p *unitProgress) get() (string, float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.what, p.f
}

// unitState is where a unit of a run stands.
type unitState int

const (
	pending unitState = iota
	running
	finished
)

// schedule runs the units, each once its dependencies have finished, up to Jobs at once within
// the memory budget, in plan order. It prints progress as it goes and returns the first error
// (cancelling the units still running).
func (r *runner) schedule(ctx context.Context, todo []*unit) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	state := map[string]unitState{}
	prog := map[string]*unitProgress{}
	for _, u := range todo {
		state[u.key] = pending
		prog[u.key] = &unitProgress{}
	}
	type result struct {
		u   *unit
		err error
		dt  time.Duration
	}
	results := make(chan result)
	var mu sync.Mutex // guards state for the progress printer
	var firstErr error
	start := time.Now()
	rt := &rates{byStage: map[string][2]float64{}} // measured seconds per unit of estimated cost
	stopTicker := r.tick(start, todo, state, prog, &mu, rt)
	defer stopTicker()
	runningN, mem := 0, 0
	for {
		mu.Lock()
		for _, u := range todo {
			if firstErr != nil || state[u.key] != pending || runningN >= r.opts.Jobs || !r.ready(u, state) {
				continue
			}
			if runningN > 0 && r.opts.MemMiB > 0 && mem+u.memMiB > r.opts.MemMiB {
				continue
			}
			state[u.key] = running
			runningN, mem = runningN+1, mem+u.memMiB
			go func(u *unit) {
				t0 := time.Now()
				err := r.exec(ctx, u, prog[u.key])
				results <- result{u, err, time.Since(t0)}
			}(u)
		}
		mu.Unlock()
		if runningN == 0 {
			break
		}
		res := <-results
		mu.Lock()
		runningN, mem = runningN-1, mem-res.u.memMiB
		state[res.u.key] = finished
		r.mu.Lock()
		skipped := r.skipped[res.u.key]
		r.mu.Unlock()
		if !skipped && res.err == nil {
			rt.add(res.u, res.dt)
		}
		if res.err != nil && firstErr == nil {
			firstErr = res.err
			cancel()
		}
		mu.Unlock()
		r.announce(res.u, res.err, skipped, res.dt)
	}
	if firstErr == nil {
		for _, u := range todo {
			if state[u.key] != finished {
				return fmt.Errorf("study: %s could not run (a dependency is missing)", u.key)
			}
		}
	}
	return firstErr
}

// ready reports whether every dependency of u is finished in this run or outside it; the report
// waits for every other unit of the run.
func (r *runner) ready(u *unit, state map[string]unitState) bool {
	if u.stage == StageReport {
		for k, s := range state {
			if k != u.key && s != finished {
				return false
			}
		}
	}
	for _, d := range u.deps {
		if s, ok := state[d]; ok && s != finished {
			return false
		}
	}
	return true
}

// announce prints that a unit finished, was found done, or failed.
func (r *runner) announce(u *unit, err error, skipped bool, dt time.Duration) {
	switch {
	case err != nil:
		r.logf("%s failed after %s: %v", u.key, roundDuration(dt), err)
	case skipped:
		r.logf("%s already done", u.key)
	default:
		r.logf("%s done in %s", u.key, roundDuration(dt))
	}
}

// tick prints, every Every, how much of the run is done and the time left, until stop is called.
// The estimate weighs each unit by its estimated cost and measures the rate of this run's own
// work (units found done count neither as work nor as time).
func (r *runner) tick(start time.Time, todo []*unit, state map[string]unitState, prog map[string]*unitProgress,
	mu *sync.Mutex, rt *rates) (stop func()) {
	every := r.opts.Every
	if every <= 0 {
		every = 10 * time.Second
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				mu.Lock()
				line := r.progressLine(start, todo, state, prog, rt)
				mu.Unlock()
				r.logf("%s", line)
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

// rates are the seconds the units of this run took per unit of their estimated cost, by stage:
// the estimates are rough (an imported model costs a fraction of a trained one), the measured
// rates correct them as the run goes.
type rates struct {
	byStage     map[string][2]float64 // stage → seconds, estimated cost
	secs, costs float64               // all stages
}

func (rt *rates) add(u *unit, dt time.Duration) {
	v := rt.byStage[u.stage]
	rt.byStage[u.stage] = [2]float64{v[0] + dt.Seconds(), v[1] + u.weight}
	rt.secs, rt.costs = rt.secs+dt.Seconds(), rt.costs+u.weight
}

// seconds estimates the time left of a unit of stage with cost left: at its stage's measured rate,
// else at the run's (elapsed over the work done, running units included).
func (rt *rates) seconds(stage string, left, runRate float64) float64 {
	if v := rt.byStage[stage]; v[1] > 0 {
		return left * v[0] / v[1]
	}
	return left * runRate
}

// progressLine is "41% of the work (9/26 units), about 1h12m left; running mnist/mul/atlas (probe 45/181)".
func (r *runner) progressLine(start time.Time, todo []*unit, state map[string]unitState, prog map[string]*unitProgress, rt *rates) string {
	total, remaining, work := 0.0, 0.0, rt.costs
	finishedN := 0
	var active []string
	left := map[*unit]float64{} // estimated cost left of every unit not finished
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range todo {
		if r.skipped[u.key] {
			continue
		}
		total += u.weight
		switch state[u.key] {
		case finished:
			finishedN++
		case running:
			what, f := prog[u.key].get()
			work += f * u.weight
			left[u] = (1 - f) * u.weight
			active = append(active, fmt.Sprintf("%s (%s)", u.key, what))
		default:
			left[u] = u.weight
		}
	}
	for _, l := range left {
		remaining += l
	}
	elapsed := time.Since(start)
	eta := "time left unknown yet"
	if work > 0 && elapsed > 5*time.Second {
		secs, runRate := 0.0, elapsed.Seconds()/work
		for u, l := range left {
			secs += rt.seconds(u.stage, l, runRate)
		}
		eta = "about " + roundDuration(time.Duration(secs*float64(time.Second))).String() + " left"
	}
	pct := 100.0
	if total > 0 {
		pct = 100 * (total - remaining) / total
	}
	return fmt.Sprintf("%.0f%% of the work (%d/%d units), %s; running %s", pct, finishedN+len(r.skipped), len(todo), eta, strings.Join(active, ", "))
}

// roundDuration rounds to seconds under an hour and to minutes above.
func roundDuration(d time.Duration) time.Duration {
	if d > time.Hour {
		return d.Round(time.Minute)
	}
	return d.Round(time.Second)
}
