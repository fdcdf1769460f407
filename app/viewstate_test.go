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

	"github.com/surfscope/surfscope/internal/imagecmp"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// commandState splits a copied command line as a POSIX shell does and reads its State back (the
// words between "surfscope render" and "--out FILE").
func commandState(t *testing.T, sh, cmd string) view.State {
	t.Helper()
	words, err := exec.Command(sh, "-c", "set -- "+cmd+`; for a in "$@"; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(words), "\x00"), "\x00")
	if len(args) < 4 || args[0] != "surfscope" || args[1] != "render" || args[len(args)-2] != "--out" {
		t.Fatalf("command %q", cmd)
	}
	st, err := view.ParseArgs(args[2 : len(args)-2])
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Copy Command Line reproduces the picture: for a model opened from a file, a random plane with a
// range drawn as a heatmap of the margin in magma, a mixup line of probabilities (the app samples
// 4 points per grid step, the command says how many) and an orbited 3D surface coloured by
// curvature on a symmetric scale, the copied command — split as a shell splits it, sampled and
// drawn headless — draws the app's exported PNG within the golden-image tolerance.
func TestCopyCommandDrawsTheExport(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	// Another model than the embedded one (its output layer's weights halved), in a file whose
	// name needs quoting.
	model := filepath.Join(t.TempDir(), "my model.safetensors")
	if err := models.Save(model, u.session.Snapshot().Net); err != nil {
		t.Fatal(err)
	}
	net, err := models.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Nodes[len(net.Nodes)-1].Params {
		for i := range p.Data {
			p.Data[i] *= 0.5
		}
	}
	if err := models.Save(model, net); err != nil {
		t.Fatal(err)
	}
	u.openModel(model)
	waitFor(t, "the model file", 60*time.Second, func() bool { return u.session.Snapshot().Model == model })
	cases := []struct {
		name, probe, span      string
		metric, mode, colormap string
		class                  int
		wants                  []string
		setup                  func()
	}{
		{"random plane heatmap", "random:4,2", "0.5", "margin", "Heatmap", "magma", 5,
			[]string{"--model '" + model + "'", "--metric margin", "--view heatmap", "--colormap magma", "--range 0.5", "--class 5"}, nil},
		{"mixup line", "mixup:0,1", "-0.5,1.5", "probability", "3D", "viridis", 7,
			[]string{"--metric probability", "--points 256", "--from -0.5", "--to 1.5"}, nil},
		{"orbited curvature", "data:3,5,9", "", "mean curvature", "3D", "coolwarm", 2,
			[]string{"--metric 'mean curvature'", "--colormap coolwarm", "--symmetric=true", "--camera "}, func() {
				u.picture.symmetric.SetChecked(true)
				u.surface.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 40, DY: -25}})
				u.surface.DragEnd()
			}},
	}
	for _, c := range cases {
		u.probe.span.SetText(c.span)
		u.probe.entry.SetText(c.probe)
		test.Tap(u.probe.sampleBtn)
		waitFor(t, c.name, 60*time.Second, func() bool { return u.session.Snapshot().Spec.String() == c.probe })
		u.picture.metric.SetSelected(c.metric)
		u.picture.mode.SetSelected(c.mode)
		u.picture.colormap.SetSelected(c.colormap)
		u.picture.class.SetSelectedIndex(c.class)
		if c.setup != nil {
			c.setup()
		}
		cmd := u.Command()
		for _, want := range c.wants {
			if !strings.Contains(cmd, want) {
				t.Errorf("%s: command %q lacks %s", c.name, cmd, want)
			}
		}
		u.tabs.SelectIndex(0)
		dir := t.TempDir()
		path := exportTab(t, u, dir, "png")
		exported := decodePNGFile(t, path)

		st := commandState(t, sh, cmd)
		sm, err := st.Sample(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		st.Width, st.Height = exported.Bounds().Dx(), exported.Bounds().Dy()
		headless, err := st.Render(render.NewCPU(), sm.Grid, sm.Set)
		if err != nil {
			t.Fatal(err)
		}
		if err := imagecmp.Golden.Check(headless, exported); err != nil {
			failed := filepath.Join(dir, "headless.png")
			render.WritePNG(failed, headless, provenance.Record{})
			t.Errorf("%s: the copied command's picture and the export differ: %v (%s, %s)\n%s", c.name, err, path, failed, cmd)
		}
		if c.name == "random plane heatmap" { // the comparison sees the model: the embedded one draws another picture
			st.Model = "embedded"
			sm, _ := st.Sample(t.Context(), nil)
			other, _ := st.Render(render.NewCPU(), sm.Grid, sm.Set)
			if imagecmp.Golden.Check(other, exported) == nil {
				t.Error("the embedded model draws the export of the model file: the test cannot tell models apart")
			}
		}
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
	f, err := u.surfaceFigure()
	if err != nil {
		t.Fatal(err)
	}
	st := exportState(*f.state, image.Pt(200, 120))
	path := filepath.Join(t.TempDir(), "surface.png")
	u.exportWith(path, func(ctx context.Context, r *JobRun, path string) (string, error) {
		return f.write(ctx, u, r, path, "png", image.Pt(200, 120))
	})
	waitFor(t, "the export", 60*time.Second, func() bool { return strings.HasPrefix(u.status.Text, "saved "+path) })
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	saved, err := png.Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	scene, _ := u.surface.Scene()
	scene.Samples = 16
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
	if where != "PNG text chunks" || rec.Action != "app: File ▸ Export Figure (surface, PNG)" || rec.Command != st.CommandLine(path) {
		t.Errorf("provenance in %s: action %q, command %q, want %q", where, rec.Action, rec.Command, st.CommandLine(path))
	}
	emb, _ := modelfile.Identify(modelfile.Embedded)
	if len(rec.Models) != 1 || rec.Models[0] != emb || rec.Probe != "flip:5,3" || rec.Seed == nil || *rec.Seed != 3 ||
		rec.Data != "sample" || rec.Split != "test" || rec.Metric != "mirror difference" || rec.Class == nil ||
		len(rec.Grid) != 2 || rec.Grid[0] != s.Grid.NX || rec.S[0] != s.Grid.S[0] || rec.Surfscope == "" {
		t.Errorf("provenance %+v", rec)
	}
}
