package app

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
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
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.probe.entry.SetText("random:4,2")
	u.probe.span.SetText("0.5")
	test.Tap(u.probe.sampleBtn)
	waitFor(t, "the random plane", 60*time.Second, func() bool { return u.session.Snapshot().Spec.String() == "random:4,2" })
	u.picture.metric.SetSelected("margin")
	u.picture.mode.SetSelected("Heatmap")
	u.picture.colormap.SetSelected("magma")
	u.picture.class.SetSelectedIndex(5)
	scene, ok := u.surface.Scene()
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

// The PNG export is drawn from the same view state as the picture on screen: after orbiting the
// camera and choosing a metric and colours, the exported file (through the export job) holds the
// view's scene drawn at the export's size, the command line carries the camera, and the file's
// text chunks say where it came from (the command that redraws it, model hash, probe, seed, …).
func TestPNGExportIsTheViewsPicture(t *testing.T) {
	u := newTestUI(t)
	sampleProbe(t, u, "flip:5,3")
	u.picture.metric.SetSelected("mirror difference")
	u.picture.colormap.SetSelected("plasma")
	u.surface.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 50, DY: -20}})
	u.surface.DragEnd()
	if !strings.Contains(u.Command(), "--camera ") {
		t.Errorf("command %q does not carry the orbited camera", u.Command())
	}
	s := u.session.Snapshot()
	st := u.viewOf(s)
	st.Width, st.Height, st.Samples = 200, 120, 1
	path := filepath.Join(t.TempDir(), "surface.png")
	u.export(path, func(ctx context.Context, path string) (string, error) { return u.writePNG(ctx, path, st, s) })
	waitFor(t, "the export", 60*time.Second, func() bool { return strings.HasPrefix(u.status.Text, "saved "+path) })
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	scene, _ := u.surface.Scene()
	scene.Samples = 1
	want := image.NewRGBA(image.Rect(0, 0, 200, 120))
	if err := render.NewCPU().Render(want, &scene); err != nil {
		t.Fatal(err)
	}
	diff := 0
	for y := 0; y < 120; y++ {
		for x := 0; x < 200; x++ {
			if color.RGBAModel.Convert(saved.At(x, y)) != want.RGBAAt(x, y) {
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%d of 24000 pixels of the export differ from the view's picture", diff)
	}
	rec, where, err := provenance.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if where != "PNG text chunks" || rec.Action != "app: File ▸ Export PNG" || rec.Command != st.CommandLine(path) {
		t.Errorf("provenance in %s: action %q, command %q, want %q", where, rec.Action, rec.Command, st.CommandLine(path))
	}
	emb, _ := modelfile.Identify(modelfile.Embedded)
	if len(rec.Models) != 1 || rec.Models[0] != emb || rec.Probe != "flip:5,3" || rec.Seed == nil || *rec.Seed != 3 ||
		rec.Data != "sample" || rec.Split != "test" || rec.Metric != "mirror difference" || rec.Class == nil ||
		len(rec.Grid) != 2 || rec.Grid[0] != s.Grid.NX || rec.S[0] != s.Grid.S[0] || rec.Surfscope == "" {
		t.Errorf("provenance %+v", rec)
	}
}
