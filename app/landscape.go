package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// landscapeTab is the parameter-space tab: the training loss of the current model over the plane
// θ + α·δ + β·η spanned by two filter-normalised Gaussian directions (Li et al., "Visualizing the
// Loss Landscape of Neural Nets", NeurIPS 2018; biases and batch-norm parameters left still).
type landscapeTab struct {
	u       *UI
	view    *SurfaceView
	grid    *widget.Select
	images  *widget.Select
	seed    *widget.Entry
	runBtn  *widget.Button
	bar     *widget.ProgressBar
	info    *widget.Label
	job     *Job
	result  *surface.Grid            // the last landscape shown
	hessian *surface.HessianSpectrum // the Hessian at its centre
}

func newLandscapeTab(u *UI) *landscapeTab {
	v := &landscapeTab{u: u, view: u.newSurfaceView(), bar: widget.NewProgressBar(),
		info: widget.NewLabel("The training loss around the current model, over two filter-normalised directions in parameter space.")}
	v.job = u.jobs.Job(v.bar)
	v.grid = widget.NewSelect([]string{"11", "21", "31", "51"}, nil)
	v.grid.SetSelected("21")
	v.images = widget.NewSelect([]string{"500", "1000", "2000"}, nil)
	v.images.SetSelected("1000")
	v.seed = widget.NewEntry()
	v.seed.SetText("1")
	v.runBtn = widget.NewButton("Compute landscape", v.Run)
	return v
}

// Object returns the tab's content.
func (v *landscapeTab) Object() fyne.CanvasObject {
	bar := container.NewHBox(widget.NewLabel("Grid"), v.grid, widget.NewLabel("Training images"), v.images,
		widget.NewLabel("Seed"), v.seed, v.runBtn)
	return container.NewBorder(container.NewVBox(bar, v.bar), v.info, nil, nil, v.view)
}

// Result returns the last landscape computed, or nil. Call it on the UI thread.
func (v *landscapeTab) Result() *surface.Grid { return v.result }

// Run computes the loss landscape of the current model in the background; a new Run cancels the
// previous one.
func (v *landscapeTab) Run() {
	s := v.u.session.Snapshot()
	if s.Net == nil || s.Train == nil {
		v.u.showError(errors.New("open a model and a dataset first"))
		return
	}
	n, _ := strconv.Atoi(v.grid.Selected)
	m, _ := strconv.Atoi(v.images.Selected)
	seed, err := strconv.ParseUint(v.seed.Text, 10, 64)
	if err != nil {
		v.u.showError(fmt.Errorf("seed %q: not a number", v.seed.Text))
		return
	}
	set := s.Train.Head(m)
	net := s.Net
	v.hessian = nil
	v.job.Start(func(ctx context.Context, r *JobRun) error {
		dirs := []surface.ParamVector{surface.FilterNormalized(net, seed, nil), surface.FilterNormalized(net, seed+1, nil)}
		coords := projection.Linspace(-1, 1, n)
		g, err := surface.LossLandscape(ctx, net, dirs, coords, coords, set.Images, set.Labels, nil, r.Progress)
		if err != nil {
			return err
		}
		loss := g.Channel(surface.LandscapeLoss)
		lo, hi := loss.Range()
		centre := loss.Z(n/2, n/2)
		scene := render.Scene{Field: loss, Contours: 15, Axes: true, ColorBar: true,
			Label: "training loss", ZLabel: "loss", XLabel: "α", YLabel: "β",
			Markers: []render.Marker{{X: 0, Y: 0, Label: "θ"}},
			Title:   fmt.Sprintf("loss landscape of %s on %d training images", s.ModelSource, set.Len())}
		text := fmt.Sprintf("%dx%d plane θ + αδ + βη, α, β ∈ [−1, 1], seed %d: loss %.4g at θ, from %.4g to %.4g over the plane.",
			n, n, seed, centre, lo, hi)
		r.Show(func() {
			v.result = g
			v.view.SetScene(scene)
			v.info.SetText(text + " Hessian at θ: computing…")
		})
		// The Hessian's extreme eigenvalues at the centre, with their residual bounds.
		h, err := surface.HessianExtremes(ctx, net, set.Images, set.Labels, nil)
		if err != nil {
			return err
		}
		r.Show(func() {
			v.hessian = &h
			v.info.SetText(text + "\nHessian at θ: " + view.HessianText(&h))
		})
		return nil
	})
}

// Hessian returns the extreme eigenvalues of the loss Hessian at the centre of the last landscape,
// or nil. Call it on the UI thread.
func (v *landscapeTab) Hessian() *surface.HessianSpectrum { return v.hessian }
