package app

import (
	"image"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// waitFor polls cond on the test goroutine until it holds or the timeout passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	locked := func() bool {
		uiMu.Lock()
		defer uiMu.Unlock()
		return cond()
	}
	for !locked() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newTestUI(t *testing.T) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	u := New(a, render.NewCPU(), Options{})
	t.Cleanup(u.Close)
	u.Window.Resize(fyne.NewSize(900, 600))
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
		u.Window.Canvas().Capture()
		f := u.View.Frame()
		return f != nil && f != prev
	})
	return u.View.Frame()
}

func TestStartShowsTheDefaultSurface(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	frame := waitForFrame(t, u, nil)
	if n := distinctColours(frame); n < 50 {
		t.Fatalf("the first frame has only %d colours: no surface drawn", n)
	}
	s := u.Session.Snapshot()
	if s.Grid.NX != 64 || s.Grid.NY != 64 || s.Grid.K != 10 {
		t.Fatalf("grid %dx%dx%d, want 64x64x10", s.Grid.NX, s.Grid.NY, s.Grid.K)
	}
	if !strings.Contains(u.Window.Title(), "embedded MLP") || !strings.Contains(u.Window.Title(), "sample") {
		t.Errorf("window title %q does not say what is open", u.Window.Title())
	}
	// The height shown is the logit of the first image's class.
	if want := s.Test.Labels[0]; u.Class.SelectedIndex() != want {
		t.Errorf("height shows class %d, want the first image's class %d", u.Class.SelectedIndex(), want)
	}
}

func TestDragOrbitsScrollZoomsDoubleTapResets(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	first := waitForFrame(t, u, nil)
	c := u.Window.Canvas()
	pos := fyne.NewPos(600, 300) // inside the view, right of the side panel
	test.Drag(c, pos, 60, 0)
	u.View.DragEnd()
	cam := u.View.Camera()
	if cam.Distance == 0 || cam.Yaw == 0 {
		t.Fatalf("drag did not orbit the camera: %+v", cam)
	}
	orbited := waitForFrame(t, u, first)
	if same(first, orbited) {
		t.Fatal("the picture did not change after orbiting")
	}
	d := cam.Distance
	test.Scroll(c, pos, 0, 200)
	if got := u.View.Camera().Distance; !(got < d) {
		t.Fatalf("scrolling up did not zoom in: distance %g → %g", d, got)
	}
	test.DoubleTap(u.View)
	if u.View.Camera() != (render.Camera{}) {
		t.Fatalf("double tap did not reset the camera: %+v", u.View.Camera())
	}
}

func TestProbeEntryResamples(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.Probe.SetText("flip:3,7")
	test.Tap(u.SampleBtn)
	waitFor(t, "the flip plane", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.Kind == "flip" })
	if g := u.Session.Snapshot().Grid; g.Probe.Kind != "flip" || g.NX != 64 {
		t.Fatalf("grid after resampling: %+v", g.Probe.Kind)
	}
	u.Probe.SetText("data:1,1,2")
	test.Tap(u.SampleBtn)
	waitFor(t, "an error in the status bar", 5*time.Second, func() bool { return strings.HasPrefix(u.Status.Text, "error:") })
}

func TestTrainThenCancel(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.Hidden.SetText("32")
	u.Epochs.SetText("2")
	test.Tap(u.TrainBtn)
	if !u.TrainBtn.Disabled() || u.CancelBtn.Disabled() {
		t.Fatal("while training, Train must be disabled and Cancel enabled")
	}
	waitFor(t, "training to finish", 120*time.Second, func() bool { return !u.TrainBtn.Disabled() })
	s := u.Session.Snapshot()
	if s.ModelSource != "trained" || s.Net.Arch["hidden"] != "32" {
		t.Fatalf("after training the model is %q %v", s.ModelSource, s.Net.Arch)
	}
	if !strings.Contains(u.Status.Text, "epoch") && !strings.Contains(u.Status.Text, "sampl") {
		t.Errorf("status %q", u.Status.Text)
	}
	if sc, ok := u.Curves.Scene(); !ok || sc.View != render.ViewLines || sc.Field == nil {
		t.Error("no training curves after training")
	} else if nx, _ := sc.Field.Dims(); nx != 2 {
		t.Errorf("training curves over %d points, want 2 epochs", nx)
	}

	// A small CNN trains through the same form.
	u.TrainForm.Arch.SetSelected("cnn")
	u.TrainForm.Widths.SetText("4")
	u.TrainForm.Epochs.SetText("1")
	test.Tap(u.TrainBtn)
	waitFor(t, "CNN training to finish", 120*time.Second, func() bool { return !u.TrainBtn.Disabled() })
	if a := u.Session.Snapshot().Net.Arch["arch"]; a != "cnn" {
		t.Fatalf("after training a CNN the model is %q", a)
	}
	u.TrainForm.Arch.SetSelected("mlp")

	// Cancel a long run at once: the button comes back and the model stays valid.
	u.Hidden.SetText("256,256")
	u.Epochs.SetText("1000")
	test.Tap(u.TrainBtn)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	test.Tap(u.CancelBtn)
	waitFor(t, "cancellation", 30*time.Second, func() bool { return !u.TrainBtn.Disabled() })
	t.Logf("training stopped %v after cancel", time.Since(start))
	if err := u.Session.Snapshot().Net.Validate(); err != nil {
		t.Fatalf("model after cancel: %v", err)
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
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	waitFor(t, "the gallery", 10*time.Second, func() bool { return u.Gallery.Len() == galleryLimit })
	waitFor(t, "predictions", 10*time.Second, func() bool {
		u.Gallery.mu.Lock()
		defer u.Gallery.mu.Unlock()
		return len(u.Gallery.preds) == galleryLimit
	})
	u.Tabs.SelectIndex(1)
	u.Kind.SetSelectedIndex(1) // mixup line: two images
	u.Gallery.Tap(5)
	if u.Probe.Text != "data:0,1,2" {
		t.Fatalf("one pick of two changed the probe to %q", u.Probe.Text)
	}
	u.Gallery.Tap(9)
	if u.Probe.Text != "mixup:5,9" {
		t.Fatalf("probe %q after picking 5 and 9 for a mixup line", u.Probe.Text)
	}
	if u.Tabs.SelectedIndex() != 0 {
		t.Error("picking the last image did not switch to the surface")
	}
	u.Kind.SetSelectedIndex(0)
	for _, i := range []int{3, 4, 8} {
		u.Gallery.Tap(i)
	}
	if u.Probe.Text != "data:3,4,8" {
		t.Fatalf("probe %q after picking 3, 4, 8 for a data plane", u.Probe.Text)
	}
	waitFor(t, "the picked plane", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.String() == "data:3,4,8" })
	if cmd := u.Command(); !strings.Contains(cmd, "--probe data:3,4,8") || !strings.Contains(cmd, "--data sample") {
		t.Errorf("command line %q does not reproduce the view", cmd)
	}
	u.copyCommand()
	if got := u.App.Clipboard().Content(); got != u.Command() {
		t.Errorf("clipboard %q", got)
	}
}

func TestPreferencesRemembered(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.setTheme("light")
	if got := u.App.Preferences().String(prefTheme); got != "light" {
		t.Errorf("theme preference %q", got)
	}
	u.Colormap.SetSelected("magma")
	if got := u.App.Preferences().String(prefColormap); got != "magma" {
		t.Errorf("colormap preference %q", got)
	}
	if sc, _ := u.View.Scene(); sc.Colormap == nil || sc.Colormap.Name() != "magma" {
		t.Errorf("the view does not use the chosen colormap")
	}
	u.rememberModel("/tmp/a.safetensors")
	u.rememberModel("/tmp/b.onnx")
	u.rememberModel("/tmp/a.safetensors")
	if r := u.recentModels(); len(r) != 2 || r[0] != "/tmp/a.safetensors" || r[1] != "/tmp/b.onnx" {
		t.Errorf("recent models %v", r)
	}
	u.Data.SetSelected("fashion")
	waitFor(t, "Fashion-MNIST", 60*time.Second, func() bool { return u.Session.Snapshot().Data == "fashion" })
	if u.App.Preferences().String(prefData) != "fashion" {
		t.Error("the data set chosen is not remembered")
	}
	waitFor(t, "the title to name the data", 10*time.Second, func() bool { return strings.Contains(u.Window.Title(), "fashion") })
}

func TestOpenModelErrorShowsDialogNotCrash(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.openModel("/nonexistent/model.onnx")
	waitFor(t, "the error", 10*time.Second, func() bool { return strings.Contains(u.Status.Text, "model.onnx") })
	if u.Session.Snapshot().ModelSource != "embedded MLP" {
		t.Error("a failed open replaced the model")
	}
}

func TestCompareTwoModelsWithLinkedCameras(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	test.Tap(u.Compare.AddBtn)
	other, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Compare.Add("untrained", other); err != nil {
		t.Fatal(err)
	}
	u.Tabs.SelectIndex(2)
	test.Tap(u.Compare.RunBtn)
	waitFor(t, "three surfaces", 60*time.Second, func() bool { return len(u.Compare.content.Objects) == 3 })
	a, b, diff := u.Compare.views[0], u.Compare.views[1], u.Compare.diff
	a.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 40, DY: 10}})
	a.DragEnd()
	if a.Camera() == (render.Camera{}) || b.Camera() != a.Camera() || diff.Camera() != a.Camera() {
		t.Fatalf("cameras not linked: %+v %+v %+v", a.Camera(), b.Camera(), diff.Camera())
	}
	// The difference surface is A − B point by point.
	k := u.Class.SelectedIndex()
	ga, gb := u.Compare.models[0].grid, u.Compare.models[1].grid
	d := Difference(ga, gb, k)
	if got, want := d.Z(3, 5), float64(ga.At(3, 5, k)-gb.At(3, 5, k)); got != want {
		t.Fatalf("difference %g, want %g", got, want)
	}
	for i := 0; i < 3; i++ {
		if err := u.Compare.Add("x", other); i < 2 && err != nil || i == 2 && err == nil {
			t.Fatalf("adding model %d: %v", i+3, err)
		}
	}
}

func TestEveryMetricAndTheStatsPanel(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	waitFor(t, "the statistics", 60*time.Second, func() bool { return strings.Contains(u.Stats.Text, "polynomial degree") })
	if !strings.Contains(u.Stats.Text, "linear regions") || !strings.Contains(u.Stats.Text, "Gaussian curvature") {
		t.Errorf("stats of an MLP data plane lack regions or curvature:\n%s", u.Stats.Text)
	}
	g := u.Session.Snapshot().Grid
	set := u.Session.Snapshot().Test
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
	u.Probe.SetText("flip:2,1")
	test.Tap(u.SampleBtn)
	waitFor(t, "the flip plane", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.Kind == "flip" })
	waitFor(t, "flip statistics", 60*time.Second, func() bool { return strings.Contains(u.Stats.Text, "odd share") })
	u.Metric.SetSelected("mirror difference")
	sc, _ := u.View.Scene()
	if !strings.HasPrefix(sc.Label, "|f̃(s,t) − f̃(−s,t)|, centred") {
		t.Errorf("view label %q after choosing the mirror difference", sc.Label)
	}
}

func TestWriteGridCSV(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	g := u.Session.Snapshot().Grid
	path := t.TempDir() + "/g.csv"
	if err := WriteGridCSV(path, g); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1+g.NX*g.NY || !strings.HasPrefix(lines[0], "s,t,logit_0,") {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	// Row 1 + j·NX + i holds point (i, j).
	f := strings.Split(lines[1+2*g.NX+5], ",")
	v, _ := strconv.ParseFloat(f[2+3], 32)
	if float32(v) != g.At(5, 2, 3) {
		t.Fatalf("CSV logit_3 at (5,2) = %v, want %v", v, g.At(5, 2, 3))
	}
}

func TestAdversarialAndPCAPlanesAndRanges(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.Kind.SetSelectedIndex(4) // adversarial plane
	u.Gallery.Tap(6)
	if u.Probe.Text != "grad:6,1" {
		t.Fatalf("probe %q after picking 6 for an adversarial plane", u.Probe.Text)
	}
	waitFor(t, "the adversarial plane", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.Kind == "grad" })
	g := u.Session.Snapshot().Grid
	if g.Probe.Kind == "" || g.Probe.Anchors[0].Name != "#6" || g.NX != 64 {
		t.Fatalf("adversarial grid: kind %q anchors %v", g.Probe.Kind, g.Probe.Anchors)
	}
	u.Probe.SetText("pca")
	u.Range.SetText("2")
	test.Tap(u.SampleBtn)
	waitFor(t, "the PCA plane", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.Kind == "pca" })
	u.Probe.SetText("mixup:1,2")
	u.Range.SetText("-0.5,1.5")
	test.Tap(u.SampleBtn)
	waitFor(t, "the extended mixup line", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.Kind == "mixup" })
	if s := u.Session.Snapshot().Grid.S; s[0] != -0.5 || s[len(s)-1] != 1.5 {
		t.Fatalf("mixup λ from %g to %g, want -0.5 to 1.5", s[0], s[len(s)-1])
	}
}

func TestLossLandscapeTab(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.Land.Grid.SetSelected("11")
	u.Land.Images.SetSelected("500")
	test.Tap(u.Land.RunBtn)
	waitFor(t, "the landscape", 120*time.Second, func() bool { return u.Land.Result() != nil })
	g := u.Land.Result()
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
	waitFor(t, "the summary", 10*time.Second, func() bool { return strings.Contains(u.Land.Info.Text, "at θ") })
}
