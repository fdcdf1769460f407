package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/assets/icon"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// ID is the application id (FyneApp.toml and preferences use it).
const ID = "io.github.surfscope"

// Options choose what the window opens on; zero values mean the embedded sample and model.
type Options struct {
	Model string // checkpoint or .onnx file; "" means the embedded default model
	Data  string // dataset name or folder; "" means "sample"
	Probe string // probe spec; "" means "data:0,1,2"
}

// Run opens the main window and blocks until it is closed.
func Run(opts Options) error {
	a := fyneapp.NewWithID(ID)
	a.SetIcon(fyne.NewStaticResource("icon.png", icon.PNG))
	r, err := render.New()
	if err != nil {
		return err
	}
	defer r.Close()
	ui := New(a, r, opts)
	defer ui.Close()
	ui.Window.ShowAndRun()
	return nil
}

// UI is the main window and its widgets; tests drive it through these fields.
type UI struct {
	App     fyne.App
	Window  fyne.Window
	Session *Session
	View    *SurfaceView

	Data       *widget.Select
	ModelLabel *widget.Label
	Hidden     *widget.Entry
	Epochs     *widget.Entry
	TrainBtn   *widget.Button
	CancelBtn  *widget.Button
	TrainBar   *widget.ProgressBar
	Probe      *widget.Entry
	Grid       *widget.Select
	SampleBtn  *widget.Button
	SampleBar  *widget.ProgressBar
	Class      *widget.Select
	Contours   *widget.Check
	ExportBtn  *widget.Button
	Status     *widget.Label

	renderer render.Renderer
	opts     Options
}

// New builds the main window of application a drawing with r, and starts loading the data and
// model of opts in the background.
func New(a fyne.App, r render.Renderer, opts Options) *UI {
	if opts.Data == "" {
		opts.Data = "sample"
	}
	if opts.Probe == "" {
		opts.Probe = "data:0,1,2"
	}
	u := &UI{App: a, Session: &Session{}, renderer: r, opts: opts}
	u.Window = a.NewWindow("surfscope")
	u.View = NewSurfaceView(r)
	u.View.OnError = u.showError
	u.build()
	u.Window.Resize(fyne.NewSize(1280, 800))
	u.Window.SetOnClosed(u.Close)
	go u.start()
	return u
}

// Close cancels background work.
func (u *UI) Close() {
	u.Session.Close()
	u.View.Close()
}

func (u *UI) build() {
	u.Data = widget.NewSelect([]string{"sample", "mnist", "fashion"}, func(name string) { go u.loadData(name) })
	u.ModelLabel = widget.NewLabel("")
	u.ModelLabel.Wrapping = fyne.TextWrapWord
	u.Hidden = widget.NewEntry()
	u.Hidden.SetText("128,128")
	u.Epochs = widget.NewEntry()
	u.Epochs.SetText("30")
	u.TrainBtn = widget.NewButton("Train MLP", u.train)
	u.CancelBtn = widget.NewButton("Cancel", func() { u.Session.CancelTraining() })
	u.CancelBtn.Disable()
	u.TrainBar = widget.NewProgressBar()
	u.Probe = widget.NewEntry()
	u.Probe.SetText(u.opts.Probe)
	u.Probe.OnSubmitted = func(string) { u.resample() }
	u.Grid = widget.NewSelect([]string{"32", "64", "128", "256"}, func(string) { u.resample() })
	u.SampleBtn = widget.NewButton("Sample", u.resample)
	u.SampleBar = widget.NewProgressBar()
	u.Class = widget.NewSelect(nil, func(string) { u.showGrid() })
	u.Contours = widget.NewCheck("Contour lines", func(bool) { u.showGrid() })
	u.Contours.Checked = true
	u.ExportBtn = widget.NewButton("Export PNG…", u.exportPNG)
	u.Status = widget.NewLabel("loading…")

	form := container.NewVBox(
		widget.NewLabelWithStyle("Data", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), u.Data,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Model", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), u.ModelLabel,
		widget.NewForm(widget.NewFormItem("Hidden", u.Hidden), widget.NewFormItem("Epochs", u.Epochs)),
		container.NewGridWithColumns(2, u.TrainBtn, u.CancelBtn), u.TrainBar,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Probe", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		u.Probe, widget.NewForm(widget.NewFormItem("Grid", u.Grid)), u.SampleBtn, u.SampleBar,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("View", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewForm(widget.NewFormItem("Height", u.Class)), u.Contours, u.ExportBtn,
	)
	side := container.NewVScroll(container.NewPadded(form))
	side.SetMinSize(fyne.NewSize(260, 0))
	split := container.NewHSplit(side, u.View)
	split.Offset = 0.2
	u.Window.SetContent(container.NewBorder(nil, u.Status, nil, nil, split))
}

// start loads the default data and model and samples the first probe.
func (u *UI) start() {
	if err := u.Session.SetData(u.opts.Data); err != nil {
		u.showError(err)
		return
	}
	net, err := LoadModel(u.opts.Model)
	if err != nil {
		u.showError(err)
		return
	}
	src := u.opts.Model
	if src == "" {
		src = "embedded MLP"
	}
	if err := u.Session.SetModel(net, src); err != nil {
		u.showError(err)
		return
	}
	fyne.Do(func() {
		u.Data.Selected = u.opts.Data
		u.Data.Refresh()
		u.Grid.SetSelected("64") // triggers the first sample
		u.refreshLabels()
	})
}

func (u *UI) loadData(name string) {
	if u.Session.Snapshot().Data == name {
		return
	}
	u.setStatus("loading " + name + "…")
	if err := u.Session.SetData(name); err != nil {
		u.showError(err)
		return
	}
	fyne.Do(func() { u.refreshLabels(); u.resample() })
}

func (u *UI) refreshLabels() {
	s := u.Session.Snapshot()
	title := "surfscope"
	if s.Net != nil {
		u.ModelLabel.SetText(fmt.Sprintf("%s — %s, %d parameters", s.ModelSource, describeArch(s.Net), s.Net.NumParams()))
		title += " — " + s.ModelSource
	}
	if s.Data != "" {
		title += " on " + s.Data
	}
	u.Window.SetTitle(title)
}

func describeArch(n *models.Net) string {
	a := n.Arch["arch"]
	if a == "" {
		a = "net"
	}
	if h := n.Arch["hidden"]; h != "" {
		a += " " + h
	}
	return a
}

func (u *UI) sizes() projection.Sizes {
	n := 64
	fmt.Sscan(u.Grid.Selected, &n)
	return projection.Sizes{Grid: n, Points: 4 * n}
}

// resample samples the probe in the entry on the current model, cancelling a sample in flight.
func (u *UI) resample() {
	spec, err := projection.ParseSpec(strings.TrimSpace(u.Probe.Text))
	if err != nil {
		u.showError(err)
		return
	}
	u.SampleBar.SetValue(0)
	u.Status.SetText("sampling " + spec.String() + "…")
	u.Session.Sample(spec, u.sizes(), func(done, total int) {
		fyne.Do(func() { u.SampleBar.SetValue(float64(done) / float64(total)) })
	}, func(g *surface.Grid, err error) {
		fyne.Do(func() {
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
		})
	})
}

// updateClasses fills the height choice with the classes, choosing the first anchor's class.
func (u *UI) updateClasses(g *surface.Grid) {
	s := u.Session.Snapshot()
	opts := make([]string, g.K)
	for k := range opts {
		name := fmt.Sprint(k)
		if s.Test != nil {
			name = s.Test.ClassName(k)
		}
		opts[k] = fmt.Sprintf("logit %d (%s)", k, name)
	}
	if len(u.Class.Options) != len(opts) || u.Class.SelectedIndex() < 0 {
		u.Class.Options = opts
		k := 0
		if s.Test != nil && len(s.Spec.Images) > 0 && s.Spec.Images[0] < s.Test.Len() {
			k = s.Test.Labels[s.Spec.Images[0]]
		}
		u.Class.Selected = opts[k]
		u.Class.Refresh()
	}
}

// showGrid hands the current grid to the view as a scene.
func (u *UI) showGrid() {
	s := u.Session.Snapshot()
	k := u.Class.SelectedIndex()
	if s.Grid == nil || k < 0 || k >= s.Grid.K || s.Grid.NY < 2 {
		return
	}
	contours := 0
	if u.Contours.Checked {
		contours = 12
	}
	u.View.SetScene(render.Scene{
		Field:    s.Grid.Channel(k),
		Contours: contours,
		Title:    fmt.Sprintf("%s on %s plane %s", u.Class.Selected, s.Spec.Kind, s.Spec),
	})
}

func (u *UI) train() {
	hidden, err := parseWidths(u.Hidden.Text)
	if err != nil {
		u.showError(err)
		return
	}
	epochs := 0
	if _, err := fmt.Sscan(u.Epochs.Text, &epochs); err != nil || epochs <= 0 {
		u.showError(fmt.Errorf("epochs %q: want a positive number", u.Epochs.Text))
		return
	}
	s := u.Session.Snapshot()
	if s.Train == nil {
		u.showError(errors.New("the dataset is still loading"))
		return
	}
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{s.Train.C, s.Train.H, s.Train.W},
		Classes: s.Train.Classes, Hidden: hidden}, 1)
	if err != nil {
		u.showError(err)
		return
	}
	u.TrainBtn.Disable()
	u.CancelBtn.Enable()
	u.TrainBar.SetValue(0)
	cfg := models.TrainConfig{MaxEpochs: epochs, UntilFit: true, Seed: 1}
	u.Session.Train(net, cfg, 0, func(p models.Progress) {
		fyne.Do(func() {
			if p.Batches > 0 && p.Epochs > 0 {
				u.TrainBar.SetValue((float64(p.Epoch-1) + float64(p.Batch)/float64(p.Batches)) / float64(p.Epochs))
			}
			if e := p.Done; e != nil {
				u.Status.SetText(fmt.Sprintf("epoch %d: train accuracy %.2f%%, test accuracy %.2f%%", e.Epoch, 100*e.TrainAcc, 100*e.TestAcc))
			}
		})
	}, func(net *models.Net, err error) {
		fyne.Do(func() {
			u.TrainBtn.Enable()
			u.CancelBtn.Disable()
			if err != nil && !errors.Is(err, context.Canceled) {
				u.showError(err)
				return
			}
			u.TrainBar.SetValue(1)
			u.refreshLabels()
			u.resample()
		})
	})
}

// exportPNG renders the current view at 1920x1080 and saves it where the user says.
func (u *UI) exportPNG() {
	scene, ok := u.View.Scene()
	if !ok {
		u.showError(errors.New("nothing to export yet"))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		go func() {
			img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
			if err := u.renderer.Render(img, &scene); err != nil {
				u.showError(err)
				return
			}
			if err := render.WritePNG(path, img); err != nil {
				u.showError(err)
				return
			}
			u.setStatus("saved " + path)
		}()
	}, u.Window)
	d.SetFileName("surface.png")
	d.Show()
}

func (u *UI) setStatus(s string) { fyne.Do(func() { u.Status.SetText(s) }) }

// showError shows err in a dialog; it may be called from any goroutine.
func (u *UI) showError(err error) {
	fyne.Do(func() {
		u.Status.SetText("error: " + err.Error())
		dialog.ShowError(err, u.Window)
	})
}

func parseWidths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var v int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &v); err != nil || v <= 0 {
			return nil, fmt.Errorf("hidden widths %q: want positive numbers separated by commas", s)
		}
		out = append(out, v)
	}
	return out, nil
}
