package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// prefExportDir remembers the folder of the last export.
const prefExportDir = "exportDir"

// exportSizeNames are the picture sizes offered, in pixels (SVG and PDF: at 96 per inch).
var exportSizeNames = []string{"1280x800", "1920x1080", "2560x1440", "3840x2160 (4K)"}

// exportsBar is the status line's part for exports: a bar and a Cancel button, shown while an
// export runs. One export runs at a time.
type exportsBar struct {
	job     *Job
	bar     *widget.ProgressBar
	cancel  *widget.Button
	box     *fyne.Container
	running bool // touched on the UI thread only
}

func (u *UI) buildExports() {
	e := &u.exports
	e.bar = widget.NewProgressBar()
	e.job = u.jobs.Job(e.bar)
	e.cancel = widget.NewButton("Cancel export", e.job.Cancel)
	e.box = container.NewHBox(container.NewGridWrap(fyne.NewSize(160, e.bar.MinSize().Height), e.bar), e.cancel)
	e.box.Hide()
}

// tabFigure returns the figure of the tab shown.
func (u *UI) tabFigure() (*figure, error) {
	switch u.currentTab() {
	case "Surface":
		return u.surfaceFigure()
	case "Stats":
		return u.statsFigure()
	case "Training":
		return u.trainingFigure()
	case "NTK":
		return u.ntkFigure()
	case "Landscape":
		return u.landscapeFigure()
	}
	return nil, fmt.Errorf("the %s tab has no figure to export; choose another tab", u.currentTab())
}

// currentTab names the tab shown.
func (u *UI) currentTab() string {
	if t := u.tabs.Selected(); t != nil {
		return t.Text
	}
	return ""
}

// exportFigure is File ▸ Export (Ctrl+E): it exports what the current tab shows. The Compare tab
// exports its whole panel through the comparison's own export (compareTab.exportPNG, issue 17);
// every other tab asks for a file, a format and a size (exportDialog).
func (u *UI) exportFigure() {
	if u.currentTab() == "Compare" {
		u.compare.exportPNG()
		return
	}
	f, err := u.tabFigure()
	if err != nil {
		u.showError(err)
		return
	}
	u.exportDialog(f)
}

// exportDialog asks where and how to export f: the file (typed, or chosen with Browse…), the
// format (the file's extension follows it, and a typed extension chooses it) and the size of
// pictures; Export or Enter in the file field starts the export job.
func (u *UI) exportDialog(f *figure) {
	dir := u.app.Preferences().StringWithFallback(prefExportDir, "")
	if dir == "" {
		dir, _ = os.UserHomeDir()
	}
	file := widget.NewEntry()
	file.SetText(filepath.Join(dir, f.name+"."+f.formats[0]))
	var labels []string
	for _, fm := range f.formats {
		labels = append(labels, formatLabels[fm])
	}
	format := widget.NewSelect(labels, nil)
	format.SetSelectedIndex(0)
	size := widget.NewSelect(exportSizeNames, nil)
	size.SetSelected("1920x1080")
	format.OnChanged = func(string) {
		fm := f.formats[max(format.SelectedIndex(), 0)]
		file.SetText(strings.TrimSuffix(file.Text, filepath.Ext(file.Text)) + "." + fm)
	}
	file.OnChanged = func(text string) { // a typed extension chooses the format
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(text), "."))
		for i, fm := range f.formats {
			if fm == ext && format.SelectedIndex() != i {
				format.Selected = labels[i]
				format.Refresh()
			}
		}
	}
	browse := widget.NewButton("Browse…", func() {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w != nil {
				file.SetText(w.URI().Path())
				w.Close()
			}
		}, u.window)
		d.SetFileName(filepath.Base(file.Text))
		d.Show()
	})
	var dlg *dialog.FormDialog
	start := func() {
		fm := f.formats[max(format.SelectedIndex(), 0)]
		var px image.Point
		fmt.Sscanf(size.Selected, "%dx%d", &px.X, &px.Y)
		path := strings.TrimSpace(file.Text)
		if path == "" {
			u.showError(errors.New("export: no file name"))
			return
		}
		dlg.Hide()
		u.app.Preferences().SetString(prefExportDir, filepath.Dir(path))
		u.exportWith(path, func(ctx context.Context, r *JobRun, path string) (string, error) {
			return f.write(ctx, u, r, path, fm, px)
		})
	}
	file.OnSubmitted = func(string) { start() }
	items := []*widget.FormItem{
		widget.NewFormItem("File", container.NewBorder(nil, nil, nil, browse, file)),
		widget.NewFormItem("Format", format),
		widget.NewFormItem("Size", size),
	}
	items[2].HintText = "pixels; SVG and PDF at 96 per inch"
	dlg = dialog.NewForm("Export "+f.name, "Export", "Cancel", items, func(ok bool) {
		if ok {
			start()
		}
	}, u.window)
	dlg.Resize(fyne.NewSize(560, 0))
	dlg.Show()
	u.window.Canvas().Focus(file)
}

// export runs save for path as the export job (see exportWith); save returns the status to show.
func (u *UI) export(path string, save func(ctx context.Context, path string) (string, error)) {
	u.exportWith(path, func(ctx context.Context, _ *JobRun, path string) (string, error) { return save(ctx, path) })
}

// exportWith runs save for path in the background as the export job: the status line shows its
// progress and a Cancel button until it ends, then its status, or its error in the error dialog.
// Files are written through temporary files, so a cancelled or failed export leaves nothing. While
// one export runs a second is refused.
func (u *UI) exportWith(path string, save func(ctx context.Context, r *JobRun, path string) (string, error)) {
	e := &u.exports
	if e.running {
		u.showError(errors.New("an export is running: wait for it, or cancel it in the status line"))
		return
	}
	e.running = true
	e.box.Show()
	u.status.SetText("saving " + path + "…")
	e.job.Start(func(ctx context.Context, r *JobRun) error {
		status, err := save(ctx, r, path)
		r.Show(func() {
			e.running = false
			e.box.Hide()
			switch {
			case errors.Is(err, context.Canceled):
				u.status.SetText("export of " + path + " cancelled")
			case err == nil:
				u.status.SetText(status)
			}
		})
		return err
	})
}
