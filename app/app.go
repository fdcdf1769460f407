package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/assets/icon"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/render"
)

// ID is the application id (FyneApp.toml and preferences use it).
const ID = "io.github.surfscope"

// Options choose what the window opens on; zero values mean the last data set used (else the
// embedded sample) and the embedded model.
type Options struct {
	Model string // checkpoint or .onnx file; "" means the embedded default model
	Data  string // dataset name or folder; "" means the last one used, else "sample"
	Probe string // probe spec; "" means "data:0,1,2"
	Study string // study folder to show in the Study tab (selected); "" means none
	// FirstSurface, when set, is called with the time from New to the first surface drawn in the
	// Surface tab, and the app then quits: how `surfscope bench` times the app's start.
	FirstSurface func(time.Duration)
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
	ui.window.ShowAndRun()
	return nil
}

// UI is the main window: the side panel (data, model, probe, picture), the tabs and the status
// line. Widgets are touched only on the UI thread: by their own callbacks, which Fyne runs there,
// and by background work through JobRun.Show (fyne.Do).
type UI struct {
	app      fyne.App
	window   fyne.Window
	renderer render.Renderer
	opts     Options
	session  *Session
	jobs     *Jobs

	data    dataPanel
	model   modelPanel
	probe   probePanel
	picture picturePanel
	stats   statsPanel

	exports exportsBar
	tips    *tipLayer
	// tipScroll is the side panel's scroller: the wheel over its controls scrolls it.
	tipScroll *container.Scroll

	surface  *SurfaceView
	gallery  *Gallery
	compare  *compareTab
	ntk      *ntkTab
	land     *landscapeTab
	study    *studyTab
	tabs     *container.AppTabs
	hover    hoverCard
	timeline timeline
	// pendingClass is the logit an opened session draws, set when its grid comes; −1 for none.
	pendingClass int
	status       *widget.Label
}

// New builds the main window of application a drawing with r, and starts loading the data and
// model of opts in the background. Close (or closing the window) stops all its work.
func New(a fyne.App, r render.Renderer, opts Options) *UI {
	if opts.Data == "" {
		opts.Data = a.Preferences().StringWithFallback(prefData, "sample")
	}
	if opts.Probe == "" {
		opts.Probe = "data:0,1,2"
	}
	u := &UI{app: a, session: &Session{}, renderer: r, opts: opts, pendingClass: -1}
	u.jobs = newJobs(u.showError)
	u.window = a.NewWindow("surfscope")
	u.surface = u.newSurfaceView()
	if opts.FirstSurface != nil {
		u.quitAtFirstSurface(time.Now())
	}
	u.gallery = NewGallery()
	u.gallery.OnPick = u.pick
	u.build()
	u.window.SetMainMenu(u.mainMenu())
	u.window.Resize(fyne.NewSize(1280, 800))
	u.window.SetOnClosed(u.Close)
	u.jobs.Job(nil).Start(u.start)
	if opts.Study != "" {
		u.study.Open(opts.Study)
		u.tabs.SelectIndex(len(u.tabs.Items) - 1)
	}
	return u
}

// quitAtFirstSurface reports the time since start to opts.FirstSurface when the Surface tab has
// drawn its first surface, and quits the app.
func (u *UI) quitAtFirstSurface(start time.Time) {
	var once sync.Once
	u.surface.OnFrame = func() {
		once.Do(func() {
			u.opts.FirstSurface(time.Since(start))
			fyne.Do(u.app.Quit)
		})
	}
}

// newSurfaceView returns a view drawing with the window's renderer that reports its errors in the
// window's error dialog.
func (u *UI) newSurfaceView() *SurfaceView {
	v := NewSurfaceView(u.renderer)
	v.OnError = u.showError
	return v
}

// Close cancels all background work and waits for it, then stops the views' drawing. It may be
// called more than once.
func (u *UI) Close() {
	u.jobs.Close()
	for _, v := range u.views() {
		v.Close()
	}
}

// views returns every surface view of the window.
func (u *UI) views() []*SurfaceView {
	vs := []*SurfaceView{u.surface, u.model.curves, u.ntk.spectrum, u.ntk.learn, u.land.view, u.compare.diff}
	return append(vs, u.compare.views...)
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func (u *UI) build() {
	u.tips = newTipLayer()
	u.tipScroll = container.NewVScroll(nil)
	u.buildData()
	u.buildModel()
	u.buildProbe()
	u.buildPicture()
	u.buildExports()
	u.stats = statsPanel{
		label: widget.NewLabelWithStyle("Sample a probe to see its statistics.", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}),
		job:   u.jobs.Job(nil),
	}
	u.status = widget.NewLabel("loading…")
	u.tipScroll.Content = container.NewPadded(u.sidePanel())
	u.tipScroll.SetMinSize(fyne.NewSize(280, 0))
	u.compare = newCompare(u)
	u.ntk = newNTKTab(u)
	u.land = newLandscapeTab(u)
	u.model.curves.SetScene(hintScene("Training", "No model has been trained in this window yet.\n\n"+
		"Model ▸ Train (Ctrl+T) trains the network the Training settings in the side panel\n"+
		"describe on the training split; its accuracy on the training and test splits and its\n"+
		"training loss are drawn here epoch by epoch. Cancel keeps the last finished epoch.", u.background()))
	u.study = newStudyTab(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItem("Surface", container.NewBorder(nil, u.buildTimeline(), nil, nil, u.buildHover())),
		container.NewTabItem("Gallery", u.gallery),
		container.NewTabItem("Stats", container.NewScroll(u.stats.label)),
		container.NewTabItem("Compare", u.compare.Object()),
		container.NewTabItem("Training", u.model.curves),
		container.NewTabItem("NTK", u.ntk.Object()),
		container.NewTabItem("Landscape", u.land.Object()),
		container.NewTabItem("Study", u.study.Object()),
	)
	split := container.NewHSplit(u.tipScroll, u.tabs)
	split.Offset = 0.22
	statusLine := container.NewBorder(nil, nil, nil, u.exports.box, u.status)
	u.window.SetContent(container.NewStack(container.NewBorder(nil, statusLine, nil, nil, split), u.tips.layer))
}

// sidePanel lays out the data, model, probe and view settings; at 1280×800 it fits without
// scrolling.
func (u *UI) sidePanel() fyne.CanvasObject {
	data := widget.NewForm(widget.NewFormItem("Data", u.tip(u.data.choice, "the dataset; File ▸ Open Data Folder opens any other")))
	train := container.NewBorder(nil, nil, container.NewHBox(
		u.tip(u.model.trainBtn, "train the network of the Training settings (Ctrl+T)"),
		u.tip(u.model.cancelBtn, "stop training after the current batch (Ctrl+.)"),
		u.tip(u.model.live, "while training, the Surface tab follows the net: the probe is re-sampled every few batches (at most a tenth of the training time)")),
		nil, u.tip(u.model.bar, "training progress"))
	return container.NewVBox(
		data,
		widget.NewSeparator(),
		bold("Model"), u.model.label, u.model.fit, u.modelSettings(), train,
		widget.NewSeparator(),
		bold("Probe"), u.probeForm(),
		widget.NewSeparator(),
		bold("View"), u.pictureForm(),
	)
}

// start loads the data and model of the options and samples the first probe; it is the window's
// first job.
func (u *UI) start(ctx context.Context, r *JobRun) error {
	if err := u.session.SetData(ctx, u.opts.Data); err != nil {
		if u.opts.Data == "sample" || errors.Is(err, context.Canceled) {
			return err
		}
		r.Show(func() { u.showError(err) })
		u.opts.Data = "sample"
		if err := u.session.SetData(ctx, "sample"); err != nil {
			return err
		}
	}
	net, err := modelfile.Load(u.opts.Model)
	if err == nil {
		err = u.session.SetModel(ctx, net, u.opts.Model)
	}
	if err != nil {
		return err
	}
	show := u.dataOrModelChanged()
	r.Show(func() {
		if !modelfile.IsEmbedded(u.opts.Model) {
			u.rememberModel(u.opts.Model)
		}
		show()
		u.data.choice.Selected = u.opts.Data
		u.data.choice.Refresh()
		u.probe.grid.SetSelected("64") // triggers the first sample
	})
	return nil
}

// dataOrModelChanged computes what depends on the data and model (the gallery's predictions) and
// returns the update of the labels, title and gallery, to run on the UI thread. It does engine
// work: call it from a job.
func (u *UI) dataOrModelChanged() func() {
	s := u.session.Snapshot()
	preds := u.session.Predictions(galleryLimit)
	return func() {
		if u.gallery.set != s.Test {
			u.gallery.SetData(s.Test)
		}
		u.gallery.SetPredictions(preds)
		u.refreshLabels()
	}
}

func (u *UI) refreshLabels() {
	s := u.session.Snapshot()
	title := "surfscope"
	if s.Net != nil {
		u.model.label.SetText(fmt.Sprintf("%s — %s, %d parameters", s.ModelSource, describeArch(s.Net), s.Net.NumLearned()))
		u.model.fit.SetText(fitBadge(s.Net))
		u.model.fit.Importance = fitImportance(s.Net)
		u.model.fit.Refresh()
		title += " — " + s.ModelSource
	}
	if s.Data != "" {
		title += " on " + s.Data
	}
	u.window.SetTitle(title)
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

// showError shows err in the status line and a dialog. Call it on the UI thread (work hands
// errors over through JobRun.Show, or returns them and its Job shows them).
func (u *UI) showError(err error) {
	u.status.SetText("error: " + err.Error())
	dialog.ShowError(err, u.window)
}

// fitBadge says whether net fits its training set, as its training recorded it: "fits its
// training set: yes", "… no (99.92%)", or "not recorded" (imported nets, older checkpoints).
func fitBadge(net *models.Net) string {
	fit, ok, err := net.Fit()
	if err != nil || !ok {
		return "fits its training set: not recorded"
	}
	return "fits its training set: " + fit.String()
}

// fitImportance colours the badge: success when the net fits, danger when it does not.
func fitImportance(net *models.Net) widget.Importance {
	fit, ok, err := net.Fit()
	switch {
	case err != nil || !ok:
		return widget.LowImportance
	case fit.Fits:
		return widget.SuccessImportance
	}
	return widget.DangerImportance
}
