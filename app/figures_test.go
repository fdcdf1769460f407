package app

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/internal/imagecmp"
	"github.com/surfscope/surfscope/provenance"
)

// exportTab writes the current tab's figure to dir as format through the export job (as the
// export dialog does) and returns the file.
func exportTab(t *testing.T, u *UI, dir, format string) string {
	t.Helper()
	f, err := u.tabFigure()
	if err != nil {
		t.Fatalf("%s tab: %v", u.currentTab(), err)
	}
	path := filepath.Join(dir, f.name+"."+format)
	u.exportWith(path, func(ctx context.Context, r *JobRun, path string) (string, error) {
		return f.write(ctx, u, r, path, format, image.Pt(480, 300))
	})
	waitFor(t, "the export of "+path, 120*time.Second, func() bool { return !u.exports.running })
	if !strings.HasPrefix(u.status.Text, "saved "+path) {
		t.Fatalf("export of %s: status %q", path, u.status.Text)
	}
	return path
}

func decodePNGFile(t *testing.T, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// Every tab exports what it shows: a PNG of its own picture at the size asked (each tab's differs
// from the others'), SVG and PDF for its 2D plots, and its data files; the 3D surface is refused as
// SVG with a hint to choose the heatmap.
func TestExportEveryTab(t *testing.T) {
	u := newTestUI(t)
	dir := t.TempDir()
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.model.form.widths.SetText("16")
	u.model.form.epochs.SetText("2")
	u.model.form.untilFit.SetChecked(false)
	test.Tap(u.model.trainBtn)
	waitFor(t, "two epochs", 120*time.Second, func() bool { return !u.model.trainBtn.Disabled() && u.session.Snapshot().ModelSource == "trained" })
	waitFor(t, "the statistics", 60*time.Second, func() bool { return u.stats.summary != nil })
	u.ntk.samples.SetSelected("250")
	u.ntk.Run()
	u.land.grid.SetSelected("11")
	u.land.images.SetSelected("500")
	u.land.span.SetText("0.5")
	u.land.Run()
	waitFor(t, "the NTK and the landscape", 240*time.Second, func() bool {
		return u.ntk.Report() != nil && u.land.Hessian() != nil && !u.land.runBtn.Disabled()
	})
	pngs := map[string]image.Image{}
	for _, tab := range []struct {
		index   int
		formats []string
	}{{0, []string{"png", "pdf"}}, {2, []string{"png", "svg", "txt", "json"}}, {4, []string{"png", "svg"}},
		{5, []string{"png", "pdf", "json"}}, {6, []string{"png", "svg", "npy", "vts", "json"}}} {
		u.tabs.SelectIndex(tab.index)
		name := u.currentTab()
		if tab.index == 0 {
			u.picture.mode.SetSelected("Heatmap") // the Surface tab's 2D view has a vector form
		}
		for _, format := range tab.formats {
			path := exportTab(t, u, dir, format)
			b, _ := os.ReadFile(path)
			head := map[string]string{"svg": "<?xml", "pdf": "%PDF-", "npy": "\x93NUMPY", "vts": "<?xml", "json": "{"}[format]
			if !bytes.HasPrefix(bytes.TrimSpace(b), []byte(head)) {
				t.Errorf("%s: %s starts %.12q", name, path, b)
			}
			if format == "png" {
				img := decodePNGFile(t, path)
				if img.Bounds().Dx() != 480 || img.Bounds().Dy() != 300 {
					t.Errorf("%s: PNG %v", name, img.Bounds())
				}
				pngs[name] = img
			}
			if format == "json" && !json.Valid(b) {
				t.Errorf("%s: invalid JSON", path)
			}
			// every file says where it came from: the export, the model trained here, what it shows
			rec, where, err := provenance.Read(path)
			action := "app: File ▸ Export Figure (" + strings.ToLower(name) + ", " + strings.ToUpper(format) + ")"
			if err != nil || rec.Action != action || len(rec.Models) != 1 || rec.Models[0].Path != provenance.Unsaved ||
				rec.Data != "sample" || rec.Metric == "" {
				t.Errorf("%s: provenance (%s, %v) %+v", path, where, err, rec)
			}
			if name == "Surface" && rec.Command == "" || name == "Landscape" && (rec.Seed == nil || len(rec.Grid) != 2) {
				t.Errorf("%s: no command, seed or grid in its provenance %+v", path, rec)
			}
		}
	}
	for a, ia := range pngs {
		for b, ib := range pngs {
			if a < b {
				if mean, _ := imagecmp.Diff(ia, ib, 24); mean < 2 {
					t.Errorf("the %s and %s exports differ by %.2f per channel only", a, b, mean)
				}
			}
		}
	}
	if txt, _ := os.ReadFile(filepath.Join(dir, "stats.txt")); !strings.Contains(string(txt), u.stats.label.Text[:20]) {
		t.Errorf("stats.txt %.60q is not the Stats tab's text", txt)
	}
	var info LandscapeInfo
	if b, _ := os.ReadFile(filepath.Join(dir, "landscape.json")); json.Unmarshal(b, &info) != nil || info.Range != 0.5 || info.Grid != 11 || info.Hessian == nil {
		t.Errorf("landscape.json: %+v", info)
	}
	// The 3D surface has no vector form: the export says what to do instead and writes nothing.
	u.tabs.SelectIndex(0)
	u.picture.mode.SetSelected("3D")
	f, _ := u.surfaceFigure()
	if _, err := f.write(context.Background(), u, nil, filepath.Join(dir, "surface3d.svg"), "svg", image.Pt(480, 300)); err == nil ||
		!strings.Contains(err.Error(), "Heatmap") {
		t.Errorf("3D surface as SVG: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "surface3d.svg")); err == nil {
		t.Error("a refused SVG was written")
	}
}

// An export cancelled from the status line writes nothing and says so.
func TestExportCancels(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	f, err := u.surfaceFigure()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "big.png")
	u.exportWith(path, func(ctx context.Context, r *JobRun, path string) (string, error) {
		return f.write(ctx, u, r, path, "png", image.Pt(2560, 1440))
	})
	if !u.exports.box.Visible() {
		t.Error("no progress and Cancel in the status line while exporting")
	}
	u.exportWith(path, func(context.Context, *JobRun, string) (string, error) { return "second", nil })
	test.Tap(u.exports.cancel)
	waitFor(t, "the cancelled export", 120*time.Second, func() bool { return !u.exports.running })
	if _, err := os.Stat(path); err == nil || !strings.Contains(u.status.Text, "cancelled") || u.exports.box.Visible() {
		t.Errorf("after Cancel: file %v, status %q", err, u.status.Text)
	}
}
