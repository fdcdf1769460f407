package app

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// waitFor runs the UI thread's queue on the test goroutine (the UI thread of uiThreadApp) and
// checks cond there until it holds or the timeout passes (raceSlowdown times longer under the race
// detector).
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	timeout *= raceSlowdown
	d := fyne.CurrentApp().Driver().(*uiThreadDriver)
	deadline := time.Now().Add(timeout)
	for d.drain(); !cond(); d.drain() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// newTestUI opens the window on Fyne's test driver with the test goroutine as its UI thread
// (uiThreadApp) and closes it when the test ends.
func newTestUI(t *testing.T) *UI {
	t.Helper()
	u := New(newUIThreadApp(t), render.NewCPU(), Options{})
	t.Cleanup(u.Close)
	u.window.Resize(fyne.NewSize(900, 600))
	return u
}

// distinctColours counts the different colours of an image, a cheap "is something drawn" check.
func distinctColours(img *image.RGBA) int {
	seen := map[[3]uint8]bool{}
	for i := 0; i+3 < len(img.Pix); i += 4 * 7 {
		seen[[3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}] = true
	}
	return len(seen)
}

// waitForFrame paints the window (which asks the view for a frame) until the view has drawn one
// newer than prev.
func waitForFrame(t *testing.T, u *UI, prev *image.RGBA) *image.RGBA {
	t.Helper()
	waitFor(t, "a frame", 60*time.Second, func() bool {
		u.window.Canvas().Capture()
		f := u.surface.Frame()
		return f != nil && f != prev
	})
	return u.surface.Frame()
}

func TestStartShowsTheDefaultSurface(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	frame := waitForFrame(t, u, nil)
	if n := distinctColours(frame); n < 50 {
		t.Fatalf("the first frame has only %d colours: no surface drawn", n)
	}
	s := u.session.Snapshot()
	if s.Grid.NX != 64 || s.Grid.NY != 64 || s.Grid.K != 10 {
		t.Fatalf("grid %dx%dx%d, want 64x64x10", s.Grid.NX, s.Grid.NY, s.Grid.K)
	}
	if !strings.Contains(u.window.Title(), "embedded MLP") || !strings.Contains(u.window.Title(), "sample") {
		t.Errorf("window title %q does not say what is open", u.window.Title())
	}
	// The height shown is the logit of the first image's class.
	if want := s.Test.Labels[0]; u.picture.class.SelectedIndex() != want {
		t.Errorf("height shows class %d, want the first image's class %d", u.picture.class.SelectedIndex(), want)
	}
}

func TestDragOrbitsScrollZoomsDoubleTapResets(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	first := waitForFrame(t, u, nil)
	c := u.window.Canvas()
	pos := fyne.NewPos(600, 300) // inside the view, right of the side panel
	test.Drag(c, pos, 60, 0)
	u.surface.DragEnd()
	cam := u.surface.Camera()
	if cam.Distance == 0 || cam.Yaw == 0 {
		t.Fatalf("drag did not orbit the camera: %+v", cam)
	}
	orbited := waitForFrame(t, u, first)
	if same(first, orbited) {
		t.Fatal("the picture did not change after orbiting")
	}
	d := cam.Distance
	test.Scroll(c, pos, 0, 200)
	if got := u.surface.Camera().Distance; !(got < d) {
		t.Fatalf("scrolling up did not zoom in: distance %g → %g", d, got)
	}
	test.DoubleTap(u.surface)
	if u.surface.Camera() != (render.Camera{}) {
		t.Fatalf("double tap did not reset the camera: %+v", u.surface.Camera())
	}
}

func TestProbeEntryResamples(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.probe.entry.SetText("flip:3,7")
	test.Tap(u.probe.sampleBtn)
	waitFor(t, "the flip plane", 60*time.Second, func() bool { return u.session.Snapshot().Spec.Kind == "flip" })
	if g := u.session.Snapshot().Grid; g.Probe.Kind != "flip" || g.NX != 64 {
		t.Fatalf("grid after resampling: %+v", g.Probe.Kind)
	}
	u.probe.entry.SetText("data:1,1,2")
	test.Tap(u.probe.sampleBtn)
	waitFor(t, "an error in the status bar", 5*time.Second, func() bool { return strings.HasPrefix(u.status.Text, "error:") })
}

func TestTrainThenCancel(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.model.form.widths.SetText("32")
	u.model.form.epochs.SetText("2")
	test.Tap(u.model.trainBtn)
	if !u.model.trainBtn.Disabled() || u.model.cancelBtn.Disabled() {
		t.Fatal("while training, Train must be disabled and Cancel enabled")
	}
	waitFor(t, "training to finish", 120*time.Second, func() bool { return !u.model.trainBtn.Disabled() })
	s := u.session.Snapshot()
	if s.ModelSource != "trained" || s.Net.Arch["hidden"] != "32" {
		t.Fatalf("after training the model is %q %v", s.ModelSource, s.Net.Arch)
	}
	if fit, _, _ := s.Net.Fit(); u.model.fit.Text != "fits its training set: "+fit.String() || fit.Epochs != 2 {
		t.Errorf("badge %q after 2 epochs (%+v)", u.model.fit.Text, fit)
	}
	if !strings.Contains(u.status.Text, "epoch") && !strings.Contains(u.status.Text, "sampl") {
		t.Errorf("status %q", u.status.Text)
	}
	if sc, ok := u.model.curves.Scene(); !ok || sc.View != render.ViewLines || sc.Field == nil {
		t.Error("no training curves after training")
	} else if nx, _ := sc.Field.Dims(); nx != 2 {
		t.Errorf("training curves over %d points, want 2 epochs", nx)
	}

	// A small CNN trains through the same form.
	u.model.form.arch.SetSelected("cnn")
	u.model.form.widths.SetText("4")
	u.model.form.epochs.SetText("1")
	test.Tap(u.model.trainBtn)
	waitFor(t, "CNN training to finish", 120*time.Second, func() bool { return !u.model.trainBtn.Disabled() })
	if a := u.session.Snapshot().Net.Arch["arch"]; a != "cnn" {
		t.Fatalf("after training a CNN the model is %q", a)
	}
	u.model.form.arch.SetSelected("mlp")

	// Cancel a long run at once: the button comes back and the current model (the CNN) stays —
	// at once when the first epoch had not ended, after a question when it had (a wide MLP may
	// finish an epoch within the wait; after one epoch it does not fit its training set).
	cnn := u.session.Snapshot().Net
	u.model.form.widths.SetText("256,256")
	u.model.form.epochs.SetText("1000")
	test.Tap(u.model.trainBtn)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	test.Tap(u.model.cancelBtn)
	waitFor(t, "cancellation", 30*time.Second, func() bool { return !u.model.trainBtn.Disabled() })
	t.Logf("training stopped %v after cancel", time.Since(start))
	if b := dialogButton(u, "Keep the current model"); b != nil {
		test.Tap(b)
	}
	if u.session.Snapshot().Net != cnn || !strings.Contains(u.status.Text, "kept the current model") {
		t.Fatalf("after a cancel in epoch 1 the model is %v (status %q)", u.session.Snapshot().Net.Arch, u.status.Text)
	}
}

// dialogButton returns the button labelled text in the dialog on top of the window, or nil.
func dialogButton(u *UI, text string) *widget.Button {
	if top := u.window.Canvas().Overlays().Top(); top != nil {
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Text == text {
				return b
			}
		}
	}
	return nil
}

// A run cancelled after an epoch whose model does not fit its training set asks before that model
// replaces the current one: "Keep the current model" keeps it, "Use it" takes the unfitted model,
// whose badge then says it does not fit.
func TestCancelledUnfittedModelIsNotSilentlyUsed(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	before := u.session.Snapshot().Net
	if u.model.fit.Text != "fits its training set: yes" || u.model.fit.Importance != widget.SuccessImportance {
		t.Errorf("the embedded model's badge: %q", u.model.fit.Text)
	}
	u.model.form.widths.SetText("2") // two hidden units never fit 4000 images
	u.model.form.epochs.SetText("1000")
	for _, answer := range []string{"Keep the current model", "Use it"} {
		test.Tap(u.model.trainBtn)
		waitFor(t, "the first epoch", 120*time.Second, func() bool { return strings.HasPrefix(u.status.Text, "epoch ") })
		test.Tap(u.model.cancelBtn)
		waitFor(t, "the question", 60*time.Second, func() bool { return dialogButton(u, answer) != nil })
		if d := dialogText(u); !strings.Contains(d, "does not fit its training set") {
			t.Errorf("dialog %q", d)
		}
		if u.session.Snapshot().Net != before {
			t.Fatal("the unfitted model became current before the answer")
		}
		test.Tap(dialogButton(u, answer))
		if answer == "Use it" {
			waitFor(t, "the unfitted model and its badge", 60*time.Second, func() bool {
				return u.session.Snapshot().Net != before && strings.HasPrefix(u.model.fit.Text, "fits its training set: no (")
			})
		}
	}
	s := u.session.Snapshot()
	fit, ok, _ := s.Net.Fit()
	if !ok || fit.Fits || s.ModelSource != "trained" || !strings.HasPrefix(u.model.fit.Text, "fits its training set: no (") ||
		u.model.fit.Importance != widget.DangerImportance {
		t.Errorf("model %q, fit %+v, badge %q", s.ModelSource, fit, u.model.fit.Text)
	}
}

func same(a, b *image.RGBA) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			return false
		}
	}
	return true
}

func TestGalleryPicksAProbe(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	waitFor(t, "the gallery", 10*time.Second, func() bool { return u.gallery.Len() == galleryLimit })
	waitFor(t, "predictions", 10*time.Second, func() bool {
		u.gallery.mu.Lock()
		defer u.gallery.mu.Unlock()
		return len(u.gallery.preds) == galleryLimit
	})
	u.tabs.SelectIndex(1)
	u.probe.kind.SetSelectedIndex(1) // mixup line: two images; the spec follows the kind
	if u.probe.entry.Text != "mixup:0,1" {
		t.Fatalf("choosing a mixup line made the probe %q", u.probe.entry.Text)
	}
	u.gallery.Tap(5)
	if u.probe.entry.Text != "mixup:0,1" {
		t.Fatalf("one pick of two changed the probe to %q", u.probe.entry.Text)
	}
	u.gallery.Tap(9)
	if u.probe.entry.Text != "mixup:5,9" {
		t.Fatalf("probe %q after picking 5 and 9 for a mixup line", u.probe.entry.Text)
	}
	if u.tabs.SelectedIndex() != 0 {
		t.Error("picking the last image did not switch to the surface")
	}
	u.probe.kind.SetSelectedIndex(0)
	for _, i := range []int{3, 4, 8} {
		u.gallery.Tap(i)
	}
	if u.probe.entry.Text != "data:3,4,8" {
		t.Fatalf("probe %q after picking 3, 4, 8 for a data plane", u.probe.entry.Text)
	}
	waitFor(t, "the picked plane", 60*time.Second, func() bool { return u.session.Snapshot().Spec.String() == "data:3,4,8" })
	if cmd := u.Command(); !strings.Contains(cmd, "--probe data:3,4,8") || !strings.Contains(cmd, "--data sample") {
		t.Errorf("command line %q does not reproduce the view", cmd)
	}
	u.copyCommand()
	if got := u.app.Clipboard().Content(); got != u.Command() {
		t.Errorf("clipboard %q", got)
	}
}

func TestPreferencesRemembered(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.setTheme("light")
	if got := u.app.Preferences().String(prefTheme); got != "light" {
		t.Errorf("theme preference %q", got)
	}
	u.picture.colormap.SetSelected("magma")
	if got := u.app.Preferences().String(prefColormap); got != "magma" {
		t.Errorf("colormap preference %q", got)
	}
	if sc, _ := u.surface.Scene(); sc.Colormap == nil || sc.Colormap.Name() != "magma" {
		t.Errorf("the view does not use the chosen colormap")
	}
	u.rememberModel("/tmp/a.safetensors")
	u.rememberModel("/tmp/b.onnx")
	u.rememberModel("/tmp/a.safetensors")
	if r := u.recentModels(); len(r) != 2 || r[0] != "/tmp/a.safetensors" || r[1] != "/tmp/b.onnx" {
		t.Errorf("recent models %v", r)
	}
	u.data.choice.SetSelected("fashion")
	waitFor(t, "Fashion-MNIST", 60*time.Second, func() bool { return u.session.Snapshot().Data == "fashion" })
	if u.app.Preferences().String(prefData) != "fashion" {
		t.Error("the data set chosen is not remembered")
	}
	waitFor(t, "the title to name the data", 10*time.Second, func() bool { return strings.Contains(u.window.Title(), "fashion") })
}

func TestOpenModelErrorShowsDialogNotCrash(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.openModel("/nonexistent/model.onnx")
	waitFor(t, "the error", 10*time.Second, func() bool { return strings.Contains(u.status.Text, "model.onnx") })
	if u.session.Snapshot().ModelSource != "embedded MLP" {
		t.Error("a failed open replaced the model")
	}
}

func TestCompareTwoModelsWithLinkedCameras(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	test.Tap(u.compare.addBtn)
	other, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.compare.Add("untrained", other); err != nil {
		t.Fatal(err)
	}
	u.tabs.SelectIndex(3)
	test.Tap(u.compare.runBtn)
	waitFor(t, "three surfaces", 60*time.Second, func() bool { return len(u.compare.content.Objects) == 3 })
	a, b, diff := u.compare.views[0], u.compare.views[1], u.compare.diff
	a.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 40, DY: 10}})
	a.DragEnd()
	if a.Camera() == (render.Camera{}) || b.Camera() != a.Camera() || diff.Camera() != a.Camera() {
		t.Fatalf("cameras not linked: %+v %+v %+v", a.Camera(), b.Camera(), diff.Camera())
	}
	// One scale, axes and colour bars, the model names in the titles, statistics under each.
	sa, _ := a.Scene()
	sb, _ := b.Scene()
	if !sa.Axes || !sa.ColorBar || sa.ZMin != sb.ZMin || sa.ZMax != sb.ZMax || sa.Min != sb.Min || sa.Max != sb.Max || !(sa.ZMin < sa.ZMax) {
		t.Errorf("A: axes %v, colour bar %v, heights [%g, %g] colours [%g, %g]; B: heights [%g, %g] colours [%g, %g]",
			sa.Axes, sa.ColorBar, sa.ZMin, sa.ZMax, sa.Min, sa.Max, sb.ZMin, sb.ZMax, sb.Min, sb.Max)
	}
	if !strings.HasPrefix(sa.Title, "A) embedded MLP") || !strings.HasPrefix(sb.Title, "B) untrained") {
		t.Errorf("titles %q, %q", sa.Title, sb.Title)
	}
	if c := u.compare.captions[0].Text; !strings.Contains(c, "median") || !strings.Contains(c, "degree") {
		t.Errorf("caption under A: %q", c)
	}
	// The difference surface is A − B point by point.
	k := u.picture.class.SelectedIndex()
	ga, gb := u.compare.models[0].grid, u.compare.models[1].grid
	sd, _ := diff.Scene()
	if got, want := sd.Field.Z(3, 5), float64(ga.At(3, 5, k)-gb.At(3, 5, k)); math.Abs(got-want) > 1e-6 {
		t.Fatalf("difference %g, want %g", got, want)
	}
	// The chosen metric is drawn: probability heights in [0, 1] on both.
	u.picture.metric.SetSelected("probability")
	sa, _ = a.Scene()
	if !strings.HasPrefix(sa.Label, "p(") || sa.ZMin < 0 || sa.ZMax > 1 {
		t.Errorf("metric probability: label %q, heights [%g, %g]", sa.Label, sa.ZMin, sa.ZMax)
	}
	// Without one scale each keeps its own range.
	u.compare.shared.SetChecked(false)
	sa, _ = a.Scene()
	if sa.ZMin != 0 || sa.ZMax != 0 {
		t.Errorf("own scales: A's heights fixed at [%g, %g]", sa.ZMin, sa.ZMax)
	}
	for i := 0; i < 3; i++ {
		if err := u.compare.Add("x", other); i < 2 && err != nil || i == 2 && err == nil {
			t.Fatalf("adding model %d: %v", i+3, err)
		}
	}
}

// The whole Compare panel exports to one PNG: two pictures, the difference and their captions.
func TestExportComparison(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	test.Tap(u.compare.addBtn)
	other, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.compare.Add("untrained", other); err != nil {
		t.Fatal(err)
	}
	test.Tap(u.compare.runBtn)
	waitFor(t, "three surfaces", 60*time.Second, func() bool { return len(u.compare.content.Objects) == 3 })
	path := filepath.Join(t.TempDir(), "compare.png")
	if d := os.Getenv("SURFSCOPE_KEEP"); d != "" {
		path = filepath.Join(d, "compare.png")
	}
	if err := u.ExportComparison(path, view.PanelOptions{TileWidth: 320, TileHeight: 240, Difference: true}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the export", 60*time.Second, func() bool { return strings.HasPrefix(u.status.Text, "saved ") })
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 3*320 || cfg.Height <= 240 {
		t.Fatalf("exported %dx%d (%v): want three 320-pixel pictures in a row and captions under them", cfg.Width, cfg.Height, err)
	}
	// Its provenance names both models and a render command per tile.
	rec, _, err := provenance.Read(path)
	emb, _ := modelfile.Identify(modelfile.Embedded)
	unsaved, _ := modelfile.IdentifyUnsaved(other)
	if err != nil || len(rec.Models) != 2 || rec.Models[0] != emb || rec.Models[1] != unsaved || strings.Count(rec.Command, "surfscope render ") != 2 ||
		rec.Action != "app: Compare ▸ Export panel PNG" || rec.Probe == "" {
		t.Errorf("panel provenance %+v, %v", rec, err)
	}
}

func TestEveryMetricAndTheStatsPanel(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	waitFor(t, "the statistics", 60*time.Second, func() bool { return strings.Contains(u.stats.label.Text, "polynomial degree") })
	if !strings.Contains(u.stats.label.Text, "linear regions") || !strings.Contains(u.stats.label.Text, "Gaussian curvature") {
		t.Errorf("stats of an MLP data plane lack regions or curvature:\n%s", u.stats.label.Text)
	}
	g := u.session.Snapshot().Grid
	set := u.session.Snapshot().Test
	for _, m := range view.Metrics {
		s, err := view.Scene(g, set, view.SceneOptions{Class: 3, Metric: m})
		if m == "mirror difference" {
			if err == nil {
				t.Error("mirror difference on a data plane: no error")
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if s.Field == nil || s.Label == "" {
			t.Errorf("%s: scene without field or label", m)
		}
		if m == "predicted class" && (!s.Categorical || s.Color == nil) {
			t.Errorf("predicted class is not categorical")
		}
	}
	u.probe.entry.SetText("flip:2,1")
	test.Tap(u.probe.sampleBtn)
	waitFor(t, "the flip plane", 60*time.Second, func() bool { return u.session.Snapshot().Spec.Kind == "flip" })
	waitFor(t, "flip statistics", 60*time.Second, func() bool { return strings.Contains(u.stats.label.Text, "odd share") })
	u.picture.metric.SetSelected("mirror difference")
	sc, _ := u.surface.Scene()
	if !strings.HasPrefix(sc.Label, "|f̃(s,t) − f̃(−s,t)|, centred") {
		t.Errorf("view label %q after choosing the mirror difference", sc.Label)
	}
}

func TestWriteGridCSV(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	g := u.session.Snapshot().Grid
	path := t.TempDir() + "/g.csv"
	rec := provenance.New("surfscope sample")
	if err := WriteGridCSV(path, g, rec); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	comments := len(rec.Fields())
	if len(lines) != 1+comments+g.NX*g.NY || !strings.HasPrefix(lines[0], "s,t,logit_0,") || lines[1] != "# surfscope: "+rec.Surfscope {
		t.Fatalf("%d lines, header %q, then %q", len(lines), lines[0], lines[1])
	}
	// Row 1 + comments + j·NX + i holds point (i, j).
	f := strings.Split(lines[1+comments+2*g.NX+5], ",")
	v, _ := strconv.ParseFloat(f[2+3], 32)
	if float32(v) != g.At(5, 2, 3) {
		t.Fatalf("CSV logit_3 at (5,2) = %v, want %v", v, g.At(5, 2, 3))
	}
}

func TestAdversarialAndPCAPlanesAndRanges(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.probe.kind.SetSelectedIndex(4) // adversarial plane
	u.gallery.Tap(6)
	if u.probe.entry.Text != "grad:6,1" {
		t.Fatalf("probe %q after picking 6 for an adversarial plane", u.probe.entry.Text)
	}
	waitFor(t, "the adversarial plane", 60*time.Second, func() bool { return u.session.Snapshot().Spec.Kind == "grad" })
	g := u.session.Snapshot().Grid
	if g.Probe.Kind == "" || g.Probe.Anchors[0].Name != "#6" || g.NX != 64 {
		t.Fatalf("adversarial grid: kind %q anchors %v", g.Probe.Kind, g.Probe.Anchors)
	}
	u.probe.entry.SetText("pca")
	u.probe.span.SetText("2")
	test.Tap(u.probe.sampleBtn)
	waitFor(t, "the PCA plane", 60*time.Second, func() bool { return u.session.Snapshot().Spec.Kind == "pca" })
	u.probe.entry.SetText("mixup:1,2")
	u.probe.span.SetText("-0.5,1.5")
	test.Tap(u.probe.sampleBtn)
	waitFor(t, "the extended mixup line", 60*time.Second, func() bool { return u.session.Snapshot().Spec.Kind == "mixup" })
	if s := u.session.Snapshot().Grid.S; s[0] != -0.5 || s[len(s)-1] != 1.5 {
		t.Fatalf("mixup λ from %g to %g, want -0.5 to 1.5", s[0], s[len(s)-1])
	}
}

func TestLossLandscapeTab(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.land.grid.SetSelected("11")
	u.land.images.SetSelected("500")
	test.Tap(u.land.runBtn)
	waitFor(t, "the landscape", 120*time.Second, func() bool { return u.land.Result() != nil })
	g := u.land.Result()
	if g.NX != 11 || g.NY != 11 || g.K != 2 {
		t.Fatalf("landscape grid %dx%dx%d", g.NX, g.NY, g.K)
	}
	// The embedded model fits its training images: at θ (the centre) every one of the first 500 is
	// classified correctly and the loss is the lowest of the plane's middle row or close to it.
	centre := g.At(5, 5, surface.LandscapeAccuracy)
	if centre != 1 {
		t.Fatalf("training accuracy at θ is %g, want 1", centre)
	}
	if g.At(0, 0, surface.LandscapeLoss) <= g.At(5, 5, surface.LandscapeLoss) {
		t.Errorf("the loss at a corner (%g) is not above the loss at θ (%g)", g.At(0, 0, 0), g.At(5, 5, 0))
	}
	waitFor(t, "the summary", 10*time.Second, func() bool { return strings.Contains(u.land.info.Text, "at θ") })
	// Then the Hessian's extreme eigenvalues at θ, with their residual bounds.
	waitFor(t, "the Hessian", 120*time.Second, func() bool { return u.land.Hessian() != nil })
	h := u.land.Hessian()
	if !h.Converged || h.MinBound > 1e-4*h.Max || !(h.Max > 0) || !strings.Contains(u.land.info.Text, "λmin") {
		t.Errorf("Hessian at θ: %+v; info %q", h, u.land.info.Text)
	}
}

// The training form offers every shortcut kind, and the ResNet it builds combines its blocks as
// the kind says (the gated kinds put σ on the sides they name).
func TestShortcutChoiceOffersEveryKind(t *testing.T) {
	u := newTestUI(t)
	f := &u.model.form
	if len(f.shortcut.Options) != len(models.Shortcuts) {
		t.Fatalf("shortcut choices %v, want every kind %v", f.shortcut.Options, models.Shortcuts)
	}
	f.arch.SetSelected("resnet")
	wantGates := map[string][2]int{"gate": {0, 3}, "sgate": {3, 0}, "gate2": {3, 3}} // shortcut side, residual side
	for _, kind := range f.shortcut.Options {
		f.shortcut.SetSelected(kind)
		net, _, err := f.newNet([3]int{1, 8, 8}, 4)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		var got [2]int
		for _, nd := range net.Nodes {
			switch nd.Attr.Meta {
			case models.MetaShortcutGate:
				got[0]++
			case models.MetaResidualGate:
				got[1]++
			}
		}
		if net.Arch["shortcut"] != kind || got != wantGates[kind] {
			t.Errorf("%s: built arch %q with %v gates (shortcut, residual side), want %v", kind, net.Arch["shortcut"], got, wantGates[kind])
		}
	}
}

// A model with gates shows their saturation in the Stats tab: along the probe and over the first
// test images, gate by gate.
func TestStatsShowGateSaturation(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	// A gated MLP, out(relu(fc1 x) ⊙ σ(g x)), cheap to sample.
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	g := net.Clone().Nodes[2] // fc1's weights, scaled so that some gates saturate
	for _, p := range g.Params {
		for i := range p.Data {
			p.Data[i] *= 4
		}
	}
	g.Name = "g"
	out := net.Nodes[4]
	out.Inputs = []int{6}
	net.Nodes = append(net.Nodes[:4], g, models.Node{Name: "gate", Op: models.OpSigmoid, Inputs: []int{4}},
		models.Node{Name: "gated", Op: models.OpMul, Inputs: []int{3, 5}}, out)
	path := t.TempDir() + "/gate.safetensors"
	if err := models.Save(path, net); err != nil {
		t.Fatal(err)
	}
	u.openModel(path)
	waitFor(t, "gate statistics", 120*time.Second, func() bool {
		return strings.Count(u.stats.label.Text, "gate saturation") == 2
	})
	text := u.stats.label.Text
	for _, want := range []string{"at the probe's points", "over the first 1000 images of sample/test", "gate ", models.GateOther} {
		if !strings.Contains(text, want) {
			t.Errorf("Stats lack %q:\n%s", want, text)
		}
	}
}
