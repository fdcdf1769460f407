package app

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// renderState draws the window's picture as its State says, small, with the CPU renderer.
func renderState(t *testing.T, u *UI) (view.State, *image.RGBA) {
	t.Helper()
	s := u.session.Snapshot()
	st := u.viewOf(s)
	st.Width, st.Height, st.Samples = 320, 200, 1
	img, err := st.Render(render.NewCPU(), s.Grid, s.Test)
	if err != nil {
		t.Fatal(err)
	}
	return st, img
}

// Save Session then Open Session gives the same picture: every setting of the State, and the
// rendered image byte for byte, after the window was changed in between.
func TestSessionRoundTrip(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	sampled := func(probe string) {
		t.Helper()
		waitFor(t, "the grid of "+probe, 60*time.Second, func() bool {
			s := u.session.Snapshot()
			return s.Grid != nil && s.Sampling.Probe == probe && !strings.HasPrefix(u.status.Text, "sampling") && !strings.HasPrefix(u.status.Text, "opening")
		})
	}
	u.probe.entry.SetText("mixup:3,8")
	u.probe.span.SetText("-0.5,1.5")
	u.probe.grid.Selected = "32"
	u.resample()
	sampled("mixup:3,8")
	u.probe.entry.SetText("random:4,7")
	u.probe.span.SetText("12")
	u.resample()
	sampled("random:4,7")
	u.picture.metric.SetSelected("gradient norm")
	u.picture.class.SetSelectedIndex(5)
	u.picture.contours.SetChecked(false)
	cam := render.Camera{}
	cam.Orbit(0.7, 0.2)
	cam.Zoom(0.8)
	u.surface.SetCamera(cam)
	u.tabs.SelectIndex(2)
	want, wantImg := renderState(t, u)

	path := filepath.Join(t.TempDir(), "session.json")
	f, err := u.sessionOf()
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSession(path, f); err != nil {
		t.Fatal(err)
	}

	// Change everything, then open the session.
	u.probe.entry.SetText("data:0,1,2")
	u.probe.span.SetText("")
	u.picture.metric.SetSelected("logit")
	u.picture.mode.SetSelected("Heatmap")
	u.picture.contours.SetChecked(true)
	u.surface.SetCamera(render.Camera{})
	u.tabs.SelectIndex(0)
	u.resample()
	sampled("data:0,1,2")
	u.openSession(path)
	sampled("random:4,7")
	waitFor(t, "the session's logit", 30*time.Second, func() bool { return u.picture.class.SelectedIndex() == 5 })
	got, gotImg := renderState(t, u)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reopened state\n%+v\nwant\n%+v", got, want)
	}
	if !bytes.Equal(gotImg.Pix, wantImg.Pix) {
		t.Error("the reopened session draws a different picture")
	}
	if u.tabs.SelectedIndex() != 2 {
		t.Errorf("tab %d after opening, want 2", u.tabs.SelectedIndex())
	}
}

// A model trained and not saved cannot be named by a session: saving says what to do. A file that
// is not a session is one error naming it.
func TestSessionErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format":"other"}`), 0o644)
	if _, err := readSession(bad); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "format") {
		t.Errorf("wrong format: %v", err)
	}
	os.WriteFile(bad, []byte(`{"format":"surfscope-session/1","state":{"metric":"nope"}}`), 0o644)
	if _, err := readSession(bad); err == nil || !strings.Contains(err.Error(), "--metric") {
		t.Errorf("bad state: %v", err)
	}
	if _, err := readSession(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}
