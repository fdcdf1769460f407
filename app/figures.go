package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/render/vector"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// A figure is what a tab shows, as File ▸ Export writes it: its pictures (PNG always; SVG and PDF
// for the 2D plots, through render/vector) and its data files. Tabs make one from what they show
// when asked (exportFigure); the writing runs as the export job.
type figure struct {
	name    string   // file name stem: surface, training, ntk, landscape, stats
	formats []string // the formats offered, the default first: png, svg, pdf, then data formats

	// The picture: panels side by side, as on screen (camera and theme included). The Surface tab
	// sets state instead, so that its export is drawn from its view.State exactly as `surfscope
	// render` with the copied command line draws it.
	panels []render.Scene
	state  *view.State
	snap   Snapshot // the session the state was sampled in
	// vector, when set, replaces panels in SVG and PDF (a 3D surface has no vector form: the
	// landscape is written as its heatmap).
	vector []render.Scene
	// data writes a data format (npy, vts, json, txt) to path with provenance rec.
	data map[string]func(path string, rec provenance.Record) error
	// record returns the provenance of the figure written to path as format at size (pictures):
	// what it was computed from and, where there is one, the command that redoes it headless.
	// write adds the action and, for pictures, the renderer.
	record func(path, format string, size image.Point) provenance.Record
}

// provenance returns the record of the figure written to path as format at size.
func (f *figure) provenance(u *UI, path, format string, size image.Point) provenance.Record {
	rec := provenance.New("")
	if f.record != nil {
		rec = f.record(path, format, size)
	}
	rec.Action = "app: File ▸ Export Figure (" + f.name + ", " + strings.ToUpper(format) + ")"
	if slices.Contains(pictureFormats, format) {
		rec.Renderer = u.renderer.Name()
	}
	return rec
}

// pictureFormats are the picture formats every figure offers first.
var pictureFormats = []string{"png", "svg", "pdf"}

// formatLabels name the formats in the export dialog.
var formatLabels = map[string]string{
	"png": "PNG picture", "svg": "SVG (vector)", "pdf": "PDF (vector)", "npy": "NumPy array (NPY)",
	"vts": "VTK structured grid (ParaView)", "json": "JSON", "txt": "text", "csv": "CSV",
}

// write writes the figure to path as format, at size pixels for pictures, reporting progress in
// quarters; it returns what the status line says.
func (f *figure) write(ctx context.Context, u *UI, r *JobRun, path, format string, size image.Point) (string, error) {
	rec := f.provenance(u, path, format, size)
	if w := f.data[format]; w != nil {
		r.Progress(1, 2)
		if err := w(path, rec); err != nil {
			return "", err
		}
		return "saved " + path, nil
	}
	switch format {
	case "png":
		img, err := f.raster(u.renderer, size)
		if err != nil {
			return "", err
		}
		r.Progress(3, 4)
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if err := render.WritePNG(path, img, rec); err != nil {
			return "", err
		}
		return fmt.Sprintf("saved %s (%dx%d)", path, size.X, size.Y), nil
	case "svg", "pdf":
		scenes, err := f.vectorPanels()
		if err != nil {
			return "", err
		}
		r.Progress(1, 4)
		if err := vector.WriteFile(path, rec, scenes, size.X, size.Y); err != nil {
			return "", err
		}
		return fmt.Sprintf("saved %s (%s, %dx%d pt)", path, strings.ToUpper(format), size.X*3/4, size.Y*3/4), nil
	}
	return "", fmt.Errorf("the %s cannot be written as %s", f.name, format)
}

// raster draws the figure at size: the state's picture, or the panels side by side in columns of
// equal width, antialiased.
func (f *figure) raster(r render.Renderer, size image.Point) (*image.RGBA, error) {
	if f.state != nil {
		return exportState(*f.state, size).Render(r, f.snap.Grid, f.snap.Test)
	}
	img := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	for k := range f.panels {
		s := f.panels[k]
		s.Samples = 16
		x0, x1 := k*size.X/len(f.panels), (k+1)*size.X/len(f.panels)
		if err := r.Render(img.SubImage(image.Rect(x0, 0, x1, size.Y)).(*image.RGBA), &s); err != nil {
			return nil, err
		}
	}
	return img, nil
}

// vectorPanels returns the scenes SVG and PDF draw, or an error saying why this figure has none.
func (f *figure) vectorPanels() ([]*render.Scene, error) {
	scenes := f.vector
	if scenes == nil && f.state != nil {
		s, err := f.state.Scene(f.snap.Grid, f.snap.Test)
		if err != nil {
			return nil, err
		}
		scenes = []render.Scene{s}
	}
	if scenes == nil {
		scenes = f.panels
	}
	var out []*render.Scene
	for k := range scenes {
		if !vector.Supported(&scenes[k]) {
			return nil, errors.New("SVG and PDF hold 2D plots, not the 3D surface: choose View ▸ Heatmap in the side panel (or export a PNG)")
		}
		out = append(out, &scenes[k])
	}
	return out, nil
}

// writeJSON writes v as indented JSON with rec's provenance block (provenance.MarshalJSON) to
// path through a temporary file.
func writeJSON(path string, rec provenance.Record, v any) error {
	b, err := provenance.MarshalJSON(rec, v)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// writeText writes a title line, rec's provenance as "# key: value" lines (as in a CSV file, where
// provenance.Read finds them), a blank line and text to path through a temporary file.
func writeText(path, title, text string, rec provenance.Record) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, title+"\n"); err != nil {
			return err
		}
		if err := provenance.WriteCSVComments(w, rec); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n"+text)
		return err
	})
}

// errNothingYet says that a tab has no result to export.
func errNothingYet(what string) error { return fmt.Errorf("nothing to export yet: %s", what) }

// surfaceFigure is the Surface tab's figure: its view state drawn at the export's size.
func (u *UI) surfaceFigure() (*figure, error) {
	s := u.session.Snapshot()
	if s.Grid == nil {
		return nil, errNothingYet("sample a probe first")
	}
	st := u.viewOf(s)
	k, err := st.ClassOf(s.Grid, s.Test)
	if err != nil {
		return nil, err
	}
	return &figure{name: "surface", formats: pictureFormats, state: &st, snap: s,
		record: func(path, _ string, size image.Point) provenance.Record {
			return surfaceRecord(path, exportState(st, size), s, k)
		}}, nil
}

// exportState is st as exported at size: antialiased with 16 samples per pixel.
func exportState(st view.State, size image.Point) view.State {
	st.Width, st.Height, st.Samples = size.X, size.Y, 16
	return st
}

// surfaceRecord is the provenance of the Surface tab's picture st of s (logit k) written to path:
// the copied command line that draws it headless (view.State.CommandLine) and what it shows.
func surfaceRecord(path string, st view.State, s Snapshot, k int) provenance.Record {
	return st.Provenance(provenance.New(st.CommandLine(path)), s.ModelID, s.Grid, k)
}

// statsFigure is the Stats tab's figure: the statistics as a text panel, and as text and JSON.
func (u *UI) statsFigure() (*figure, error) {
	s := u.session.Snapshot()
	text := u.stats.label.Text
	if s.Grid == nil || u.stats.summary == nil {
		return nil, errNothingYet("sample a probe and wait for its statistics")
	}
	sum := u.stats.summary
	st := u.viewOf(s)
	panel := render.Scene{View: render.ViewText, Title: "statistics of " + s.Spec.String(), Caption: st.Caption(),
		Text: text, Background: u.background()}
	return &figure{name: "stats", formats: append(pictureFormats, "txt", "json"), panels: []render.Scene{panel},
		data: map[string]func(string, provenance.Record) error{
			"txt":  func(path string, rec provenance.Record) error { return writeText(path, panel.Title, text, rec) },
			"json": func(path string, rec provenance.Record) error { return writeJSON(path, rec, sum) },
		},
		record: func(path, format string, _ image.Point) provenance.Record {
			// the summary's numbers are what `surfscope analyze` prints and writes as JSON
			rec := provenance.New(s.Sampling.CommandLine("analyze", "--out", strings.TrimSuffix(path, filepath.Ext(path))+".json"))
			rec = s.Sampling.Provenance(rec, s.ModelID, s.Grid)
			rec.Metric = "probe summary"
			return rec
		}}, nil
}

// viewPanel returns the scene a view shows, or an error naming what to do first.
func viewPanel(v *SurfaceView, what string) (render.Scene, error) {
	s, ok := v.Scene()
	if !ok || s.View == render.ViewText {
		return s, errNothingYet(what)
	}
	return s, nil
}

// trainingFigure is the Training tab's figure: the curves.
func (u *UI) trainingFigure() (*figure, error) {
	s, err := viewPanel(u.model.curves, "train a model first (Model ▸ Train)")
	if err != nil {
		return nil, err
	}
	snap := u.session.Snapshot()
	return &figure{name: "training", formats: pictureFormats, panels: []render.Scene{s},
		record: func(string, string, image.Point) provenance.Record {
			rec := provenance.New("")
			rec.Models, rec.Data, rec.Split = []provenance.Model{snap.ModelID}, view.DataProvenance(snap.Data), dataset.Train
			rec.Metric = "training curves"
			return rec
		}}, nil
}

// ntkFigure is the NTK tab's figure: the spectrum and the learnability side by side, and the
// report as JSON.
func (u *UI) ntkFigure() (*figure, error) {
	rep := u.ntk.Report()
	a, err := viewPanel(u.ntk.spectrum, "compute the NTK first")
	if err != nil || rep == nil {
		return nil, errNothingYet("compute the NTK first")
	}
	b, _ := viewPanel(u.ntk.learn, "")
	base := u.ntk.record
	return &figure{name: "ntk", formats: append(pictureFormats, "json"), panels: []render.Scene{a, b},
		data: map[string]func(string, provenance.Record) error{
			"json": func(path string, rec provenance.Record) error { return writeJSON(path, rec, rep) }},
		record: func(string, string, image.Point) provenance.Record {
			rec := provenance.New("")
			rec.Models, rec.Data, rec.Split = base.Models, base.Data, base.Split
			rec.Metric = "NTK spectrum and learnability"
			return rec
		}}, nil
}

// landscapeFigure is the Landscape tab's figure: the surface (its heatmap in SVG and PDF), the
// loss and accuracy grid as NPY [n][n][2] and VTK, and the plane with the Hessian's extreme
// eigenvalues at its centre as JSON.
func (u *UI) landscapeFigure() (*figure, error) {
	v := u.land
	g := v.Result()
	s, err := viewPanel(v.view, "compute the landscape first")
	if err != nil || g == nil {
		return nil, errNothingYet("compute the landscape first")
	}
	heat := s
	heat.View = render.ViewHeatmap
	info := v.Info()
	return &figure{name: "landscape", formats: append(pictureFormats, "npy", "vts", "json"),
		panels: []render.Scene{s}, vector: []render.Scene{heat},
		data: map[string]func(string, provenance.Record) error{
			"npy": func(path string, rec provenance.Record) error {
				rec.Metric = "loss and accuracy"
				return surface.WriteNPY(path, g.Shape(), g.Values, rec)
			},
			"vts": func(path string, rec provenance.Record) error {
				arrays := []surface.VTKArray{{Name: "loss", Components: 1, Values: channel(g, surface.LandscapeLoss)},
					{Name: "accuracy", Components: 1, Values: channel(g, surface.LandscapeAccuracy)}}
				return surface.WriteVTS(path, rec, g.Channel(surface.LandscapeLoss), arrays...)
			},
			"json": func(path string, rec provenance.Record) error { return writeJSON(path, rec, info) },
		},
		record: func(path, _ string, _ image.Point) provenance.Record { return landscapeRecord(info, g, path) }}, nil
}

// landscapeRecord is the provenance of a landscape export to path: the model, data, split, seed
// and grid, and the `surfscope landscape` command that computes the same plane (none for a model
// trained in the app and not saved).
func landscapeRecord(in LandscapeInfo, g *surface.Grid, path string) provenance.Record {
	rec := provenance.New("")
	if in.id.Path != provenance.Unsaved && in.id.Path != "" {
		npy := strings.TrimSuffix(path, filepath.Ext(path)) + ".npy"
		rec.Command = provenance.CommandLine("surfscope", "landscape", "--model", in.id.Path, "--data", in.Data,
			"--grid", fmt.Sprint(in.Grid), "--images", fmt.Sprint(in.Images), "--range", fmt.Sprint(in.Range),
			"--seed", fmt.Sprint(in.Seed), "--out", npy)
	}
	rec.Models, rec.Data, rec.Split = []provenance.Model{in.id}, view.DataProvenance(in.Data), dataset.Train
	rec.SetSeed(in.Seed)
	rec.SetGrid(g.S, g.T)
	rec.Metric = "loss"
	return rec
}

// channel returns value k of every point of g.
func channel(g *surface.Grid, k int) []float32 {
	out := make([]float32, g.NX*g.NY)
	for p := range out {
		out[p] = g.Values[p*g.K+k]
	}
	return out
}
