package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface/ntk"
	"github.com/surfscope/surfscope/view"
)

// ntkTab is the NTK tab: it computes the empirical neural tangent kernel of the current model on
// the first images of the test split (surface/ntk.Analyze) in the background and shows the
// eigenvalue spectrum on log-log axes with its power-law fit (and the kernel at initialisation),
// the cumulative learnability by mode, and a summary of the eigenlearning predictions against
// kernel regression and the network's own test errors.
type ntkTab struct {
	u         *UI
	spectrum  *SurfaceView
	learn     *SurfaceView
	samples   *widget.Select
	output    *widget.Select
	initial   *widget.Check
	runBtn    *widget.Button
	cancelBtn *widget.Button
	bar       *widget.ProgressBar
	summary   *widget.Label
	job       *Job
	report    *ntk.Report       // the report shown
	record    provenance.Record // what it was computed from (model, data, split), for exports
}

// newNTKTab builds the NTK tab of u; Object returns its content. The window's Close stops its work.
func newNTKTab(u *UI) *ntkTab {
	v := &ntkTab{u: u, spectrum: u.newSurfaceView(), learn: u.newSurfaceView(),
		bar: widget.NewProgressBar(), summary: widget.NewLabel("Compute the kernel of the current model on the first test images.")}
	v.job = u.jobs.Job(v.bar)
	v.summary.Wrapping = fyne.TextWrapWord
	v.samples = widget.NewSelect([]string{"250", "500", "1000", "2000"}, nil)
	v.samples.SetSelected("500")
	v.output = widget.NewSelect([]string{"mean", "sum"}, nil)
	v.output.SetSelected("mean")
	v.initial = widget.NewCheck("compare with initialisation", nil)
	v.initial.Checked = true
	v.runBtn = widget.NewButton("Compute NTK", v.Run)
	v.cancelBtn = widget.NewButton("Cancel", v.job.Cancel)
	v.cancelBtn.Disable()
	bg := u.background()
	v.spectrum.SetScene(hintScene("NTK spectrum", "Compute NTK forms the empirical neural tangent kernel of the current model\n"+
		"on the first test images and draws its eigenvalue spectrum here, with its\n"+
		"power-law fit (and the kernel at initialisation when compared).", bg))
	v.learn.SetScene(hintScene("Learnability", "The cumulative learnability by mode of the eigenlearning\n"+
		"predictions appears here, beside the target power.", bg))
	return v
}

// Object returns the tab's content.
func (v *ntkTab) Object() fyne.CanvasObject {
	u := v.u
	bar := container.NewHBox(widget.NewLabel("Samples"), u.tip(v.samples, "the kernel is formed on the first test images"),
		widget.NewLabel("Output"), u.tip(v.output, "the kernel of the mean of the logits, or of their sum"),
		u.tip(v.initial, "compare with the kernel of the same architecture at initialisation"),
		u.tip(v.runBtn, "compute the kernel, its spectrum and the eigenlearning predictions (Ctrl+Enter)"),
		u.tip(v.cancelBtn, "stop the computation"))
	plots := container.NewGridWithColumns(2, v.spectrum, v.learn)
	return container.NewBorder(container.NewVBox(bar, v.bar), v.summary, nil, nil, plots)
}

// Report returns the last report shown, or nil. Call it on the UI thread.
func (v *ntkTab) Report() *ntk.Report { return v.report }

// Run computes the kernel report of the session's model in the background; a new Run cancels the
// previous one. Errors go to the window's error dialog.
func (v *ntkTab) Run() {
	s := v.u.session.Snapshot()
	if s.Net == nil || s.Test == nil {
		v.u.showError(errors.New("ntk: no model or data is open"))
		return
	}
	n, _ := strconv.Atoi(v.samples.Selected)
	n = min(max(n, 2), s.Test.Len())
	out, err := ntk.ParseOutput(v.output.Selected)
	if err != nil {
		v.u.showError(err)
		return
	}
	opt := ntk.Options{Kernel: ntk.KernelOptions{Output: out}}
	if v.initial.Checked {
		if opt.Initial, err = ntk.Initial(s.Net); err != nil {
			v.u.showError(fmt.Errorf("%v; untick the comparison to analyse this model alone", err))
			return
		}
	}
	v.runBtn.Disable()
	v.cancelBtn.Enable()
	net, test := s.Net, s.Test
	sub := test.Head(n)
	rec := provenance.New("")
	rec.Models, rec.Data, rec.Split = []provenance.Model{s.ModelID}, view.DataProvenance(s.Data), dataset.Test
	v.job.Start(func(ctx context.Context, r *JobRun) error {
		rep, err := ntk.Analyze(ctx, net, sub.Images, sub.Labels, opt, func(stage string, done, total int) {
			r.Progress(done, max(total, 1))
			r.Show(func() { v.summary.SetText(fmt.Sprintf("%s: %d/%d", stage, done, total)) })
		})
		if err == nil {
			var m ntk.NetMetrics
			if m, err = ntk.MeasureNet(net, test.Images, test.Labels); err == nil {
				rep.Network = &m
			}
		}
		r.Show(func() {
			v.runBtn.Enable()
			v.cancelBtn.Disable()
			switch {
			case errors.Is(err, context.Canceled):
				v.summary.SetText("cancelled")
			case err != nil:
				v.summary.SetText("error: " + err.Error())
			default:
				v.show(rep)
				v.record = rec
			}
		})
		return err
	})
}

// Show displays a report (from Run or read from a file). Call it on the UI thread.
func (v *ntkTab) Show(rep *ntk.Report) { v.show(rep); v.record = provenance.Record{} }

func (v *ntkTab) show(rep *ntk.Report) {
	v.report = rep
	bg := v.u.background()
	spectrum, learn := NTKSpectrumScene(rep), NTKLearnabilityScene(rep)
	spectrum.Background, learn.Background = bg, bg
	v.spectrum.SetScene(spectrum)
	v.learn.SetScene(learn)
	v.summary.SetText(NTKSummary(rep))
}

// NTKSpectrumScene draws log₁₀ λ_i against log₁₀ i for the trained kernel, its power-law fit over
// the fitted range, and the kernel at initialisation when the report has it.
func NTKSpectrumScene(rep *ntk.Report) render.Scene {
	t := rep.Trained
	m := len(t.Eigenvalues)
	rows := [][]float64{t.Eigenvalues, powerLawLine(t, m)}
	legend := []string{"trained", "power-law fit"}
	if rep.Initial != nil {
		rows = append(rows, rep.Initial.Eigenvalues)
		legend = append(legend, "initialisation")
	}
	g := logLogGrid(m, rows)
	title := "NTK spectrum"
	if t.PowerLawErr == "" {
		title += fmt.Sprintf(": λ_i ~ i^-%.2f", t.PowerLaw.Exponent)
	}
	return render.Scene{Field: g, View: render.ViewLines, Title: title, XLabel: "log₁₀ i", YLabel: "log₁₀ λ_i", Legend: legend}
}

// powerLawLine is the fitted Scale·i^−Exponent over the fitted indices, NaN elsewhere.
func powerLawLine(t *ntk.KernelReport, m int) []float64 {
	out := make([]float64, m)
	for i := range out {
		out[i] = math.NaN()
		if k := i + 1; t.PowerLawErr == "" && k >= t.PowerLaw.From && k <= t.PowerLaw.To {
			out[i] = t.PowerLaw.Scale * math.Pow(float64(k), -t.PowerLaw.Exponent)
		}
	}
	return out
}

// logLogGrid lays rows of positive values over i = 1..m out as log₁₀ values over log₁₀ i (NaN for
// values that are not positive).
func logLogGrid(m int, rows [][]float64) *render.Grid {
	g := &render.Grid{NX: m, NY: len(rows), Values: make([]float64, m*len(rows)), Xs: make([]float64, m)}
	for i := range g.Xs {
		g.Xs[i] = math.Log10(float64(i + 1))
	}
	for j, r := range rows {
		for i, v := range r {
			g.Values[j*m+i] = math.NaN()
			if v > 0 {
				g.Values[j*m+i] = math.Log10(v)
			}
		}
	}
	return g
}

// NTKLearnabilityScene draws, over log₁₀ i, the cumulative learnability Σ_{j≤i} L_j/n of the
// trained kernel at each training size (reaching 1 without ridge: the conservation law) and the
// cumulative target power Σ_{j≤i} v_j² of the one-hot targets.
func NTKLearnabilityScene(rep *ntk.Report) render.Scene {
	t := rep.Trained
	m := len(t.Eigenvalues)
	var rows [][]float64
	var legend []string
	for _, p := range t.Sizes {
		if p.Prediction == nil {
			continue
		}
		c := ntk.CumulativeLearnability(p.Prediction)
		for i := range c {
			c[i] /= float64(p.N)
		}
		rows = append(rows, c)
		legend = append(legend, fmt.Sprintf("ΣL/n, n = %d", p.N))
	}
	power := make([]float64, m)
	acc := 0.0
	for i, v := range t.TargetPower {
		acc += v
		power[i] = acc
	}
	rows = append(rows, power)
	legend = append(legend, "target power Σv²")
	g := &render.Grid{NX: m, NY: len(rows), Values: make([]float64, 0, m*len(rows)), Xs: make([]float64, m)}
	for i := range g.Xs {
		g.Xs[i] = math.Log10(float64(i + 1))
	}
	for _, r := range rows {
		g.Values = append(g.Values, r...)
	}
	return render.Scene{Field: g, View: render.ViewLines, Title: "cumulative learnability by mode", XLabel: "log₁₀ i",
		YLabel: "fraction", Legend: legend, Min: 0, Max: 1.05}
}

// NTKSummary is the report in a few lines: the power law, each size's predicted and measured
// MSE, the kernel's change in training and the network's errors.
func NTKSummary(rep *ntk.Report) string {
	var b strings.Builder
	t := rep.Trained
	fmt.Fprintf(&b, "%s kernel on %d test images, %d parameters. ", rep.Output, rep.Samples, rep.Params)
	if t.PowerLawErr == "" {
		fmt.Fprintf(&b, "Spectrum λ_i ~ i^-%.3f over i = %d..%d (R² %.3f). ", t.PowerLaw.Exponent, t.PowerLaw.From, t.PowerLaw.To, t.PowerLaw.R2)
	}
	fmt.Fprintf(&b, "Kernel regressions draw their training samples %s. ", rep.Sampling)
	for _, p := range t.Sizes {
		if p.Prediction != nil && p.Regression != nil {
			fmt.Fprintf(&b, "n = %d: predicted MSE %.3f (held out %.3f), kernel regression %.3f ± %.3f (held out %.3f, error %.1f%%). ",
				p.N, p.Prediction.TestMSE, float64(p.Prediction.HeldOutMSE), p.Regression.MSE, float64(p.Regression.MSEStdErr),
				float64(p.Regression.HeldOutMSE), 100*float64(p.Regression.HeldOutError))
		}
	}
	if rep.Initial != nil {
		fmt.Fprintf(&b, "Training changed the kernel by %.3g (relative Frobenius), alignment with initialisation %.3f. ",
			float64(rep.RelativeChange), float64(rep.Alignment))
	}
	if m := rep.Network; m != nil {
		fmt.Fprintf(&b, "Network on %d test images: error %.2f%%, softmax MSE %.3f.", m.Images, 100*m.Error, m.SoftmaxMSE)
	}
	return b.String()
}
