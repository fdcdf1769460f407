package surface

import (
	"context"
	"fmt"
	"runtime"

	"github.com/surfscope/surfscope/internal/shard"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// atlasRun is one shard's pass over an atlas's items: item counts the items drawn so far (owned or
// not), done and total the shard's own.
type atlasRun struct {
	ctx               context.Context
	ev                *infer.Evaluator
	opt               *SummaryOptions
	regions           *RegionCounter // when opt counts regions: the logits and regions in one pass
	sh                shard.Shard
	part              *AtlasPart
	item, done, total int
	progress          func(done, total int)
}

func (r *atlasRun) step() {
	r.done++
	if r.progress != nil {
		r.progress(r.done, r.total)
	}
}

// probes draws count probes of one kind with build (up to 20 tries each: a draw can fail, e.g.
// on collinear images), and samples, summarises and records those the shard owns. Every probe is
// drawn first, in order; then up to GOMAXPROCS probes are summarised at once (each probe's work
// does not depend on what else runs, so the values are those of one probe at a time: the parts of
// a summary that run on one core overlap with another probe's), and recorded in the order drawn.
func (r *atlasRun) probes(kind string, count int, build func() (*projection.Probe, error),
	record func(add func(string, float64), s *ProbeSummary)) error {
	var jobs []*atlasJob
	for n := 0; n < count; n++ {
		var p *projection.Probe
		var err error
		for try := 0; try < 20; try++ {
			if p, err = build(); err == nil {
				break
			}
		}
		if err != nil {
			return fmt.Errorf("surface: atlas: %s probe %d: %v", kind, n, err)
		}
		r.item++
		if r.sh.Owns(r.item - 1) {
			jobs = append(jobs, &atlasJob{p: p, index: r.item - 1, done: make(chan struct{})})
		}
	}
	ctx, cancel := context.WithCancel(r.ctx)
	finished := make(chan struct{})
	go func() {
		r.summarizeAll(ctx, jobs)
		close(finished)
	}()
	defer func() {
		cancel()
		<-finished // no probe outlives the call
	}()
	for _, j := range jobs {
		<-j.done
		if j.err != nil {
			return j.err
		}
		rec := &ProbeRecord{Index: j.index, Kind: kind}
		record(rec.add, j.s)
		r.part.Probes = append(r.part.Probes, rec)
		r.step()
	}
	return nil
}

// atlasJob is one probe of an atlas to summarise: done is closed when s or err is set.
type atlasJob struct {
	p     *projection.Probe
	index int
	s     *ProbeSummary
	err   error
	done  chan struct{}
}

// summarizeAll summarises the jobs in order, up to GOMAXPROCS at once, and returns when all are
// done; once ctx is cancelled the remaining jobs fail with its error without starting.
func (r *atlasRun) summarizeAll(ctx context.Context, jobs []*atlasJob) {
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	defer func() {
		for range cap(slots) { // wait for the last ones
			slots <- struct{}{}
		}
	}()
	for _, j := range jobs {
		slots <- struct{}{}
		if err := ctx.Err(); err != nil {
			j.err = err
			close(j.done)
			<-slots
			continue
		}
		go func() {
			defer func() { <-slots }()
			j.s, j.err = r.summarize(ctx, j.p)
			close(j.done)
		}()
	}
}

// summarize samples probe p and summarises it, counting regions while sampling when the atlas
// counts them.
func (r *atlasRun) summarize(ctx context.Context, p *projection.Probe) (*ProbeSummary, error) {
	if r.regions == nil {
		g, err := Sample(ctx, r.ev, p, nil, nil)
		if err != nil {
			return nil, err
		}
		return Summarize(ctx, g, r.opt)
	}
	g, rm, err := r.regions.SampleRegions(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	opt := *r.opt
	opt.Regions = rm
	return Summarize(ctx, g, &opt)
}
