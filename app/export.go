package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// exportSizes are the screenshot resolutions offered.
var exportSizes = map[string]image.Point{
	"1280x800": {1280, 800}, "1920x1080": {1920, 1080}, "2560x1440": {2560, 1440}, "3840x2160 (4K)": {3840, 2160},
}

// exportPNG renders the current view at a chosen resolution and saves it where the user says.
func (u *UI) exportPNG() {
	scene, ok := u.View.Scene()
	if !ok {
		u.showError(errors.New("nothing to export yet"))
		return
	}
	size := widget.NewSelect([]string{"1280x800", "1920x1080", "2560x1440", "3840x2160 (4K)"}, nil)
	size.SetSelected("1920x1080")
	dialog.ShowForm("Export PNG", "Choose file…", "Cancel", []*widget.FormItem{widget.NewFormItem("Size", size)}, func(ok bool) {
		if !ok {
			return
		}
		px := exportSizes[size.Selected]
		u.saveDialog("surface.png", func(path string) {
			img := image.NewRGBA(image.Rect(0, 0, px.X, px.Y))
			scene := scene
			scene.Samples = 16
			if err := u.renderer.Render(img, &scene); err != nil {
				u.showError(err)
				return
			}
			if err := render.WritePNG(path, img); err != nil {
				u.showError(err)
				return
			}
			u.setStatus(fmt.Sprintf("saved %s (%dx%d)", path, px.X, px.Y))
		})
	}, u.Window)
}

// exportNPY saves the sampled logits as a NumPy file.
func (u *UI) exportNPY() {
	g := u.Session.Snapshot().Grid
	if g == nil {
		u.showError(errors.New("nothing sampled yet"))
		return
	}
	u.saveDialog("grid.npy", func(path string) {
		if err := surface.WriteNPY(path, g.Shape(), g.Values); err != nil {
			u.showError(err)
			return
		}
		u.setStatus(fmt.Sprintf("saved %s %v", path, g.Shape()))
	})
}

// saveDialog asks for a file name and runs save with its path in the background.
func (u *UI) saveDialog(name string, save func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		go save(path)
	}, u.Window)
	d.SetFileName(name)
	d.Show()
}

// Command returns the command line that reproduces the current view headless.
func (u *UI) Command() string { return u.viewState().CommandLine("shot.png") }

func (u *UI) modelPath() string {
	if r := u.recentModels(); len(r) > 0 && u.Session.Snapshot().ModelSource == modelName(r[0]) {
		return r[0]
	}
	return ""
}

func (u *UI) copyCommand() {
	cmd := u.Command()
	u.App.Clipboard().SetContent(cmd)
	u.Status.SetText("copied: " + cmd)
}

// exportVTS saves the shown logit as a VTK structured grid for ParaView, with every logit as a
// point array.
func (u *UI) exportVTS() {
	g := u.Session.Snapshot().Grid
	k := u.Class.SelectedIndex()
	if g == nil || g.NY < 2 || k < 0 {
		u.showError(errors.New("sample a plane first"))
		return
	}
	u.saveDialog("surface.vts", func(path string) {
		arrays := []surface.VTKArray{{Name: "logits", Components: g.K, Values: g.Values}}
		if err := surface.WriteVTS(path, g.Channel(k), arrays...); err != nil {
			u.showError(err)
			return
		}
		u.setStatus("saved " + path)
	})
}

// exportCSV saves the grid as CSV: one row per point with its coordinates and every logit.
func (u *UI) exportCSV() {
	g := u.Session.Snapshot().Grid
	if g == nil {
		u.showError(errors.New("nothing sampled yet"))
		return
	}
	u.saveDialog("grid.csv", func(path string) {
		if err := WriteGridCSV(path, g); err != nil {
			u.showError(err)
			return
		}
		u.setStatus("saved " + path)
	})
}

// exportStats saves the probe's analyses as JSON.
func (u *UI) exportStats() {
	g := u.Session.Snapshot().Grid
	if g == nil {
		u.showError(errors.New("nothing sampled yet"))
		return
	}
	u.saveDialog("summary.json", func(path string) {
		sum, err := surface.Summarize(context.Background(), g, &surface.SummaryOptions{Grader: u.Session.Evaluator()})
		if err == nil {
			err = atomicfile.Write(path, func(w io.Writer) error {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(sum)
			})
		}
		if err != nil {
			u.showError(err)
			return
		}
		u.setStatus("saved " + path)
	})
}

// WriteGridCSV writes g as CSV with a header: s, t (planes) and logit_0 … logit_{K−1}.
func WriteGridCSV(path string, g *surface.Grid) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		head := []string{"s"}
		if g.T != nil {
			head = append(head, "t")
		}
		for k := 0; k < g.K; k++ {
			head = append(head, fmt.Sprintf("logit_%d", k))
		}
		if _, err := fmt.Fprintln(w, strings.Join(head, ",")); err != nil {
			return err
		}
		row := make([]string, 0, len(head))
		for j := 0; j < g.NY; j++ {
			for i := 0; i < g.NX; i++ {
				row = append(row[:0], strconv.FormatFloat(g.S[i], 'g', 9, 64))
				if g.T != nil {
					row = append(row, strconv.FormatFloat(g.T[j], 'g', 9, 64))
				}
				for _, v := range g.Point(i, j) {
					row = append(row, strconv.FormatFloat(float64(v), 'g', 8, 32))
				}
				if _, err := fmt.Fprintln(w, strings.Join(row, ",")); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
