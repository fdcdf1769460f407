package app

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// timelineCacheSize bounds the grids the timeline keeps: a 256×256 grid of 10 logits is 2.6 MB.
const timelineCacheSize = 48

// timeline scrubs the Surface tab over the checkpoints of a series (File ▸ Open Series): the
// slider picks a checkpoint, whose grid on the probe shown is sampled in the background (cached
// by checkpoint and probe, the most recent timelineCacheSize kept) and drawn in place, titled
// with its epoch and training accuracy. Every checkpoint is sampled on one probe, built with the
// series' last checkpoint (as `surfscope animate` does). Close returns to the current model.
type timeline struct {
	box    *fyne.Container // under the Surface tab; hidden until a series is opened
	slider *widget.Slider
	label  *widget.Label
	job    *Job

	dir   string
	index *series.Index

	mu       sync.Mutex
	probeKey string // the Sampling the probe was built for
	probe    *projection.Probe
	cache    gridCache
}

// buildTimeline makes the timeline bar (hidden).
func (u *UI) buildTimeline() *fyne.Container {
	tl := &u.timeline
	tl.job = u.jobs.Job(nil)
	tl.label = widget.NewLabel("")
	tl.slider = widget.NewSlider(0, 1)
	tl.slider.Step = 1
	tl.slider.OnChanged = func(v float64) { u.showCheckpoint(int(v)) }
	closeBtn := widget.NewButton("Close series", u.closeSeries)
	tl.box = container.NewBorder(nil, nil, tl.label, closeBtn, tl.slider)
	tl.box.Hide()
	return tl.box
}

// showOpenSeries asks for a series folder and opens it.
func (u *UI) showOpenSeries() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		u.openSeries(dir.Path())
	}, u.window)
}

// openSeries reads the series in dir and shows its last checkpoint on the probe shown.
func (u *UI) openSeries(dir string) {
	ix, err := series.Read(dir)
	if err == nil && len(ix.Checkpoints) == 0 {
		err = fmt.Errorf("%s: the series has no checkpoint yet", dir)
	}
	if err != nil {
		u.showError(err)
		return
	}
	tl := &u.timeline
	tl.mu.Lock()
	tl.dir, tl.index, tl.probe, tl.probeKey = dir, ix, nil, ""
	tl.cache = gridCache{}
	tl.mu.Unlock()
	tl.slider.Max = float64(len(ix.Checkpoints) - 1)
	tl.box.Show()
	tl.slider.Value = tl.slider.Max
	tl.slider.Refresh()
	u.showCheckpoint(len(ix.Checkpoints) - 1)
	u.tabs.SelectIndex(0)
}

// closeSeries hides the timeline and draws the current model again.
func (u *UI) closeSeries() {
	tl := &u.timeline
	tl.job.Cancel()
	tl.box.Hide()
	tl.mu.Lock()
	tl.index, tl.cache = nil, gridCache{}
	tl.mu.Unlock()
	u.showGrid()
}

// showCheckpoint samples checkpoint i of the open series on the probe shown (or takes it from the
// cache) and draws it.
func (u *UI) showCheckpoint(i int) {
	tl := &u.timeline
	s := u.session.Snapshot()
	if tl.index == nil || i < 0 || i >= len(tl.index.Checkpoints) || s.Grid == nil || s.Test == nil {
		return
	}
	e := tl.index.Checkpoints[i]
	tl.label.SetText(fmt.Sprintf("epoch %d · train accuracy %.1f%%", e.Epoch, 100*e.TrainAcc))
	smp, test, dir, ix := s.Sampling, s.Test, tl.dir, tl.index
	title := fmt.Sprintf("series: epoch %d of %d · train accuracy %.1f%%", e.Epoch, ix.Checkpoints[len(ix.Checkpoints)-1].Epoch, 100*e.TrainAcc)
	tl.job.Start(func(ctx context.Context, r *JobRun) error {
		g, err := tl.grid(ctx, dir, ix, i, smp, test)
		if err != nil {
			return err
		}
		r.Show(func() { u.showGridOf(smp, test, g, title, false) })
		return nil
	})
}

// grid returns checkpoint i's grid on the probe smp describes, from the cache or sampled.
func (tl *timeline) grid(ctx context.Context, dir string, ix *series.Index, i int, smp view.Sampling, test *dataset.Set) (*surface.Grid, error) {
	key := fmt.Sprintf("%s|%+v", dir, smp)
	ck := fmt.Sprintf("%s|%d", key, ix.Checkpoints[i].Epoch)
	tl.mu.Lock()
	g := tl.cache.get(ck)
	probe := tl.probe
	if tl.probeKey != key {
		probe = nil
	}
	tl.mu.Unlock()
	if g != nil {
		return g, nil
	}
	if probe == nil {
		last, err := checkpointEvaluator(dir, ix, len(ix.Checkpoints)-1, test)
		if err != nil {
			return nil, err
		}
		spec, err := smp.Spec()
		if err != nil {
			return nil, err
		}
		if probe, err = surface.BuildProbe(spec, [3]int{test.C, test.H, test.W}, test.Images, test.Labels, last, smp.Sizes()); err != nil {
			return nil, err
		}
		tl.mu.Lock()
		tl.probe, tl.probeKey = probe, key
		tl.mu.Unlock()
	}
	ev, err := checkpointEvaluator(dir, ix, i, test)
	if err != nil {
		return nil, err
	}
	g, err = surface.Sample(ctx, ev, probe, nil, nil)
	if err != nil {
		return nil, err
	}
	tl.mu.Lock()
	tl.cache.put(ck, g)
	tl.mu.Unlock()
	return g, nil
}

// checkpointEvaluator loads checkpoint i of a series fitted to test's images.
func checkpointEvaluator(dir string, ix *series.Index, i int, test *dataset.Set) (*infer.Evaluator, error) {
	net, err := ix.Load(dir, i)
	if err != nil {
		return nil, err
	}
	if err := modelfile.Fit(net, [3]int{test.C, test.H, test.W}, test.Name); err != nil {
		return nil, err
	}
	return infer.New(net)
}

// gridCache keeps the timelineCacheSize grids used last, by key.
type gridCache struct {
	order *list.List // of keys, the most recent first
	grids map[string]*list.Element
	value map[string]*surface.Grid
}

func (c *gridCache) get(k string) *surface.Grid {
	if c.grids == nil {
		return nil
	}
	e, ok := c.grids[k]
	if !ok {
		return nil
	}
	c.order.MoveToFront(e)
	return c.value[k]
}

func (c *gridCache) put(k string, g *surface.Grid) {
	if c.grids == nil {
		c.order, c.grids, c.value = list.New(), map[string]*list.Element{}, map[string]*surface.Grid{}
	}
	if e, ok := c.grids[k]; ok {
		c.order.MoveToFront(e)
		c.value[k] = g
		return
	}
	c.grids[k] = c.order.PushFront(k)
	c.value[k] = g
	for c.order.Len() > timelineCacheSize {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.grids, last.Value.(string))
		delete(c.value, last.Value.(string))
	}
}

// len is the number of grids kept.
func (c *gridCache) len() int { return len(c.value) }
