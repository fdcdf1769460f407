package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/projection"
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

// probePanel is the probe part of the side panel and the sampling job.
type probePanel struct {
	kind      *widget.Select
	entry     *widget.Entry
	seed      *widget.Entry
	span      *widget.Entry // the range: a half-width or "lo,hi"
	grid      *widget.Select
	sampleBtn *widget.Button
	bar       *widget.ProgressBar
	picks     []int // images picked in the gallery for the next probe
	job       *Job
}

func (u *UI) buildProbe() {
	p := &u.probe
	var labels []string
	for _, k := range probeKinds {
		labels = append(labels, k.label)
	}
	p.kind = widget.NewSelect(labels, func(string) { p.picks = nil })
	p.kind.SetSelectedIndex(0)
	p.entry = widget.NewEntry()
	p.entry.SetText(u.opts.Probe)
	p.entry.OnSubmitted = func(string) { u.resample() }
	p.seed = widget.NewEntry()
	p.seed.SetText("1")
	p.span = widget.NewEntry()
	p.span.SetPlaceHolder("default")
	p.grid = widget.NewSelect([]string{"32", "64", "128", "256"}, func(string) { u.resample() })
	p.sampleBtn = widget.NewButton("Sample", u.resample)
	p.bar = widget.NewProgressBar()
	p.job = u.jobs.Job(p.bar)
}

// form lays out the probe's settings.
func (p *probePanel) form() fyne.CanvasObject {
	return widget.NewForm(widget.NewFormItem("Kind", p.kind), widget.NewFormItem("Probe", p.entry),
		widget.NewFormItem("Seed", p.seed), widget.NewFormItem("Range", p.span), widget.NewFormItem("Grid", p.grid))
}

// pick adds gallery image i to the images of the next probe of the chosen kind; once there are
// enough, the probe is written into the entry and sampled.
func (u *UI) pick(i int) {
	p := &u.probe
	k := probeKinds[max(p.kind.SelectedIndex(), 0)]
	p.picks = append(p.picks, i)
	if len(p.picks) > k.images {
		p.picks = p.picks[len(p.picks)-k.images:]
	}
	if len(p.picks) < k.images {
		u.status.SetText(fmt.Sprintf("%s: picked #%v, pick %d more", k.label, p.picks, k.images-len(p.picks)))
		return
	}
	spec := projection.Spec{Kind: k.kind, Images: append([]int(nil), p.picks...)}
	if k.kind == "random" || k.kind == "flip" || k.kind == "grad" {
		seed, _ := strconv.ParseUint(strings.TrimSpace(p.seed.Text), 10, 64)
		spec.Seed = seed
	}
	p.picks = nil
	p.entry.SetText(spec.String())
	u.resample()
	u.tabs.SelectIndex(0)
}

// sampling reads the probe's settings: the spec, the grid (a line gets four points per grid step)
// and the range: one number is the half-width of random, adversarial and PCA planes (in
// input-space distance, standard deviations for PCA); "lo,hi" is the λ range of mixup lines (e.g.
// -0.5,1.5). The model and data are the session's (Session.Sample fills them in).
func (p *probePanel) sampling() view.Sampling {
	z := view.DefaultSampling()
	z.Probe = strings.TrimSpace(p.entry.Text)
	fmt.Sscan(p.grid.Selected, &z.Grid)
	z.Points = 4 * z.Grid
	r := strings.TrimSpace(p.span.Text)
	if lo, hi, ok := strings.Cut(r, ","); ok {
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 == nil && err2 == nil && a < b {
			z.From, z.To = a, b
		}
	} else if v, err := strconv.ParseFloat(r, 64); err == nil && v > 0 {
		z.Range = v
	}
	return z
}

// resample samples the probe in the entry on the current model in the background, cancelling a
// sample in flight, then shows it and starts its statistics.
func (u *UI) resample() {
	p := &u.probe
	smp := p.sampling()
	spec, err := smp.Spec()
	if err != nil {
		u.showError(err)
		return
	}
	for i, k := range probeKinds {
		if k.kind == spec.Kind && p.kind.SelectedIndex() != i {
			p.kind.Selected = k.label // show the kind of a typed probe; keep the picks
			p.kind.Refresh()
		}
	}
	u.status.SetText("sampling " + spec.String() + "…")
	p.job.Start(func(ctx context.Context, r *JobRun) error {
		g, err := u.session.Sample(ctx, smp, r.Progress)
		if err != nil {
			return err
		}
		r.Show(func() {
			u.updateClasses(g)
			u.status.SetText(fmt.Sprintf("%s: %dx%d grid sampled", spec, g.NX, g.NY))
			u.showGrid() // an error here replaces the status
			u.summarize(g)
		})
		return nil
	})
}

// updateClasses fills the height choice with the classes, choosing the first anchor's class.
func (u *UI) updateClasses(g *surface.Grid) {
	s := u.session.Snapshot()
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
	c := u.picture.class
	c.Options = opts
	c.Selected = opts[k]
	c.Refresh()
}
