package app

import (
	"image"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// Copy Command Line gives the flags of the picture on screen: the command, split as a shell
// splits it and sampled and drawn headless, gives the view's picture pixel for pixel.
func TestCopyCommandDrawsTheView(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.Session.Snapshot().Grid != nil })
	u.Probe.SetText("random:4,2")
	u.Range.SetText("0.5")
	test.Tap(u.SampleBtn)
	waitFor(t, "the random plane", 60*time.Second, func() bool { return u.Session.Snapshot().Spec.String() == "random:4,2" })
	u.Metric.SetSelected("margin")
	u.ViewMode.SetSelected("Heatmap")
	u.Colormap.SetSelected("magma")
	u.Class.SetSelectedIndex(5)
	scene, ok := u.View.Scene()
	if !ok || scene.View != render.ViewHeatmap {
		t.Fatalf("the view shows no heatmap")
	}
	cmd := u.Command()
	for _, want := range []string{"--model embedded", "--metric margin", "--view heatmap", "--colormap magma", "--range 0.5", "--class 5", "--points 256"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("command %q lacks %s", cmd, want)
		}
	}
	words, err := exec.Command(sh, "-c", "set -- "+cmd+`; for a in "$@"; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(words), "\x00"), "\x00")
	st, err := view.ParseArgs(args[2 : len(args)-2]) // without "surfscope render" and "--out shot.png"
	if err != nil {
		t.Fatal(err)
	}

	sm, err := st.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Width, st.Height, st.Samples = 160, 100, 1
	r := render.NewCPU()
	headless, err := st.Render(r, sm.Grid, sm.Set)
	if err != nil {
		t.Fatal(err)
	}
	shown := image.NewRGBA(image.Rect(0, 0, 160, 100))
	scene.Samples = 1
	if err := r.Render(shown, &scene); err != nil {
		t.Fatal(err)
	}
	diff := 0
	for i := range shown.Pix {
		if shown.Pix[i] != headless.Pix[i] {
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%d bytes of the picture differ between the view and its command %q", diff, cmd)
	}
}
