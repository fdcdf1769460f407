package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// probeKinds maps the kind names shown to the spec kinds, with the number of images each takes,
// the format of its spec and what its Range field means (DESIGN.md's probes): random, adversarial
// and PCA planes take a half-width, mixup lines a λ range, data and flip planes none (they span
// their images; their Margin widens the box around them).
var probeKinds = []struct {
	label, kind string
	images      int
	format      string
	rangeHint   string // "" : the kind takes no range
	margin      bool   // the kind takes a margin
}{
	{"Data plane (3 images)", "data", 3, "data:I,J,K (three test images)", "", true},
	{"Mixup line (2 images)", "mixup", 2, "mixup:I,J (λ = 0 at I, 1 at J)", "λ range lo,hi, e.g. -0.5,1.5", false},
	{"Flip plane (1 image)", "flip", 1, "flip:I,SEED (I and its mirror)", "", true},
	{"Random plane (1 image)", "random", 1, "random:I,SEED (through image I)", "half-width r: s, t ∈ [−r, r]", false},
	{"Adversarial plane (1 image)", "grad", 1, "grad:I,SEED (loss gradient at I)", "half-width r: s, t ∈ [−r, r]", false},
	{"PCA plane through an image", "pca", 1, "pca:I, or pca (top two PCs)", "half-width in standard deviations", false},
}

// kindIndex returns the index in probeKinds of a spec kind, or −1.
func kindIndex(kind string) int {
	for i, k := range probeKinds {
		if k.kind == kind {
			return i
		}
	}
	return -1
}

// probePanel is the probe part of the side panel and the sampling job. The spec in the entry is
// the one source of truth: choosing a Kind rewrites the spec for that kind (keeping its images),
// and typing a spec shows its kind.
type probePanel struct {
	kind      *widget.Select
	entry     *widget.Entry
	form      *widget.Form
	specItem  *widget.FormItem // its hint: the format of the kind's spec, or what is wrong with the one typed
	span      *widget.Entry    // the range: a half-width or "lo,hi"
	margin    *widget.Entry    // data and flip planes: margin around the images, a share of their box
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
	p.kind = widget.NewSelect(labels, func(string) { u.kindChosen() })
	p.entry = widget.NewEntry()
	p.entry.OnChanged = func(string) { u.specTyped() }
	p.entry.OnSubmitted = func(string) { u.resample() }
	p.span = widget.NewEntry()
	p.span.SetPlaceHolder("default")
	p.span.OnSubmitted = func(string) { u.resample() }
	p.margin = widget.NewEntry()
	p.margin.SetPlaceHolder("0.1")
	p.margin.OnSubmitted = func(string) { u.resample() }
	p.grid = widget.NewSelect([]string{"32", "64", "128", "256"}, func(string) { u.resample() })
	p.sampleBtn = widget.NewButton("Sample", u.resample)
	p.bar = widget.NewProgressBar()
	p.job = u.jobs.Job(p.bar)
	p.entry.SetText(u.opts.Probe) // shows the kind and the hint
}

// form lays out the probe's settings, each with its tooltip.
func (u *UI) probeForm() fyne.CanvasObject {
	p := &u.probe
	extent := container.NewGridWithColumns(2,
		u.tip(p.span, "Range: random, adversarial and PCA planes take a half-width r (s, t ∈ [−r, r]);\n"+
			"mixup lines a λ range lo,hi (e.g. -0.5,1.5). Data and flip planes take none. Enter samples."),
		u.tip(p.margin, "Margin: data and flip planes widen the box around their images by this share\n"+
			"of its width and height on each side (default 0.1; 0 for none). Enter samples."))
	p.specItem = widget.NewFormItem("Probe", u.tip(p.entry, "the probe spec, as `surfscope --probe` takes it (the hint below gives its form);\n"+
		"pick images in the Gallery to fill it; Enter samples"))
	p.form = widget.NewForm(
		widget.NewFormItem("Kind", u.tip(p.kind, "the kind of probe; choosing one rewrites the probe for it, keeping its images")),
		p.specItem,
		widget.NewFormItem("Range·Margin", extent),
		widget.NewFormItem("Grid", u.tip(p.grid, "points per axis of a plane (a line gets four per grid step)")))
	u.specTyped()
	sample := container.NewBorder(nil, nil, u.tip(p.sampleBtn, "sample the probe on the current model (Enter in a probe field, Ctrl+Enter)"), nil,
		u.tip(p.bar, "sampling progress"))
	return container.NewVBox(p.form, sample)
}

// kindChosen rewrites the spec for the chosen kind, keeping the images of the spec in the entry
// (and adding the next ones when the kind takes more) and its seed.
func (u *UI) kindChosen() {
	p := &u.probe
	i := p.kind.SelectedIndex()
	if i < 0 {
		return
	}
	k := probeKinds[i]
	p.picks = nil
	old, err := projection.ParseSpec(strings.TrimSpace(p.entry.Text))
	if err == nil && old.Kind == k.kind {
		return
	}
	spec := projection.Spec{Kind: k.kind, Seed: 1}
	if err == nil {
		spec.Images = append(spec.Images, old.Images...)
		if old.Seed != 0 {
			spec.Seed = old.Seed
		}
	}
	spec.Images = fillImages(spec.Images, k.images)
	if k.kind != "random" && k.kind != "flip" && k.kind != "grad" {
		spec.Seed = 0
	}
	p.entry.SetText(spec.String()) // specTyped shows the hint
}

// fillImages returns n images: the first n of imgs, then the smallest numbers not yet used.
func fillImages(imgs []int, n int) []int {
	out := append([]int(nil), imgs[:min(len(imgs), n)]...)
	for next := 0; len(out) < n; next++ {
		used := false
		for _, i := range out {
			used = used || i == next
		}
		if !used {
			out = append(out, next)
		}
	}
	return out
}

// specTyped shows the kind of the spec in the entry and its format under it, or what is wrong.
func (u *UI) specTyped() {
	p := &u.probe
	spec, err := projection.ParseSpec(strings.TrimSpace(p.entry.Text))
	hint := ""
	if err != nil {
		hint = "⚠ " + strings.TrimPrefix(err.Error(), "probe ")
	} else if i := kindIndex(spec.Kind); i >= 0 {
		hint = probeKinds[i].format
		if p.kind.SelectedIndex() != i {
			p.kind.Selected = probeKinds[i].label // not SetSelected: that would rewrite the spec
			p.kind.Refresh()
		}
	}
	if p.specItem != nil && p.specItem.HintText != hint {
		p.specItem.HintText = hint
		p.form.Refresh()
	}
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
		spec.Seed = 1
		if old, err := projection.ParseSpec(strings.TrimSpace(p.entry.Text)); err == nil && old.Kind == k.kind {
			spec.Seed = old.Seed // keep the seed typed for this kind
		}
	}
	p.picks = nil
	p.entry.SetText(spec.String())
	u.resample()
	u.tabs.SelectIndex(0)
}

// sampling reads the probe's settings into a Sampling: the spec, the grid (a line gets four points
// per grid step), the Range and the Margin. A range or margin the kind does not take, or one that
// does not parse, is an error saying what the kind takes. The model and data are the session's
// (Session.Sample fills them in).
func (p *probePanel) sampling() (view.Sampling, error) {
	z := view.DefaultSampling()
	z.Probe = strings.TrimSpace(p.entry.Text)
	fmt.Sscan(p.grid.Selected, &z.Grid)
	z.Points = 4 * z.Grid
	spec, err := z.Spec()
	if err != nil {
		return z, err
	}
	k := probeKinds[max(kindIndex(spec.Kind), 0)]
	if r := strings.TrimSpace(p.span.Text); r != "" {
		if err := applyRange(&z, k.kind, k.rangeHint, r); err != nil {
			return z, err
		}
	}
	if m := strings.TrimSpace(p.margin.Text); m != "" {
		v, err := strconv.ParseFloat(m, 64)
		switch {
		case !k.margin:
			return z, fmt.Errorf("Margin %q: %s probes take no margin (only data and flip planes do); clear the field", m, spec.Kind)
		case err != nil || !(v >= 0) || v > 10:
			return z, fmt.Errorf("Margin %q: want a share of the box from 0 to 10, e.g. 0.1", m)
		}
		z.Margin = v
	}
	return z, z.Validate()
}

// applyRange sets the range r of a probe of the given kind: a half-width for planes that take
// one, "lo,hi" for mixup lines.
func applyRange(z *view.Sampling, kind, hint, r string) error {
	if hint == "" {
		return fmt.Errorf("Range %q: %s planes span their images and take no range; use Margin to widen the box around them, and clear Range", r, kind)
	}
	if kind == "mixup" {
		lo, hi, ok := strings.Cut(r, ",")
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if !ok || err1 != nil || err2 != nil || !(a < b) {
			return fmt.Errorf("Range %q: a mixup line takes a λ range lo,hi with lo < hi, e.g. -0.5,1.5", r)
		}
		z.From, z.To = a, b
		return nil
	}
	v, err := strconv.ParseFloat(r, 64)
	if err != nil || !(v > 0) {
		return fmt.Errorf("Range %q: a %s plane takes one positive half-width r (s, t ∈ [−r, r]), e.g. 30", r, kind)
	}
	z.Range = v
	return nil
}

// resample samples the probe in the entry on the current model in the background, cancelling a
// sample in flight, then shows it and starts its statistics. Settings that cannot be applied are
// refused with a message and nothing is sampled.
func (u *UI) resample() {
	p := &u.probe
	smp, err := p.sampling()
	if err != nil {
		u.showError(err)
		return
	}
	spec, _ := smp.Spec()
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
