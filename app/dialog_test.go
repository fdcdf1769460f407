package app

import (
	"errors"
	"image"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/render"
)

// The error dialog opens from inside UI callbacks (a job's result, a rendered frame) without
// deadlocking: these paths hung on the old global UI lock, which the callback already held when
// the dialog asked for it again.

// dialogText returns the text of the dialog on top of the window, "" when none is open.
func dialogText(u *UI) string {
	top := u.window.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var words []string
	for _, o := range test.LaidOutObjects(top) {
		if t, ok := o.(*canvas.Text); ok && t.Visible() && t.Text != "" {
			words = append(words, t.Text)
		}
	}
	return strings.Join(words, " ")
}

// sampleProbe types spec into the probe entry once the first grid is shown, presses Sample and
// waits for the new grid.
func sampleProbe(t *testing.T, u *UI, spec string) {
	t.Helper()
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.probe.entry.SetText(spec)
	test.Tap(u.probe.sampleBtn)
	waitFor(t, spec, 60*time.Second, func() bool { return u.session.Snapshot().Spec.String() == spec })
}

// waitForDialog waits for an error dialog whose text contains want, and closes it.
func waitForDialog(t *testing.T, u *UI, want string) {
	t.Helper()
	waitFor(t, "an error dialog saying "+want, 60*time.Second, func() bool { return strings.Contains(dialogText(u), want) })
	if !strings.HasPrefix(u.status.Text, "error: ") {
		t.Errorf("status %q does not show the error", u.status.Text)
	}
	u.window.Canvas().Overlays().Top().Hide()
}

// A metric chosen on a flip plane that the next probe cannot show: the error comes from the
// sampling job's result, shown on the UI thread. Then a probe the job cannot build.
func TestErrorDialogFromTheSampleResult(t *testing.T) {
	u := newTestUI(t)
	sampleProbe(t, u, "flip:2,1")
	u.picture.metric.SetSelected("mirror difference")
	if d := dialogText(u); d != "" {
		t.Fatalf("the mirror difference of a flip plane opened a dialog: %q", d)
	}
	u.probe.entry.SetText("data:0,1,2")
	test.Tap(u.probe.sampleBtn)
	waitForDialog(t, u, "flip plane")
	if u.session.Snapshot().Spec.Kind != "data" {
		t.Error("the data plane was not kept after the failed picture")
	}

	// A probe that parses but cannot be built fails in the sampling job itself.
	u.picture.metric.SetSelected("logit")
	u.probe.entry.SetText("data:0,1,99999")
	test.Tap(u.probe.sampleBtn)
	waitForDialog(t, u, "out of range")
	if got := u.session.Snapshot().Spec.String(); got != "data:0,1,2" {
		t.Errorf("a failed probe replaced the grid's probe with %q", got)
	}
}

// A training configuration the trainer refuses (mixup α < 0): the error comes back from the
// training job, whose result also gives the buttons back.
func TestErrorDialogFromTheTrainingResult(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.model.form.widths.SetText("8")
	u.model.form.mixup.SetText("-1")
	test.Tap(u.model.trainBtn)
	waitForDialog(t, u, "bad configuration")
	if u.model.trainBtn.Disabled() || !u.model.cancelBtn.Disabled() {
		t.Error("after the failed training, Train must be enabled and Cancel disabled")
	}
	if src := u.session.Snapshot().ModelSource; src != "embedded MLP" {
		t.Errorf("a failed training replaced the model with %q", src)
	}
}

// failingRenderer draws with the CPU renderer until fail is set, then reports a backend failure.
type failingRenderer struct {
	render.Renderer
	fail atomic.Bool
}

var errInjected = errors.New("render: backend lost (injected by the test)")

func (r *failingRenderer) Render(dst *image.RGBA, s *render.Scene) error {
	if r.fail.Load() {
		return errInjected
	}
	return r.Renderer.Render(dst, s)
}

// A frame that fails to draw: the view's drawing goroutine hands the error to the UI thread.
func TestErrorDialogFromAFailedFrame(t *testing.T) {
	r := &failingRenderer{Renderer: render.NewCPU()}
	u := New(newUIThreadApp(t), r, Options{})
	t.Cleanup(u.Close)
	u.window.Resize(fyne.NewSize(900, 600))
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	waitForFrame(t, u, nil)
	r.fail.Store(true)
	u.picture.colormap.SetSelected("magma")
	u.window.Canvas().Capture()
	waitForDialog(t, u, "backend lost")
}
