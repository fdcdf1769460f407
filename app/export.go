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
	"github.com/surfscope/surfscope/view"
)

// exportSizes are the screenshot resolutions offered.
var exportSizes = map[string]image.Point{
	"1280x800": {1280, 800}, "1920x1080": {1920, 1080}, "2560x1440": {2560, 1440}, "3840x2160 (4K)": {3840, 2160},
}

// exportPNG draws the Surface tab's picture (its view state) at a chosen size and saves it where
// the user says; on the Compare tab, the comparison panel.
func (u *UI) exportPNG() {
	if t := u.tabs.Selected(); t != nil && t.Text == "Compare" {
		u.compare.exportPNG()
		return
	}
	s := u.session.Snapshot()
	if s.Grid == nil {
		u.showError(errors.New("nothing to export yet"))
		return
	}
	st := u.viewOf(s)
	size := widget.NewSelect([]string{"1280x800", "1920x1080", "2560x1440", "3840x2160 (4K)"}, nil)
	size.SetSelected("1920x1080")
	dialog.ShowForm("Export PNG", "Choose file…", "Cancel", []*widget.FormItem{widget.NewFormItem("Size", size)}, func(ok bool) {
		if !ok {
			return
		}
		px := exportSizes[size.Selected]
		st.Width, st.Height, st.Samples = px.X, px.Y, 16
		u.saveDialog("surface.png", func(ctx context.Context, path string) (string, error) {
			return u.writePNG(ctx, path, st, s)
		})
	}, u.window)
}

// writePNG draws st's picture of s's grid and writes it to path; it returns the status to show.
func (u *UI) writePNG(ctx context.Context, path string, st view.State, s Snapshot) (string, error) {
	img, err := st.Render(u.renderer, s.Grid, s.Test)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := render.WritePNG(path, img); err != nil {
		return "", err
	}
	return fmt.Sprintf("saved %s (%dx%d)", path, st.Width, st.Height), nil
}

// exportNPY saves the sampled logits as a NumPy file.
func (u *UI) exportNPY() {
	u.exportGrid("grid.npy", func(ctx context.Context, path string, g *surface.Grid) (string, error) {
		return fmt.Sprint(" ", g.Shape()), surface.WriteNPY(path, g.Shape(), g.Values)
	})
}

// exportGrid asks where to save the session's grid and runs save with it as an export job; save
// returns what to add to the status "saved PATH".
func (u *UI) exportGrid(name string, save func(ctx context.Context, path string, g *surface.Grid) (string, error)) {
	g := u.session.Snapshot().Grid
	if g == nil {
		u.showError(errors.New("nothing sampled yet"))
		return
	}
	u.saveDialog(name, func(ctx context.Context, path string) (string, error) {
		detail, err := save(ctx, path, g)
		if err != nil {
			return "", err
		}
		return "saved " + path + detail, nil
	})
}

// saveDialog asks for a file name and runs save with its path as a job of its own (a second
// export does not cancel the first; closing the window does). save returns the status to show.
func (u *UI) saveDialog(name string, save func(ctx context.Context, path string) (string, error)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.export(path, save)
	}, u.window)
	d.SetFileName(name)
	d.Show()
}

// export runs save for path in the background and shows its status or its error.
func (u *UI) export(path string, save func(ctx context.Context, path string) (string, error)) {
	u.status.SetText("saving " + path + "…")
	u.jobs.Job(nil).Start(func(ctx context.Context, r *JobRun) error {
		status, err := save(ctx, path)
		if err != nil {
			return err
		}
		r.Show(func() { u.status.SetText(status) })
		return nil
	})
}

// Command returns the command line that draws the Surface tab's picture headless.
func (u *UI) Command() string { return u.viewState().CommandLine("shot.png") }

func (u *UI) copyCommand() {
	cmd := u.Command()
	u.app.Clipboard().SetContent(cmd)
	u.status.SetText("copied: " + cmd)
}

// exportVTS saves the shown logit as a VTK structured grid for ParaView, with every logit as a
// point array.
func (u *UI) exportVTS() {
	s := u.session.Snapshot()
	g := s.Grid
	if g == nil || g.NY < 2 {
		u.showError(errors.New("sample a plane first"))
		return
	}
	k, err := u.viewOf(s).ClassOf(g, s.Test)
	if err != nil {
		u.showError(err)
		return
	}
	u.saveDialog("surface.vts", func(ctx context.Context, path string) (string, error) {
		arrays := []surface.VTKArray{{Name: "logits", Components: g.K, Values: g.Values}}
		if err := surface.WriteVTS(path, g.Channel(k), arrays...); err != nil {
			return "", err
		}
		return "saved " + path, nil
	})
}

// exportCSV saves the grid as CSV: one row per point with its coordinates and every logit.
func (u *UI) exportCSV() {
	u.exportGrid("grid.csv", func(ctx context.Context, path string, g *surface.Grid) (string, error) {
		return "", WriteGridCSV(path, g)
	})
}

// exportStats saves the probe's analyses as JSON.
func (u *UI) exportStats() {
	grader := u.session.Evaluator()
	u.exportGrid("summary.json", func(ctx context.Context, path string, g *surface.Grid) (string, error) {
		sum, err := surface.Summarize(ctx, g, &surface.SummaryOptions{Grader: grader})
		if err != nil {
			return "", err
		}
		return "", atomicfile.Write(path, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(sum)
		})
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
