package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
)

// exportNPY saves the sampled logits as a NumPy file, with its provenance in a JSON sidecar.
func (u *UI) exportNPY() { u.exportGrid(npyExport) }

var npyExport = gridExport{"grid.npy", "Export Grid (NPY)", "logits", "sample",
	func(ctx context.Context, path string, g *surface.Grid, rec provenance.Record) (string, error) {
		return fmt.Sprint(" ", g.Shape()), surface.WriteNPY(path, g.Shape(), g.Values, rec)
	}}

// exportRecord is the provenance of a file the menu item action ("Export Grid (NPY)") writes from
// s: the action, command (the command line that computes the same numbers headless), and what s
// sampled (view.Sampling.Provenance) with the file's metric.
func exportRecord(action, command, metric string, s Snapshot) provenance.Record {
	rec := provenance.New(command)
	rec.Action = "app: File ▸ " + action
	rec = s.Sampling.Provenance(rec, s.ModelID, s.Grid)
	rec.Metric = metric
	return rec
}

// gridExport is one of the File menu's exports of the session's grid.
type gridExport struct {
	file, action, metric string // default file name, menu item, what the numbers are
	command              string // the surfscope command that computes them headless: sample or analyze
	// save writes g with provenance rec to path and returns what to add to the status "saved PATH"
	save func(ctx context.Context, path string, g *surface.Grid, rec provenance.Record) (string, error)
}

// record is the provenance of the export to path from s, with the command line that computes the
// same numbers headless (a CSV's as the NPY that `sample` writes).
func (e gridExport) record(s Snapshot, path string) provenance.Record {
	if e.command == "sample" {
		path = strings.TrimSuffix(path, filepath.Ext(path)) + ".npy"
	}
	return exportRecord(e.action, s.Sampling.CommandLine(e.command, "--out", path), e.metric, s)
}

// exportGrid asks where to save the session's grid and saves it as e says, as an export job.
func (u *UI) exportGrid(e gridExport) {
	s := u.session.Snapshot()
	if s.Grid == nil {
		u.showError(errors.New("nothing sampled yet"))
		return
	}
	u.saveDialog(e.file, e.saver(s))
}

// saver is the export job's work: save s's grid to path with its provenance, and say so.
func (e gridExport) saver(s Snapshot) func(ctx context.Context, path string) (string, error) {
	return func(ctx context.Context, path string) (string, error) {
		detail, err := e.save(ctx, path, s.Grid, e.record(s, path))
		if err != nil {
			return "", err
		}
		return "saved " + path + detail, nil
	}
}

// saveDialog asks for a file name and runs save with its path as the export job (exportWith).
// save returns the status to show.
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
	u.saveDialog("surface.vts", vtsSaver(s, k))
}

// vtsSaver is the VTK export's job: save logit k of s's grid as the height, every logit as a point
// array, with its provenance.
func vtsSaver(s Snapshot, k int) func(ctx context.Context, path string) (string, error) {
	return func(ctx context.Context, path string) (string, error) {
		g := s.Grid
		rec := exportRecord("Export Surface for ParaView (VTK)", s.Sampling.CommandLine("analyze", "--metric", fmt.Sprint("logit:", k), "--vts", path), "logit", s)
		rec.SetClass(k)
		arrays := []surface.VTKArray{{Name: "logits", Components: g.K, Values: g.Values}}
		if err := surface.WriteVTS(path, rec, g.Channel(k), arrays...); err != nil {
			return "", err
		}
		return "saved " + path, nil
	}
}

// exportCSV saves the grid as CSV: one row per point with its coordinates and every logit.
func (u *UI) exportCSV() { u.exportGrid(csvExport) }

var csvExport = gridExport{"grid.csv", "Export Grid (CSV)", "logits", "sample",
	func(ctx context.Context, path string, g *surface.Grid, rec provenance.Record) (string, error) {
		return "", WriteGridCSV(path, g, rec)
	}}

// exportStats saves the probe's analyses as JSON, with a provenance block.
func (u *UI) exportStats() { u.exportGrid(u.statsExport()) }

// statsExport saves the analyses of the grid, with input gradients from the current model.
func (u *UI) statsExport() gridExport {
	grader := u.session.Evaluator()
	return gridExport{"summary.json", "Export Statistics (JSON)", "probe summary", "analyze", func(ctx context.Context, path string, g *surface.Grid, rec provenance.Record) (string, error) {
		sum, err := surface.Summarize(ctx, g, &surface.SummaryOptions{Grader: grader})
		if err != nil {
			return "", err
		}
		b, err := provenance.MarshalJSON(rec, sum)
		if err != nil {
			return "", err
		}
		return "", atomicfile.Write(path, func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		})
	}}
}

// WriteGridCSV writes g as CSV: a row of column names, s, t (planes) and logit_0 … logit_{K−1},
// rec's provenance as "# key: value" comment lines (provenance.WriteCSVComments), then one row
// per grid point.
func WriteGridCSV(path string, g *surface.Grid, rec provenance.Record) error {
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
		if err := provenance.WriteCSVComments(w, rec); err != nil {
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
