package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/assets/icon"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// ID is the application id (FyneApp.toml and preferences use it).
const ID = "io.github.surfscope"

// Options choose what the window opens on; zero values mean the last data set used (else the
// embedded sample) and the embedded model.
type Options struct {
	Model string // checkpoint or .onnx file; "" means the embedded default model
	Data  string // dataset name or folder; "" means the last one used, else "sample"
	Probe string // probe spec; "" means "data:0,1,2"
}

// Run opens the main window and blocks until it is closed.
func Run(opts Options) error {
	a := fyneapp.NewWithID(ID)
	a.SetIcon(fyne.NewStaticResource("icon.png", icon.PNG))
	applyTheme(a, a.Preferences().StringWithFallback(prefTheme, "dark"))
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
	Gallery *Gallery
	Compare *Compare
	NTK     *NTKView
	Land    *LandscapeView
	Tabs    *container.AppTabs

	Data       *widget.Select
	ModelLabel *widget.Label
	Hidden     *widget.Entry
	Epochs     *widget.Entry
	TrainBtn   *widget.Button
	CancelBtn  *widget.Button
	TrainBar   *widget.ProgressBar
	TrainForm  trainForm
	Curves     *SurfaceView

	Kind      *widget.Select
	Probe     *widget.Entry
	Seed      *widget.Entry
	Range     *widget.Entry
	Grid      *widget.Select
	SampleBtn *widget.Button
	SampleBar *widget.ProgressBar

	Class     *widget.Select
	Metric    *widget.Select
	ViewMode  *widget.RadioGroup
	Colormap  *widget.Select
	Stats     *widget.Label
	Contours  *widget.Check
	ExportBtn *widget.Button
	Status    *widget.Label

	renderer render.Renderer
	opts     Options
	picks    []int // images picked in the gallery for the next probe
}

// New builds the main window of application a drawing with r, and starts loading the data and
// model of opts in the background.
func New(a fyne.App, r render.Renderer, opts Options) *UI {
	if opts.Data == "" {
		opts.Data = a.Preferences().StringWithFallback(prefData, "sample")
	}
	if opts.Probe == "" {
		opts.Probe = "data:0,1,2"
	}
	u := &UI{App: a, Session: &Session{}, renderer: r, opts: opts}
	u.Window = a.NewWindow("surfscope")
	u.View = NewSurfaceView(r)
	u.View.OnError = u.showError
	u.Gallery = NewGallery()
	u.Gallery.OnPick = u.pick
	u.build()
	u.Window.SetMainMenu(u.mainMenu())
	u.Window.Resize(fyne.NewSize(1280, 800))
	u.Window.SetOnClosed(u.Close)
	go u.start()
	return u
}

// Close cancels background work.
func (u *UI) Close() {
	u.Session.Close()
	u.View.Close()
	u.Curves.Close()
	u.NTK.Close()
	u.Land.Close()
	for _, v := range append(u.Compare.views, u.Compare.diff) {
		v.Close()
	}
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func (u *UI) build() {
	u.Data = widget.NewSelect(dataChoices, func(name string) { go u.loadData(name) })
	u.ModelLabel = widget.NewLabel("")
	u.ModelLabel.Wrapping = fyne.TextWrapWord
	u.buildTrain()
	u.buildProbe()
	u.Class = widget.NewSelect(nil, func(string) {
		u.showGrid()
		u.Compare.refresh()
	})
	u.Metric = widget.NewSelect(view.Metrics, func(string) { u.showGrid() })
	u.Metric.Selected = "logit"
	u.ViewMode = widget.NewRadioGroup([]string{"3D", "Heatmap"}, func(string) { u.showGrid() })
	u.ViewMode.Horizontal = true
	u.ViewMode.Selected = "3D"
	u.Colormap = widget.NewSelect(render.ColormapNames(), func(name string) {
		u.App.Preferences().SetString(prefColormap, name)
		u.showGrid()
	})
	u.Colormap.Selected = u.App.Preferences().StringWithFallback(prefColormap, "viridis")
	u.Stats = widget.NewLabelWithStyle("Sample a probe to see its statistics.", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	u.Contours = widget.NewCheck("Contour lines", func(bool) { u.showGrid() })
	u.Contours.Checked = true
	u.ExportBtn = widget.NewButton("Export PNG…", u.exportPNG)
	u.Status = widget.NewLabel("loading…")

	form := container.NewVBox(
		bold("Data"), u.Data,
		widget.NewSeparator(),
		bold("Model"), u.ModelLabel, u.trainSettings(),
		container.NewGridWithColumns(2, u.TrainBtn, u.CancelBtn), u.TrainBar,
		widget.NewSeparator(),
		bold("Probe"),
		widget.NewForm(widget.NewFormItem("Kind", u.Kind), widget.NewFormItem("Probe", u.Probe),
			widget.NewFormItem("Seed", u.Seed), widget.NewFormItem("Range", u.Range), widget.NewFormItem("Grid", u.Grid)),
		u.SampleBtn, u.SampleBar,
		widget.NewSeparator(),
		bold("View"),
		widget.NewForm(widget.NewFormItem("Logit", u.Class), widget.NewFormItem("Metric", u.Metric),
			widget.NewFormItem("Colours", u.Colormap)), u.ViewMode, u.Contours, u.ExportBtn,
	)
	side := container.NewVScroll(container.NewPadded(form))
	side.SetMinSize(fyne.NewSize(270, 0))
	u.Compare = newCompare(u)
	u.NTK = NTKTab(u)
	u.Land = newLandscapeView(u)
	u.Tabs = container.NewAppTabs(
		container.NewTabItem("Surface", u.View),
		container.NewTabItem("Gallery", u.Gallery),
		container.NewTabItem("Stats", container.NewScroll(u.Stats)),
		container.NewTabItem("Compare", u.Compare.Object()),
		container.NewTabItem("Training", u.Curves),
		container.NewTabItem("NTK", u.NTK.Object()),
		container.NewTabItem("Landscape", u.Land.Object()),
	)
	split := container.NewHSplit(side, u.Tabs)
	split.Offset = 0.22
	u.Window.SetContent(container.NewBorder(nil, u.Status, nil, nil, split))
}

// start loads the data and model of the options and samples the first probe.
func (u *UI) start() {
	if err := u.Session.SetData(u.opts.Data); err != nil {
		u.showError(err)
		if u.opts.Data == "sample" {
			return
		}
		u.opts.Data = "sample"
		if err := u.Session.SetData("sample"); err != nil {
			return
		}
	}
	net, err := modelfile.Load(u.opts.Model)
	if err == nil {
		err = u.Session.SetModel(net, modelName(u.opts.Model))
	}
	if err != nil {
		u.showError(err)
		return
	}
	if !modelfile.IsEmbedded(u.opts.Model) {
		u.rememberModel(u.opts.Model)
	}
	u.afterDataOrModel()
	do(func() {
		u.Data.Selected = u.opts.Data
		u.Data.Refresh()
		u.Grid.SetSelected("64") // triggers the first sample
	})
}

// afterDataOrModel refreshes what depends on the data and model: labels, title, gallery
// predictions. It may be called from any goroutine.
func (u *UI) afterDataOrModel() {
	s := u.Session.Snapshot()
	preds := u.Session.Predictions(galleryLimit)
	do(func() {
		if u.Gallery.set != s.Test {
			u.Gallery.SetData(s.Test)
		}
		u.Gallery.SetPredictions(preds)
		u.refreshLabels()
	})
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

func (u *UI) setStatus(s string) { do(func() { u.Status.SetText(s) }) }

// showError shows err in a dialog; it may be called from any goroutine.
func (u *UI) showError(err error) {
	do(func() {
		u.Status.SetText("error: " + err.Error())
		dialog.ShowError(err, u.Window)
	})
}
