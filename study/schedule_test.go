package study

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// The scheduler runs a unit only after its dependencies, at most Jobs at once and within the
// memory budget (a unit larger than the budget alone), the report last; it stops at the first
// error; its progress lines say the share done and the time left.
func TestSchedule(t *testing.T) {
	us := []*unit{
		{key: "a/model", stage: StageModel, weight: 2, memMiB: 600},
		{key: "b/model", stage: StageModel, weight: 2, memMiB: 600},
		{key: "a/atlas", stage: StageAtlas, deps: []string{"a/model"}, weight: 1, memMiB: 300},
		{key: "a/ntk", stage: StageNTK, deps: []string{"a/model"}, weight: 1, memMiB: 2000},
		{key: "b/atlas", stage: StageAtlas, deps: []string{"b/model"}, weight: 1, memMiB: 300},
		{key: StageReport, stage: StageReport, weight: 1},
	}
	var log bytes.Buffer
	r := &runner{opts: Options{Jobs: 2, MemMiB: 1000, Progress: &log, Every: 5 * time.Millisecond}, skipped: map[string]bool{}}
	var mu sync.Mutex
	finished := map[string]bool{}
	running, peak, mem, peakMem := 0, 0, 0, 0
	r.exec = func(ctx context.Context, u *unit, p *unitProgress) error {
		mu.Lock()
		for _, d := range u.deps {
			if !finished[d] {
				t.Errorf("%s started before %s finished", u.key, d)
			}
		}
		if u.stage == StageReport && len(finished) != len(us)-1 {
			t.Errorf("the report started with %d units finished", len(finished))
		}
		running, mem = running+1, mem+u.memMiB
		peak = max(peak, running)
		if running > 1 {
			peakMem = max(peakMem, mem)
		}
		mu.Unlock()
		for i := 0; i <= 4; i++ {
			p.set("step", float64(i)/4)
			time.Sleep(3 * time.Millisecond)
		}
		mu.Lock()
		running, mem = running-1, mem-u.memMiB
		finished[u.key] = true
		mu.Unlock()
		return nil
	}
	if err := r.schedule(context.Background(), us); err != nil {
		t.Fatal(err)
	}
	if len(finished) != len(us) || peak != 2 || peakMem > 1000 {
		t.Errorf("%d units finished, %d at once at most (want 2), %d MiB at once at most (budget 1000)", len(finished), peak, peakMem)
	}
	if !strings.Contains(log.String(), "% of the work (") || !strings.Contains(log.String(), "a/ntk done in") {
		t.Errorf("progress:\n%s", log.String())
	}
	// The first error stops the run and comes back.
	boom := errors.New("boom")
	r.exec = func(ctx context.Context, u *unit, p *unitProgress) error {
		if u.key == "a/model" {
			return boom
		}
		<-ctx.Done()
		return ctx.Err()
	}
	if err := r.schedule(context.Background(), us); !errors.Is(err, boom) {
		t.Errorf("error %v, want boom", err)
	}
}
