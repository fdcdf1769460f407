package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// probeKinds maps the kind names shown to the spec kinds, with the number of images each takes.
var probeKinds = []struct {
	label, kind string
	images      int
}{
	{"Data plane (3 images)", "data", 3},
	{"Mixup line (2 images)", "mixup", 2},
	{"Flip plane (1 image)", "flip", 1},
	{"Random plane (1 image)", "random", 1},
	{"Adversarial plane (1 image)", "grad", 1},
	{"PCA plane through an image", "pca", 1},
}

func (u *UI) buildProbe() {
	var labels []string
	for _, k := range probeKinds {
		labels = append(labels, k.label)
	}
	u.Kind = widget.NewSelect(labels, func(string) { u.picks = nil })
	u.Kind.SetSelectedIndex(0)
	u.Probe = widget.NewEntry()
	u.Probe.SetText(u.opts.Probe)
	u.Probe.OnSubmitted = func(string) { u.resample() }
	u.Seed = widget.NewEntry()
	u.Seed.SetText("1")
	u.Range = widget.NewEntry()
	u.Range.SetPlaceHolder("default")
	u.Grid = widget.NewSelect([]string{"32", "64", "128", "256"}, func(string) { u.resample() })
	u.SampleBtn = widget.NewButton("Sample", u.resample)
	u.SampleBar = widget.NewProgressBar()
}

// pick adds gallery image i to the images of the next probe of the chosen kind; once there are
// enough, the probe is written into the entry and sampled.
func (u *UI) pick(i int) {
	k := probeKinds[max(u.Kind.SelectedIndex(), 0)]
	u.picks = append(u.picks, i)
	if len(u.picks) > k.images {
		u.picks = u.picks[len(u.picks)-k.images:]
	}
	if len(u.picks) < k.images {
		u.Status.SetText(fmt.Sprintf("%s: picked #%v, pick %d more", k.label, u.picks, k.images-len(u.picks)))
		return
	}
	spec := projection.Spec{Kind: k.kind, Images: append([]int(nil), u.picks...)}
	if k.kind == "random" || k.kind == "flip" || k.kind == "grad" {
		seed, _ := strconv.ParseUint(strings.TrimSpace(u.Seed.Text), 10, 64)
		spec.Seed = seed
	}
	u.picks = nil
	u.Probe.SetText(spec.String())
	u.resample()
	u.Tabs.SelectIndex(0)
}

// sizes reads the grid and the range: one number is the half-width of random, adversarial and PCA
// planes (in input-space distance, standard deviations for PCA); "lo,hi" is the λ range of mixup
// lines (e.g. -0.5,1.5).
func (u *UI) sizes() projection.Sizes {
	n := 64
	fmt.Sscan(u.Grid.Selected, &n)
	z := projection.Sizes{Grid: n, Points: 4 * n}
	r := strings.TrimSpace(u.Range.Text)
	if lo, hi, ok := strings.Cut(r, ","); ok {
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 == nil && err2 == nil && a < b {
			z.Lo, z.Hi = a, b
		}
	} else if v, err := strconv.ParseFloat(r, 64); err == nil && v > 0 {
		z.Range = v
	}
	return z
}

// resample samples the probe in the entry on the current model, cancelling a sample in flight.
func (u *UI) resample() {
	spec, err := projection.ParseSpec(strings.TrimSpace(u.Probe.Text))
	if err != nil {
		u.showError(err)
		return
	}
	for i, k := range probeKinds {
		if k.kind == spec.Kind && u.Kind.SelectedIndex() != i {
			u.Kind.Selected = k.label // show the kind of a typed probe; keep the picks
			u.Kind.Refresh()
		}
	}
	u.SampleBar.SetValue(0)
	u.Status.SetText("sampling " + spec.String() + "…")
	u.Session.Sample(spec, u.sizes(), func(done, total int) {
		do(func() { u.SampleBar.SetValue(float64(done) / float64(total)) })
	}, func(g *surface.Grid, err error) {
		do(func() {
			if errors.Is(err, context.Canceled) {
				return
			}
			if err != nil {
				u.showError(err)
				return
			}
			u.updateClasses(g)
			u.showGrid()
			u.Status.SetText(fmt.Sprintf("%s: %dx%d grid sampled", spec, g.NX, g.NY))
			go u.summarize(g)
		})
	})
}

// updateClasses fills the height choice with the classes, choosing the first anchor's class.
func (u *UI) updateClasses(g *surface.Grid) {
	s := u.Session.Snapshot()
	opts := make([]string, g.K)
	for k := range opts {
		opts[k] = fmt.Sprintf("logit %d", k)
		if s.Test != nil && s.Test.ClassName(k) != strconv.Itoa(k) {
			opts[k] += " (" + s.Test.ClassName(k) + ")"
		}
	}
	k := 0
	if s.Test != nil && len(s.Spec.Images) > 0 && s.Spec.Images[0] < s.Test.Len() {
		k = s.Test.Labels[s.Spec.Images[0]]
	}
	u.Class.Options = opts
	u.Class.Selected = opts[k]
	u.Class.Refresh()
}

// showGrid hands the current grid to the view as a scene, drawn as viewState describes it (the
// same code path as `surfscope render`).
func (u *UI) showGrid() {
	s := u.Session.Snapshot()
	k := u.Class.SelectedIndex()
	if s.Grid == nil || k < 0 || k >= s.Grid.K {
		return
	}
	scene, err := u.viewState().Scene(s.Grid, s.Test)
	if err != nil {
		u.showError(err)
		return
	}
	u.View.SetScene(scene)
}

// viewState describes the Surface tab's picture: what the session sampled and how the view
// controls draw it. Its command line (Copy Command Line) draws the same picture headless.
func (u *UI) viewState() view.State {
	s := u.Session.Snapshot()
	st := view.Default()
	st.Model = u.modelPath()
	if st.Model == "" {
		st.Model = modelfile.Embedded
		if s.ModelSource != modelName("") { // trained here and not saved: no file reproduces it
			st.Model = s.ModelSource
		}
	}
	st.Data, st.Split, st.Probe = s.Data, dataset.Test, s.Spec.String()
	z := s.Sizes
	st.Grid, st.Points, st.Range = z.Grid, z.Points, z.Range
	if z.Lo != z.Hi {
		st.From, st.To = z.Lo, z.Hi
	}
	if m := u.Metric.Selected; m != "" {
		st.Metric = m
	}
	st.Class = u.Class.SelectedIndex()
	if u.ViewMode.Selected == "Heatmap" {
		st.View = "heatmap"
	}
	if _, err := render.ColormapByName(u.Colormap.Selected); err == nil {
		st.Colormap = u.Colormap.Selected
	}
	if !u.Contours.Checked {
		st.Contours = 0
	}
	st.Theme = "light"
	if r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA(); 0.2126*float64(r)+0.7152*float64(g)+0.0722*float64(b) < 0x8000 {
		st.Theme = "dark"
	}
	st.Camera = u.View.Camera()
	return st
}
