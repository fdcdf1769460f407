package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
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

// Compare shows two to four models on the same probe side by side with linked cameras, and the
// difference surface of the first two (e.g. an additive against a multiplicative ResNet).
type Compare struct {
	u       *UI
	mu      sync.Mutex
	models  []*compareModel
	views   []*SurfaceView
	diff    *SurfaceView
	list    *widget.Label
	Bar     *widget.ProgressBar
	AddBtn  *widget.Button
	FileBtn *widget.Button
	RunBtn  *widget.Button
	Clear   *widget.Button
	content *fyne.Container
	cancel  context.CancelFunc
}

func newCompare(u *UI) *Compare {
	c := &Compare{u: u, list: widget.NewLabel("Add two to four models, then sample them on the current probe."),
		Bar: widget.NewProgressBar()}
	for i := 0; i < maxCompare; i++ {
		c.views = append(c.views, NewSurfaceView(u.renderer))
	}
	c.diff = NewSurfaceView(u.renderer)
	all := append(append([]*SurfaceView(nil), c.views...), c.diff)
	for _, v := range all {
		v.OnError = u.showError
		v.OnCamera = func(cam render.Camera) {
			for _, w := range all {
				if w != v {
					w.SetCamera(cam)
				}
			}
		}
	}
	c.AddBtn = widget.NewButton("Add current model", c.addCurrent)
	c.FileBtn = widget.NewButton("Add model file…", c.addFile)
	c.RunBtn = widget.NewButton("Sample all on current probe", c.sampleAll)
	c.Clear = widget.NewButton("Clear", func() {
		c.mu.Lock()
		c.models = nil
		c.mu.Unlock()
		c.refresh()
	})
	c.content = container.NewGridWithColumns(2)
	c.refresh()
	return c
}

// Object returns the tab's content.
func (c *Compare) Object() fyne.CanvasObject {
	bar := container.NewHBox(c.AddBtn, c.FileBtn, c.RunBtn, c.Clear)
	return container.NewBorder(container.NewVBox(bar, c.list, c.Bar), nil, nil, nil, c.content)
}

// Add appends a model under name; it fails beyond maxCompare models.
func (c *Compare) Add(name string, net *models.Net) error {
	ev, err := infer.New(net)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.models) >= maxCompare {
		return fmt.Errorf("at most %d models can be compared", maxCompare)
	}
	c.models = append(c.models, &compareModel{name: name, ev: ev})
	return nil
}

func (c *Compare) addCurrent() {
	s := c.u.Session.Snapshot()
	if s.Net == nil {
		c.u.showError(errors.New("no model is open"))
		return
	}
	if err := c.Add(s.ModelSource, s.Net); err != nil {
		c.u.showError(err)
	}
	c.refresh()
}

func (c *Compare) addFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		go func() {
			net, err := modelfile.Load(path)
			if err == nil {
				err = c.Add(modelName(path), net)
			}
			if err != nil {
				c.u.showError(err)
				return
			}
			do(c.refresh)
		}()
	}, c.u.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors", ".onnx"}))
	d.Show()
}

// sampleAll samples every model on the probe in the entry, in the background.
func (c *Compare) sampleAll() {
	spec, err := projection.ParseSpec(c.u.Probe.Text)
	if err != nil {
		c.u.showError(err)
		return
	}
	s := c.u.Session.Snapshot()
	c.mu.Lock()
	ms := append([]*compareModel(nil), c.models...)
	if c.cancel != nil {
		c.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.mu.Unlock()
	if len(ms) < 2 || s.Test == nil {
		c.u.showError(errors.New("add at least two models to compare"))
		return
	}
	sizes := c.u.sizes()
	go func() {
		defer cancel()
		probe, err := surface.BuildProbe(spec, [3]int{s.Test.C, s.Test.H, s.Test.W}, s.Test.Images, s.Test.Labels, ms[0].ev, sizes)
		if err != nil {
			c.u.showError(err)
			return
		}
		for k, m := range ms {
			g, err := surface.Sample(ctx, m.ev, probe, nil, func(done, total int) {
				do(func() { c.Bar.SetValue((float64(k) + float64(done)/float64(total)) / float64(len(ms))) })
			})
			if errors.Is(err, context.Canceled) {
				return
			}
			if err != nil {
				c.u.showError(fmt.Errorf("%s: %w", m.name, err))
				return
			}
			c.mu.Lock()
			m.grid = g
			c.mu.Unlock()
		}
		do(c.refresh)
	}()
}

// refresh lays out one view per model plus the difference, showing the logit chosen in the
// main panel.
func (c *Compare) refresh() {
	c.mu.Lock()
	ms := append([]*compareModel(nil), c.models...)
	c.mu.Unlock()
	names := "Models:"
	for i, m := range ms {
		names += fmt.Sprintf("  %c) %s", 'A'+i, m.name)
	}
	if len(ms) == 0 {
		names = "Add two to four models, then sample them on the current probe."
	}
	c.list.SetText(names)
	k := c.u.Class.SelectedIndex()
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
