package study

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/atomicfile"
)

// Options say how Run runs a study; the zero value runs all of it, one unit at a time.
type Options struct {
	// Jobs is the number of units run at once (default 1). The engines already use every core
	// (sampling, BLAS, Jacobians); more jobs pay where they do not, on machines with many cores.
	Jobs int
	// MemMiB bounds the estimated peak memory of the units running at once (default: no bound
	// beyond Jobs); a unit larger than the bound runs alone.
	MemMiB int
	// Shard is this run's share of the units (selectUnits); Stages limits the run to those
	// stages (nil: all).
	Shard  Shard
	Stages []string
	// Command is the command line, recorded in every file's provenance.
	Command string
	// Progress receives a line per unit started and finished and, every Every (default 10 s),
	// the share done and the time left. nil: silent.
	Progress io.Writer
	Every    time.Duration
}

// runner is one run of a study.
type runner struct {
	cfg  *Config
	out  string
	opts Options

	// exec runs a unit: runUnit, or a stand-in in tests of the scheduler.
	exec func(ctx context.Context, u *unit, p *unitProgress) error

	mu      sync.Mutex
	sets    map[string]*dataset.Set
	skipped map[string]bool
	logMu   sync.Mutex
}

// PlanFile is the study's plan in its folder.
const PlanFile = "study.json"

// Plan is what study.json holds: the configuration and the cells it makes.
type Plan struct {
	Config     Config     `json:"config"`
	Cells      []string   `json:"cells"`
	Provenance Provenance `json:"provenance"`
}

// Run runs the study cfg describes in the folder out: every unit of o's stages and shard that is
// not done yet, then (unless sharded) the figures and the report. A cancelled ctx stops the work
// in flight; what finished stays, and the same call later goes on from there. Errors name the
// unit that failed.
func Run(ctx context.Context, cfg Config, out string, o Options) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	for _, st := range o.Stages {
		if !slices.Contains(Stages, st) {
			return fmt.Errorf("study: unknown stage %q (want one of %v)", st, Stages)
		}
	}
	r := &runner{cfg: &cfg, out: out, opts: o, sets: map[string]*dataset.Set{}, skipped: map[string]bool{}}
	r.exec = r.runUnit
	if r.opts.Jobs < 1 {
		r.opts.Jobs = 1
	}
	cells := plan(&cfg)
	if err := r.writePlan(cells); err != nil {
		return err
	}
	all := units(&cfg, cells)
	todo := selectUnits(all, o.Stages, o.Shard)
	if err := r.checkDeps(all, todo); err != nil {
		return err
	}
	return r.schedule(ctx, todo)
}

// writePlan writes study.json, saying so when the configuration changed since the last run.
func (r *runner) writePlan(cells []*cell) error {
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		return fmt.Errorf("study: %v", err)
	}
	p := Plan{Config: *r.cfg, Provenance: newProvenance(r.opts.Command)}
	for _, c := range cells {
		p.Cells = append(p.Cells, c.id())
	}
	path := filepath.Join(r.out, PlanFile)
	if old, err := ReadPlan(r.out); err == nil {
		a, _ := json.Marshal(old.Config)
		b, _ := json.Marshal(p.Config)
		if string(a) != string(b) {
			r.logf("the configuration differs from the last run's in %s: stages whose settings changed run again", path)
		}
	}
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ReadPlan reads the plan of the study in folder dir.
func ReadPlan(dir string) (*Plan, error) {
	b, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if err != nil {
		return nil, fmt.Errorf("study: %v (not a study folder?)", err)
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("study: %s: %v", filepath.Join(dir, PlanFile), err)
	}
	return &p, nil
}

// checkDeps checks that every dependency of the units to do is among them or already done.
func (r *runner) checkDeps(all, todo []*unit) error {
	byKey := map[string]*unit{}
	for _, u := range all {
		byKey[u.key] = u
	}
	doing := map[string]bool{}
	for _, u := range todo {
		doing[u.key] = true
	}
	for _, u := range todo {
		for _, d := range u.deps {
			if doing[d] {
				continue
			}
			if rec, err := readRecord(r.unitPath(byKey[d])); err != nil || rec == nil {
				return fmt.Errorf("study: %s needs %s, which this run does not do and which is not done in %s (run its stage first: --stages %s)",
					u.key, d, r.out, byKey[d].stage)
			}
		}
	}
	return nil
}

// recordPath is the record file of a cell's stage.
func (r *runner) recordPath(cl *cell, stage string) string {
	return filepath.Join(cl.dir(r.out), stage+".json")
}

// unitPath is the record file of a unit.
func (r *runner) unitPath(u *unit) string {
	switch {
	case u.cell != nil:
		return r.recordPath(u.cell, u.stage)
	case u.stage == StageFigures:
		return filepath.Join(r.out, "figures", DataName(u.data), "figures.json")
	}
	return filepath.Join(r.out, ResultsFile)
}

// begin prepares the record of unit u with stage configuration cfg; skip says that the record
// with this configuration exists (the unit is done).
func (r *runner) begin(u *unit, cfg any) (rec *Record, path string, skip bool, err error) {
	hash, raw, err := hashConfig(u.stage, cfg)
	if err != nil {
		return nil, "", false, err
	}
	path = r.unitPath(u)
	if done(path, hash) {
		r.mu.Lock()
		r.skipped[u.key] = true
		r.mu.Unlock()
		return nil, path, true, nil
	}
	rec = &Record{Stage: u.stage, Unit: u.key, ConfigHash: hash, Config: raw, Provenance: newProvenance(r.opts.Command)}
	if u.cell != nil {
		rec.Provenance.Data = u.cell.data
	} else {
		rec.Provenance.Data = u.data
	}
	return rec, path, false, nil
}

// split returns a split of a dataset, loaded once per run.
func (r *runner) split(data, split string) (*dataset.Set, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := data + "\x00" + split
	if s, ok := r.sets[key]; ok {
		return s, nil
	}
	s, err := dataset.Open(data, split)
	if err != nil {
		return nil, err
	}
	r.sets[key] = s
	return s, nil
}

// trainTest returns the training images the study trains on (the first Limit) and the test
// images the training measures (the first TestImages).
func (r *runner) trainTest(data string) (trainSet, test *dataset.Set, err error) {
	if trainSet, err = r.split(data, dataset.Train); err != nil {
		return nil, nil, err
	}
	if r.cfg.Limit > 0 && r.cfg.Limit < trainSet.Len() {
		trainSet = trainSet.Head(r.cfg.Limit)
	}
	if test, err = r.split(data, dataset.Test); err != nil {
		return nil, nil, err
	}
	if n := r.cfg.TestImages; n > 0 && n < test.Len() {
		test = test.Head(n)
	}
	return trainSet, test, nil
}

// probeImages returns the test images the atlas draws its probes from.
func (r *runner) probeImages(data string) (*dataset.Set, error) {
	test, err := r.split(data, dataset.Test)
	if err != nil {
		return nil, err
	}
	if n := r.cfg.Settings.ProbeImages; n > 0 && n < test.Len() {
		test = test.Head(n)
	}
	return test, nil
}

// logf prints one progress line.
func (r *runner) logf(format string, a ...any) {
	if r.opts.Progress == nil {
		return
	}
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.opts.Progress, "study: "+format+"\n", a...)
}

// runUnit runs one unit's stage.
func (r *runner) runUnit(ctx context.Context, u *unit, p *unitProgress) error {
	switch u.stage {
	case StageModel:
		return r.modelStage(ctx, u, p)
	case StageGates:
		return r.gatesStage(ctx, u, p)
	case StageAtlas:
		return r.atlasStage(ctx, u, p)
	case StageNTK:
		return r.ntkStage(ctx, u, p)
	case StageHessian:
		return r.hessianStage(ctx, u, p)
	case StageLandscape:
		return r.landscapeStage(ctx, u, p)
	case StageFigures:
		return r.figuresStage(ctx, u, p)
	case StageReport:
		return r.reportStage(ctx, u, p)
	}
	panic("study: unknown stage " + u.stage)
}
