package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// maxCompare is the number of models compared side by side.
const maxCompare = 4

// compareModel is one model of the comparison, its grid on the shared probe and that probe's
// analyses.
type compareModel struct {
	name    string
	path    string           // the model file ("" for a model that has none), for the tile's command line
	id      provenance.Model // the file (or "unsaved") and SHA-256, for the provenance of exports
	ev      *infer.Evaluator
	grid    *surface.Grid
	summary *surface.ProbeSummary
}

// compareTab shows two to four models on the same probe side by side with linked cameras, drawn
// as the View controls say (metric, logit, colours, 3D or heatmap) on one shared colour and
// height scale with axes and colour bars, each with its statistics under it, and the difference
// of the first two (e.g. an additive against a multiplicative ResNet). The whole panel exports to
// PNG (view.RenderPanel draws the same tiles headless). Its state is touched only on the UI thread.
type compareTab struct {
	u        *UI
	models   []*compareModel
	sampling view.Sampling // how the grids were sampled (the model aside)
	set      *dataset.Set  // the split the probe's images come from
	views    []*SurfaceView
	captions []*widget.Label
	diff     *SurfaceView
	diffCap  *widget.Label
	list     *widget.Label
	bar      *widget.ProgressBar
	shared   *widget.Check
	showDiff *widget.Check
	addBtn   *widget.Button
	fileBtn  *widget.Button
	runBtn   *widget.Button
	export   *widget.Button
	clear    *widget.Button
	content  *fyne.Container
	sample   *Job // samples every model on the probe
	open     *Job // reads a model file
}

func newCompare(u *UI) *compareTab {
	c := &compareTab{u: u, list: widget.NewLabel("Add two to four models, then sample them on the current probe."),
		bar: widget.NewProgressBar()}
	c.sample, c.open = u.jobs.Job(c.bar), u.jobs.Job(nil)
	for i := 0; i < maxCompare; i++ {
		c.views = append(c.views, u.newSurfaceView())
		c.captions = append(c.captions, captionLabel())
	}
	c.diff, c.diffCap = u.newSurfaceView(), captionLabel()
	all := append(append([]*SurfaceView(nil), c.views...), c.diff)
	for _, v := range all {
		v.OnCamera = func(cam render.Camera) {
			for _, w := range all {
				if w != v {
					w.SetCamera(cam)
				}
			}
		}
	}
	c.addBtn = widget.NewButton("Add current model", c.addCurrent)
	c.fileBtn = widget.NewButton("Add model file…", c.addFile)
	c.runBtn = widget.NewButton("Sample all on current probe", c.sampleAll)
	c.export = widget.NewButton("Export panel PNG…", c.exportPNG)
	c.shared = widget.NewCheck("One scale", func(bool) { c.refresh() })
	c.shared.Checked = true
	c.showDiff = widget.NewCheck("A − B", func(bool) { c.refresh() })
	c.showDiff.Checked = true
	c.clear = widget.NewButton("Clear", func() {
		c.models = nil
		c.refresh()
	})
	c.content = container.NewGridWithColumns(2)
	c.refresh()
	return c
}

func captionLabel() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// Object returns the tab's content.
func (c *compareTab) Object() fyne.CanvasObject {
	u := c.u
	bar := container.NewHBox(u.tip(c.addBtn, "add the model open now to the comparison (up to four)"),
		u.tip(c.fileBtn, "add a checkpoint or ONNX file to the comparison"),
		u.tip(c.runBtn, "sample every model on the probe of the side panel (Ctrl+Enter)"),
		u.tip(c.shared, "draw every model on one colour and height scale"),
		u.tip(c.showDiff, "show the difference of the first two models"),
		u.tip(c.export, "export the whole panel as a PNG (also File ▸ Export Figure, Ctrl+E)"),
		u.tip(c.clear, "remove every model from the comparison"))
	return container.NewBorder(container.NewVBox(bar, c.list, c.bar), nil, nil, nil, c.content)
}

// Add appends a model under name; it fails beyond maxCompare models. Call it on the UI thread.
func (c *compareTab) Add(name string, net *models.Net) error {
	id, err := modelfile.IdentifyUnsaved(net)
	if err != nil {
		return err
	}
	return c.add(name, "", id, net)
}

// add appends a model read from path ("" for none), identified by id.
func (c *compareTab) add(name, path string, id provenance.Model, net *models.Net) error {
	if len(c.models) >= maxCompare {
		return fmt.Errorf("at most %d models can be compared", maxCompare)
	}
	ev, err := infer.New(net)
	if err != nil {
		return err
	}
	c.models = append(c.models, &compareModel{name: name, path: path, id: id, ev: ev})
	return nil
}

func (c *compareTab) addCurrent() {
	s := c.u.session.Snapshot()
	if s.Net == nil {
		c.u.showError(errors.New("no model is open"))
		return
	}
	path := s.Model
	if path == "trained" {
		path = ""
	}
	if err := c.add(s.ModelSource, path, s.ModelID, s.Net); err != nil {
		c.u.showError(err)
	}
	c.refresh()
}

func (c *compareTab) addFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		c.open.Start(func(ctx context.Context, r *JobRun) error {
			net, err := modelfile.Load(path)
			if err != nil {
				return err
			}
			id, err := modelfile.Identify(path)
			if err != nil {
				return err
			}
			r.Show(func() {
				if err := c.add(modelName(path), path, id, net); err != nil {
					c.u.showError(err)
				}
				c.refresh()
			})
			return nil
		})
	}, c.u.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors", ".onnx"}))
	d.Show()
}

// sampleAll samples every model on the probe in the entry, and analyses each grid, in the
// background, cancelling a comparison in flight.
func (c *compareTab) sampleAll() {
	smp, err := c.u.probe.sampling()
	if err != nil {
		c.u.showError(err)
		return
	}
	spec, err := smp.Spec()
	if err != nil {
		c.u.showError(err)
		return
	}
	s := c.u.session.Snapshot()
	ms := append([]*compareModel(nil), c.models...)
	if len(ms) < 2 || s.Test == nil {
		c.u.showError(errors.New("add at least two models to compare"))
		return
	}
	smp.Data, smp.Split = s.Data, dataset.Test
	sizes := smp.Sizes()
	c.sample.Start(func(ctx context.Context, r *JobRun) error {
		probe, err := surface.BuildProbe(spec, [3]int{s.Test.C, s.Test.H, s.Test.W}, s.Test.Images, s.Test.Labels, ms[0].ev, sizes)
		if err != nil {
			return err
		}
		grids := make([]*surface.Grid, len(ms))
		sums := make([]*surface.ProbeSummary, len(ms))
		for k, m := range ms {
			grids[k], err = surface.Sample(ctx, m.ev, probe, nil, func(done, total int) {
				r.Progress(k*total+done, len(ms)*total)
			})
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			if sums[k], err = surface.Summarize(ctx, grids[k], &surface.SummaryOptions{Eval: m.ev}); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		r.Show(func() {
			for k, m := range ms {
				m.grid, m.summary = grids[k], sums[k]
			}
			c.sampling, c.set = smp, s.Test
			c.refresh()
		})
		return nil
	})
}

// Tiles returns the comparison as it is drawn: one tile per sampled model, drawn as the View
// controls say, on one scale when "One scale" is on. Each tile's State redraws it headless
// (its command line), with the tile's model file. Call it on the UI thread.
func (c *compareTab) Tiles() ([]view.Tile, error) {
	base := c.u.viewState()
	base.Sampling = c.sampling
	base.Camera = c.views[0].Camera()
	k := c.u.picture.class.SelectedIndex()
	var tiles []view.Tile
	for i, m := range c.models {
		if m.grid == nil || k < 0 || k >= m.grid.K {
			continue
		}
		st := base
		st.Model = m.path
		if m.path == "" {
			st.Model = "unsaved"
		}
		tiles = append(tiles, view.Tile{Name: fmt.Sprintf("%c) %s", 'A'+i, m.name), Model: m.id, State: st, Grid: m.grid,
			Set: c.set, Summary: m.summary})
	}
	if c.shared.Checked && len(tiles) > 1 {
		if err := view.ShareScale(tiles); err != nil {
			return nil, err
		}
	}
	return tiles, nil
}

// refresh lays out one view per sampled model plus the difference of the first two, each with
// its statistics.
func (c *compareTab) refresh() {
	ms := c.models
	names := "Models:"
	for i, m := range ms {
		names += fmt.Sprintf("  %c) %s", 'A'+i, m.name)
	}
	if len(ms) == 0 {
		names = "Add two to four models, then sample them on the current probe."
	}
	c.list.SetText(names)
	tiles, err := c.Tiles()
	if err != nil {
		c.u.showError(err)
		return
	}
	var objs []fyne.CanvasObject
	show := func(v *SurfaceView, caption *widget.Label, s render.Scene, lines []string) {
		v.SetScene(s)
		caption.SetText(joinLines(lines))
		objs = append(objs, container.NewBorder(nil, caption, nil, nil, v))
	}
	for i := range tiles {
		s, err := tiles[i].Scene()
		if err == nil {
			var lines []string
			if lines, err = tiles[i].Caption(); err == nil {
				show(c.views[i], c.captions[i], s, lines)
			}
		}
		if err != nil {
			c.u.showError(err)
			return
		}
	}
	if c.showDiff.Checked && len(tiles) >= 2 && tiles[0].Grid.NY > 1 {
		if s, err := view.DifferenceScene(&tiles[0], &tiles[1]); err == nil {
			show(c.diff, c.diffCap, s, []string{s.Label})
		}
	}
	c.content.Objects = objs
	c.content.Refresh()
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n"
		}
		out += l
	}
	return out
}

// exportPNG asks for a size and a file and writes the whole panel: every tile with its caption
// and the difference, as on screen (view.RenderPanel).
func (c *compareTab) exportPNG() {
	tiles, err := c.Tiles()
	if err != nil {
		c.u.showError(err)
		return
	}
	if len(tiles) == 0 {
		c.u.showError(errors.New("nothing to export yet: sample the models first"))
		return
	}
	size := widget.NewSelect([]string{"640x480", "800x600", "1280x960"}, nil)
	size.SetSelected("800x600")
	dialog.ShowForm("Export comparison PNG", "Choose file…", "Cancel", []*widget.FormItem{widget.NewFormItem("Each picture", size)}, func(ok bool) {
		if !ok {
			return
		}
		var w, h int
		fmt.Sscanf(size.Selected, "%dx%d", &w, &h)
		opts := view.PanelOptions{TileWidth: w, TileHeight: h, Difference: c.showDiff.Checked}
		c.u.saveDialog("compare.png", func(ctx context.Context, path string) (string, error) {
			return c.u.writePanel(ctx, path, tiles, opts)
		})
	}, c.u.window)
}

// writePanel draws the comparison panel and writes it to path; it returns the status to show.
func (u *UI) writePanel(ctx context.Context, path string, tiles []view.Tile, o view.PanelOptions) (string, error) {
	for i := range tiles {
		tiles[i].State.Samples = 16
	}
	img, err := view.RenderPanel(u.renderer, tiles, o)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := render.WritePNG(path, img, panelRecord(u.renderer.Name(), path, tiles)); err != nil {
		return "", err
	}
	return fmt.Sprintf("saved %s (%dx%d)", path, img.Bounds().Dx(), img.Bounds().Dy()), nil
}

// panelRecord is the provenance of a comparison panel written to path: every tile's model, what
// they were sampled on and how they are drawn, and as its command the `surfscope render` of each
// tile (to PATH-A.png, PATH-B.png, …), the pictures the panel puts side by side.
func panelRecord(renderer, path string, tiles []view.Tile) provenance.Record {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	var cmds []string
	for i, t := range tiles {
		cmds = append(cmds, t.State.CommandLine(fmt.Sprintf("%s-%c.png", stem, 'A'+i)))
	}
	rec := provenance.New(strings.Join(cmds, " && "))
	rec.Action, rec.Renderer = "app: Compare ▸ Export panel PNG", renderer
	k := -1
	if len(tiles) > 0 {
		k, _ = tiles[0].State.ClassOf(tiles[0].Grid, tiles[0].Set)
	}
	return view.PanelProvenance(rec, tiles, k)
}

// ExportComparison writes the Compare tab's panel to path as exportPNG does, at o's sizes, in the
// background; it is what File ▸ Export does while the Compare tab is shown. Call it on the UI
// thread.
func (u *UI) ExportComparison(path string, o view.PanelOptions) error {
	tiles, err := u.compare.Tiles()
	if err != nil {
		return err
	}
	if len(tiles) == 0 {
		return errors.New("nothing to export yet: sample the models first")
	}
	u.export(path, func(ctx context.Context, path string) (string, error) { return u.writePanel(ctx, path, tiles, o) })
	return nil
}
