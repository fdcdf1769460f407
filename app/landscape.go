package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// landscapeTab is the parameter-space tab: the training loss of the current model over the plane
// θ + α·δ + β·η spanned by two filter-normalised Gaussian directions (Li et al., "Visualizing the
// Loss Landscape of Neural Nets", NeurIPS 2018; biases and batch-norm parameters left still), and
// the extreme eigenvalues of the loss Hessian at θ.
type landscapeTab struct {
	u         *UI
	view      *SurfaceView
	grid      *widget.Select
	images    *widget.Select
	span      *widget.Entry // α and β run over [−span, span]
	seed      *widget.Entry
	runBtn    *widget.Button
	cancelBtn *widget.Button
	bar       *widget.ProgressBar
	info      *widget.Label
	job       *Job
	result    *surface.Grid            // the last landscape shown
	hessian   *surface.HessianSpectrum // the Hessian at its centre
	settings  LandscapeInfo            // how the last landscape was computed
}

// LandscapeInfo says how a landscape was computed and what was found at its centre: the Landscape
// tab's JSON export.
type LandscapeInfo struct {
	Model   string                   `json:"model"`
	Data    string                   `json:"data"`
	Images  int                      `json:"images"` // the first training images the loss averages over
	Grid    int                      `json:"grid"`   // points per axis
	Range   float64                  `json:"range"`  // α and β in [−range, range]
	Seed    uint64                   `json:"seed"`   // of the directions δ (seed) and η (seed+1)
	LossAtθ float64                  `json:"loss_at_theta"`
	LossMin float64                  `json:"loss_min"`
	LossMax float64                  `json:"loss_max"`
	Hessian *surface.HessianSpectrum `json:"hessian,omitempty"` // extreme eigenvalues at θ with their bounds

	id provenance.Model // the model's file and SHA-256, for the exports' provenance
}

func newLandscapeTab(u *UI) *landscapeTab {
	v := &landscapeTab{u: u, view: u.newSurfaceView(), bar: widget.NewProgressBar(),
		info: widget.NewLabel("The training loss around the current model, over two filter-normalised directions in parameter space.")}
	v.info.Wrapping = fyne.TextWrapWord
	v.job = u.jobs.Job(v.bar)
	v.grid = widget.NewSelect([]string{"11", "21", "31", "51"}, nil)
	v.grid.SetSelected("21")
	v.images = widget.NewSelect([]string{"500", "1000", "2000"}, nil)
	v.images.SetSelected("1000")
	v.span = widget.NewEntry()
	v.span.SetText("1")
	v.span.OnSubmitted = func(string) { v.Run() }
	v.seed = widget.NewEntry()
	v.seed.SetText("1")
	v.seed.OnSubmitted = func(string) { v.Run() }
	v.runBtn = widget.NewButton("Compute landscape", v.Run)
	v.cancelBtn = widget.NewButton("Cancel", v.job.Cancel)
	v.cancelBtn.Disable()
	v.view.SetScene(hintScene("Loss landscape", "Compute landscape draws the training loss over the plane θ + αδ + βη around the\n"+
		"current model (δ, η: random directions normalised filter by filter to θ's filters),\n"+
		"then the extreme eigenvalues of the loss Hessian at θ.\n\n"+
		"Grid: points per axis; Range: α and β run over [−range, range]; Training images: the\n"+
		"loss is their mean; Seed: of the directions. Cancel stops it; Ctrl+E exports it.", u.background()))
	return v
}

// Object returns the tab's content.
func (v *landscapeTab) Object() fyne.CanvasObject {
	u := v.u
	bar := container.NewHBox(widget.NewLabel("Grid"), u.tip(v.grid, "points per axis of the plane (α and β)"),
		widget.NewLabel("Range"), fixedWidth(u.tip(v.span, "α and β run over [−range, range], in units of the filter-normalised directions; Enter computes"), 60),
		widget.NewLabel("Training images"), u.tip(v.images, "the loss is the mean over the first training images"),
		widget.NewLabel("Seed"), fixedWidth(u.tip(v.seed, "seed of the two random directions; Enter computes"), 60),
		u.tip(v.runBtn, "compute the landscape and the Hessian at θ (Enter in a field)"), u.tip(v.cancelBtn, "stop the computation"))
	return container.NewBorder(container.NewVBox(bar, v.bar), v.info, nil, nil, v.view)
}

// Result returns the last landscape computed, or nil. Call it on the UI thread.
func (v *landscapeTab) Result() *surface.Grid { return v.result }

// Info returns how the last landscape was computed and what its centre holds. Call it on the UI
// thread.
func (v *landscapeTab) Info() LandscapeInfo {
	in := v.settings
	in.Hessian = v.hessian
	return in
}

// parseRange reads the Range field: a positive finite number.
func parseRange(text string) (float64, error) {
	r, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || !(r > 0) || math.IsInf(r, 0) {
		return 0, fmt.Errorf("landscape range %q: want a positive number (α and β run over [−range, range])", text)
	}
	return r, nil
}

// Run computes the loss landscape of the current model in the background, then the Hessian at its
// centre; a new Run cancels the previous one, and Cancel stops it.
func (v *landscapeTab) Run() {
	s := v.u.session.Snapshot()
	if s.Net == nil || s.Train == nil {
		v.u.showError(errors.New("open a model and a dataset first"))
		return
	}
	n, _ := strconv.Atoi(v.grid.Selected)
	m, _ := strconv.Atoi(v.images.Selected)
	span, err := parseRange(v.span.Text)
	if err != nil {
		v.u.showError(err)
		return
	}
	seed, err := strconv.ParseUint(strings.TrimSpace(v.seed.Text), 10, 64)
	if err != nil {
		v.u.showError(fmt.Errorf("seed %q: not a number", v.seed.Text))
		return
	}
	set := s.Train.Head(min(m, s.Train.Len()))
	v.hessian = nil
	v.runBtn.Disable()
	v.cancelBtn.Enable()
	bg := v.u.background()
	in := LandscapeInfo{Model: s.ModelSource, Data: s.Data, Images: set.Len(), Grid: n, Range: span, Seed: seed, id: s.ModelID}
	v.job.Start(func(ctx context.Context, r *JobRun) error {
		err := v.compute(ctx, r, s.Net, in, set, bg)
		r.Show(func() {
			v.runBtn.Enable()
			v.cancelBtn.Disable()
			if errors.Is(err, context.Canceled) {
				v.info.SetText(v.info.Text + " — cancelled")
			}
		})
		return err
	})
}

// compute runs one landscape and its Hessian, showing progress in the info line.
func (v *landscapeTab) compute(ctx context.Context, r *JobRun, net *models.Net, in LandscapeInfo, set *dataset.Set, bg color.Color) error {
	images, labels := set.Images, set.Labels
	n := in.Grid
	r.Show(func() {
		v.info.SetText(fmt.Sprintf("landscape: %d×%d points on %d training images…", n, n, in.Images))
	})
	dirs := []surface.ParamVector{surface.FilterNormalized(net, in.Seed, nil), surface.FilterNormalized(net, in.Seed+1, nil)}
	coords := projection.Linspace(-in.Range, in.Range, n)
	g, err := surface.LossLandscape(ctx, net, dirs, coords, coords, images, labels, nil, func(done, total int) {
		r.Progress(done, 2*total) // the first half of the bar; the Hessian takes the second
	})
	if err != nil {
		return err
	}
	loss := g.Channel(surface.LandscapeLoss)
	in.LossMin, in.LossMax = loss.Range()
	in.LossAtθ = loss.Z(n/2, n/2)
	scene := render.Scene{Field: loss, Contours: 15, Axes: true, ColorBar: true, Background: bg,
		Label: "training loss", ZLabel: "loss", XLabel: "α", YLabel: "β",
		Markers: []render.Marker{{X: 0, Y: 0, Label: "θ"}},
		Title:   "loss landscape of " + in.Model,
		Caption: fmt.Sprintf("%s · first %d training images · θ + αδ + βη, α, β ∈ [−%g, %g], %d×%d · seed %d", in.Data, in.Images, in.Range, in.Range, n, n, in.Seed)}
	text := fmt.Sprintf("%dx%d plane θ + αδ + βη, α, β ∈ [−%g, %g], seed %d: loss %.4g at θ, from %.4g to %.4g over the plane.",
		n, n, in.Range, in.Range, in.Seed, in.LossAtθ, in.LossMin, in.LossMax)
	r.Show(func() {
		v.result, v.settings = g, in
		v.view.SetScene(scene)
		v.info.SetText(text + " Hessian at θ: computing…")
	})
	h, err := surface.HessianExtremes(ctx, net, images, labels, nil)
	if err != nil {
		return err
	}
	r.Progress(1, 1)
	r.Show(func() {
		v.hessian = &h
		v.info.SetText(text + "\nHessian at θ: " + view.HessianText(&h))
	})
	return nil
}

// Hessian returns the extreme eigenvalues of the loss Hessian at the centre of the last landscape,
// or nil. Call it on the UI thread.
func (v *landscapeTab) Hessian() *surface.HessianSpectrum { return v.hessian }
