package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// LandscapeView is the parameter-space tab: the training loss of the current model over the plane
// θ + α·δ + β·η spanned by two filter-normalised Gaussian directions (Li et al., "Visualizing the
// Loss Landscape of Neural Nets", NeurIPS 2018; biases and batch-norm parameters left still).
type LandscapeView struct {
	u      *UI
	View   *SurfaceView
	Grid   *widget.Select
	Images *widget.Select
	Seed   *widget.Entry
	RunBtn *widget.Button
	Bar    *widget.ProgressBar
	Info   *widget.Label

	mu     sync.Mutex
	cancel context.CancelFunc
	grid   *surface.Grid
}

func newLandscapeView(u *UI) *LandscapeView {
	v := &LandscapeView{u: u, View: NewSurfaceView(u.renderer), Bar: widget.NewProgressBar(),
		Info: widget.NewLabel("The training loss around the current model, over two filter-normalised directions in parameter space.")}
	v.View.OnError = u.showError
	v.Grid = widget.NewSelect([]string{"11", "21", "31", "51"}, nil)
	v.Grid.SetSelected("21")
	v.Images = widget.NewSelect([]string{"500", "1000", "2000"}, nil)
	v.Images.SetSelected("1000")
	v.Seed = widget.NewEntry()
	v.Seed.SetText("1")
	v.RunBtn = widget.NewButton("Compute landscape", v.Run)
	return v
}

// Object returns the tab's content.
func (v *LandscapeView) Object() fyne.CanvasObject {
	bar := container.NewHBox(widget.NewLabel("Grid"), v.Grid, widget.NewLabel("Training images"), v.Images,
		widget.NewLabel("Seed"), v.Seed, v.RunBtn)
	return container.NewBorder(container.NewVBox(bar, v.Bar), v.Info, nil, nil, v.View)
}

// Result returns the last landscape computed, or nil.
func (v *LandscapeView) Result() *surface.Grid {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.grid
}

// Run computes the loss landscape of the current model in the background; a new Run cancels the
// previous one.
func (v *LandscapeView) Run() {
	s := v.u.Session.Snapshot()
	if s.Net == nil || s.Train == nil {
		v.u.showError(errors.New("open a model and a dataset first"))
		return
	}
	n, _ := strconv.Atoi(v.Grid.Selected)
	m, _ := strconv.Atoi(v.Images.Selected)
	seed, err := strconv.ParseUint(v.Seed.Text, 10, 64)
	if err != nil {
		v.u.showError(fmt.Errorf("seed %q: not a number", v.Seed.Text))
		return
	}
	set := s.Train.Head(m)
	v.mu.Lock()
	if v.cancel != nil {
		v.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	v.mu.Unlock()
	v.Bar.SetValue(0)
	net := s.Net
	go func() {
		defer cancel()
		dirs := []surface.ParamVector{surface.FilterNormalized(net, seed, nil), surface.FilterNormalized(net, seed+1, nil)}
		coords := projection.Linspace(-1, 1, n)
		g, err := surface.LossLandscape(ctx, net, dirs, coords, coords, set.Images, set.Labels, nil, func(done, total int) {
			do(func() { v.Bar.SetValue(float64(done) / float64(total)) })
		})
		if errors.Is(err, context.Canceled) {
			return
		}
		if err != nil {
			v.u.showError(err)
			return
		}
		v.mu.Lock()
		v.grid = g
		v.mu.Unlock()
		loss := g.Channel(surface.LandscapeLoss)
		lo, hi := loss.Range()
		centre := loss.Z(n/2, n/2)
		v.View.SetScene(render.Scene{Field: loss, Contours: 15, Axes: true, ColorBar: true,
			Label: "training loss", ZLabel: "loss", XLabel: "α", YLabel: "β",
			Markers: []render.Marker{{X: 0, Y: 0, Label: "θ"}},
			Title:   fmt.Sprintf("loss landscape of %s on %d training images", s.ModelSource, set.Len())})
		do(func() {
			v.Info.SetText(fmt.Sprintf("%dx%d plane θ + αδ + βη, α, β ∈ [−1, 1], seed %d: loss %.4g at θ, from %.4g to %.4g over the plane.",
				n, n, seed, centre, lo, hi))
		})
	}()
}

// Close cancels a running computation and releases the view.
func (v *LandscapeView) Close() {
	v.mu.Lock()
	if v.cancel != nil {
		v.cancel()
	}
	v.mu.Unlock()
	v.View.Close()
}
