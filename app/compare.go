package app

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// maxCompare is the number of models compared side by side.
const maxCompare = 4

// compareModel is one model of the comparison and its grid on the shared probe.
type compareModel struct {
	name string
	ev   *infer.Evaluator
	grid *surface.Grid
}

// compareTab shows two to four models on the same probe side by side with linked cameras, and the
// difference surface of the first two (e.g. an additive against a multiplicative ResNet). Its
// state is touched only on the UI thread.
type compareTab struct {
	u       *UI
	models  []*compareModel
	views   []*SurfaceView
	diff    *SurfaceView
	list    *widget.Label
	bar     *widget.ProgressBar
	addBtn  *widget.Button
	fileBtn *widget.Button
	runBtn  *widget.Button
	clear   *widget.Button
	content *fyne.Container
	sample  *Job // samples every model on the probe
	open    *Job // reads a model file
}

func newCompare(u *UI) *compareTab {
	c := &compareTab{u: u, list: widget.NewLabel("Add two to four models, then sample them on the current probe."),
		bar: widget.NewProgressBar()}
	c.sample, c.open = u.jobs.Job(c.bar), u.jobs.Job(nil)
	for i := 0; i < maxCompare; i++ {
		c.views = append(c.views, u.newSurfaceView())
	}
	c.diff = u.newSurfaceView()
	all := append(append([]*SurfaceView(nil), c.views...), c.diff)
	for _, v := range all {
		v.OnCamera = func(cam render.Camera) {
			for _, w := range all {
				if w != v {
					w.SetCamera(cam)
				}
			}
		}
	}
	c.addBtn = widget.NewButton("Add current model", c.addCurrent)
	c.fileBtn = widget.NewButton("Add model file…", c.addFile)
	c.runBtn = widget.NewButton("Sample all on current probe", c.sampleAll)
	c.clear = widget.NewButton("Clear", func() {
		c.models = nil
		c.refresh()
	})
	c.content = container.NewGridWithColumns(2)
	c.refresh()
	return c
}

// Object returns the tab's content.
func (c *compareTab) Object() fyne.CanvasObject {
	bar := container.NewHBox(c.addBtn, c.fileBtn, c.runBtn, c.clear)
	return container.NewBorder(container.NewVBox(bar, c.list, c.bar), nil, nil, nil, c.content)
}

// Add appends a model under name; it fails beyond maxCompare models. Call it on the UI thread.
func (c *compareTab) Add(name string, net *models.Net) error {
	if len(c.models) >= maxCompare {
		return fmt.Errorf("at most %d models can be compared", maxCompare)
	}
	ev, err := infer.New(net)
	if err != nil {
		return err
	}
	c.models = append(c.models, &compareModel{name: name, ev: ev})
	return nil
}

func (c *compareTab) addCurrent() {
	s := c.u.session.Snapshot()
	if s.Net == nil {
		c.u.showError(errors.New("no model is open"))
		return
	}
	if err := c.Add(s.ModelSource, s.Net); err != nil {
		c.u.showError(err)
	}
	c.refresh()
}

func (c *compareTab) addFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		c.open.Start(func(ctx context.Context, r *JobRun) error {
			net, err := modelfile.Load(path)
			if err != nil {
				return err
			}
			r.Show(func() {
				if err := c.Add(modelName(path), net); err != nil {
					c.u.showError(err)
				}
				c.refresh()
			})
			return nil
		})
	}, c.u.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors", ".onnx"}))
	d.Show()
}

// sampleAll samples every model on the probe in the entry in the background, cancelling a
// comparison in flight.
func (c *compareTab) sampleAll() {
	smp := c.u.probe.sampling()
	spec, err := smp.Spec()
	if err != nil {
		c.u.showError(err)
		return
	}
	s := c.u.session.Snapshot()
	ms := append([]*compareModel(nil), c.models...)
	if len(ms) < 2 || s.Test == nil {
		c.u.showError(errors.New("add at least two models to compare"))
		return
	}
	sizes := smp.Sizes()
	c.sample.Start(func(ctx context.Context, r *JobRun) error {
		probe, err := surface.BuildProbe(spec, [3]int{s.Test.C, s.Test.H, s.Test.W}, s.Test.Images, s.Test.Labels, ms[0].ev, sizes)
		if err != nil {
			return err
		}
		grids := make([]*surface.Grid, len(ms))
		for k, m := range ms {
			grids[k], err = surface.Sample(ctx, m.ev, probe, nil, func(done, total int) {
				r.Progress(k*total+done, len(ms)*total)
			})
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		r.Show(func() {
			for k, m := range ms {
				m.grid = grids[k]
			}
			c.refresh()
		})
		return nil
	})
}

// refresh lays out one view per model plus the difference, showing the logit chosen in the
// main panel.
func (c *compareTab) refresh() {
	ms := c.models
	names := "Models:"
	for i, m := range ms {
		names += fmt.Sprintf("  %c) %s", 'A'+i, m.name)
	}
	if len(ms) == 0 {
		names = "Add two to four models, then sample them on the current probe."
	}
	c.list.SetText(names)
	k := c.u.picture.class.SelectedIndex()
	var objs []fyne.CanvasObject
	var first, second *surface.Grid
	for i, m := range ms {
		if m.grid == nil || k < 0 || k >= m.grid.K || m.grid.NY < 2 {
			continue
		}
		if first == nil {
			first = m.grid
		} else if second == nil {
			second = m.grid
		}
		c.views[i].SetScene(render.Scene{Field: m.grid.Channel(k), Contours: 10,
			Title: fmt.Sprintf("%c) %s — logit %d", 'A'+i, m.name, k)})
		objs = append(objs, c.views[i])
	}
	if first != nil && second != nil && len(first.Values) == len(second.Values) {
		c.diff.SetScene(render.Scene{Field: Difference(first, second, k), Contours: 10,
			Colormap: render.Coolwarm, Title: fmt.Sprintf("A − B, logit %d", k)})
		objs = append(objs, c.diff)
	}
	c.content.Objects = objs
	c.content.Refresh()
}

// Difference returns logit k of a minus logit k of b over the same probe.
func Difference(a, b *surface.Grid, k int) *surface.Field {
	f := surface.NewField(a.NX, a.NY, a.S, a.T)
	for p := range f.Values {
		f.Values[p] = a.Values[p*a.K+k] - b.Values[p*b.K+k]
	}
	return f
}
