package study

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/buildinfo"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// FiguresResult lists a dataset's pictures: the variants side by side on each figure probe, and
// their loss landscapes.
type FiguresResult struct {
	Figures []Figure `json:"figures"`
}

// Figure is one picture of the report, a PNG file in the study folder.
type Figure struct {
	Kind    string `json:"kind"`            // "surfaces" or "landscapes"
	Probe   string `json:"probe,omitempty"` // the probe spec of a surfaces figure
	File    string `json:"file"`            // relative to the study folder
	Title   string `json:"title"`
	Caption string `json:"caption"`
	// Commands remake each picture of the figure alone: a `surfscope render` command per variant
	// (with the shared --color-range and --height-range), or the `surfscope landscape` command.
	Commands []VariantCommand `json:"commands"`
	Width    int              `json:"width"`
	Height   int              `json:"height"`
}

// VariantCommand is the command that remakes one variant's picture.
type VariantCommand struct {
	Variant string `json:"variant"`
	Command string `json:"command"`
}

// figure tile size in pixels.
const tileW, tileH = 560, 420

// figuresConfig is what the figures stage's configuration hash covers.
type figuresConfig struct {
	Probes []string          `json:"probes"`
	Grid   int               `json:"grid"`
	Models map[string]string `json:"models"`     // variant → model SHA-256
	Land   map[string]string `json:"landscapes"` // variant → landscape record hash
	Tile   [2]int            `json:"tile"`
	// Surfscope is the version drawing: the figures are cheap and a new surfscope redraws them.
	Surfscope string `json:"surfscope"`
}

// figuresStage draws a dataset's figures: every variant on each figure probe side by side on one
// colour and height scale, and the loss landscapes on one scale.
func (r *runner) figuresStage(ctx context.Context, u *unit, p *unitProgress) error {
	name := DataName(u.data)
	type entry struct {
		variant string
		model   *ModelResult
		land    *LandscapeResult
	}
	var es []entry
	fc := figuresConfig{Probes: r.cfg.Settings.FigureProbes, Grid: r.cfg.Settings.FigureGrid, Models: map[string]string{},
		Land: map[string]string{}, Tile: [2]int{tileW, tileH}, Surfscope: buildinfo.Version() + " " + buildinfo.Commit()}
	for _, v := range r.cfg.Variants() {
		cl := &cell{data: u.data, dataName: name, variant: v}
		var m ModelResult
		if _, err := loadResult(r.recordPath(cl, StageModel), &m); err != nil || m.Failed != "" {
			continue
		}
		e := entry{variant: v.Name(), model: &m}
		var l LandscapeResult
		if rec, err := loadResult(r.recordPath(cl, StageLandscape), &l); err == nil && l.Axis != nil {
			e.land, fc.Land[v.Name()] = &l, rec.ConfigHash
		}
		fc.Models[v.Name()] = m.SHA256
		es = append(es, e)
	}
	rec, path, skip, err := r.begin(u, fc)
	if err != nil || skip {
		return err
	}
	start := time.Now()
	rd, err := render.New()
	if err != nil {
		return err
	}
	defer rd.Close()
	dir := filepath.Join(r.out, "figures", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var res FiguresResult
	for k, spec := range fc.Probes {
		p.set("surfaces on "+spec, float64(k)/float64(len(fc.Probes)+1))
		var tiles []view.Tile
		for _, e := range es {
			t, err := r.figureTile(ctx, u.data, e.variant, r.abs(e.model.File(r.out)), spec)
			if err != nil {
				return err
			}
			tiles = append(tiles, t)
		}
		if len(tiles) == 0 {
			break
		}
		f, err := r.surfacesFigure(rd, tiles, spec, filepath.Join(dir, fmt.Sprintf("surfaces-%d.png", k+1)))
		if err != nil {
			return err
		}
		res.Figures = append(res.Figures, *f)
	}
	var lands []landTile
	for _, e := range es {
		if e.land != nil {
			lands = append(lands, landTile{e.variant, r.abs(e.model.File(r.out)), e.model.SHA256, e.land})
		}
	}
	if len(lands) > 0 {
		f, err := r.landscapesFigure(rd, u.data, lands, filepath.Join(dir, "landscapes.png"))
		if err != nil {
			return err
		}
		res.Figures = append(res.Figures, *f)
	}
	rec.Seconds = time.Since(start).Seconds()
	return writeRecord(path, rec, res)
}

// figureTile samples one variant's model on a figure probe over the test split.
func (r *runner) figureTile(ctx context.Context, data, variant, model, spec string) (view.Tile, error) {
	st := view.Default()
	st.Model, st.Data, st.Split, st.Probe, st.Grid = model, data, dataset.Test, spec, r.cfg.Settings.FigureGrid
	st.Width, st.Height, st.Samples = tileW, tileH, 4
	sm, err := st.Sample(ctx, nil)
	if err != nil {
		return view.Tile{}, fmt.Errorf("%s/%s: %s: %w", DataName(data), variant, spec, err)
	}
	sum, err := surface.Summarize(ctx, sm.Grid, &surface.SummaryOptions{Eval: sm.Eval})
	if err != nil {
		return view.Tile{}, err
	}
	return view.Tile{Name: variant, Model: sm.Model, State: st, Grid: sm.Grid, Set: sm.Set, Summary: sum}, nil
}

// surfacesFigure draws the tiles of one probe on one scale into file.
func (r *runner) surfacesFigure(rd render.Renderer, tiles []view.Tile, spec, file string) (*Figure, error) {
	if err := view.ShareScale(tiles); err != nil {
		return nil, err
	}
	img, err := view.RenderPanel(rd, tiles, view.PanelOptions{TileWidth: tileW, TileHeight: tileH})
	if err != nil {
		return nil, err
	}
	k, _ := tiles[0].State.ClassOf(tiles[0].Grid, tiles[0].Set)
	rec := view.PanelProvenance(newProvenance(r.opts.Command), tiles, k)
	rec.Renderer = rd.Name()
	if err := render.WritePNG(file, img, rec); err != nil {
		return nil, err
	}
	sc, _ := tiles[0].Scene()
	f := &Figure{Kind: "surfaces", Probe: spec, File: r.rel(file), Width: img.Bounds().Dx(), Height: img.Bounds().Dy(),
		Title: fmt.Sprintf("%s: %s", DataName(tiles[0].State.Data), strings.TrimPrefix(sc.Title, tiles[0].Name+" — ")),
		Caption: fmt.Sprintf("Each variant on the same probe (%s of the test split, %s), one colour and height scale (the union of "+
			"each picture's range within Tukey's far-out fences; a value beyond is drawn at the end and its caption says so). "+
			"Under each picture: the drawn values' median, quartiles and range, and the probe's polynomial degree and derivatives.",
			spec, resolution(tiles[0].State))}
	for _, t := range tiles {
		f.Commands = append(f.Commands, VariantCommand{t.Name, t.State.CommandLine(t.Name + ".png")})
	}
	return f, nil
}

// landTile is one variant's loss landscape.
type landTile struct {
	variant, model, sha256 string // the model's file and its SHA-256
	l                      *LandscapeResult
}

// landscapesFigure draws the variants' loss landscapes as log₁₀ loss surfaces on one scale.
func (r *runner) landscapesFigure(rd render.Renderer, data string, lands []landTile, file string) (*Figure, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	fields := make([]*surface.Field, len(lands))
	for k, t := range lands {
		n := len(t.l.Axis)
		f := surface.NewField(n, n, t.l.Axis, t.l.Axis)
		for i, v := range t.l.Loss {
			z := math.Log10(math.Max(v, 1e-12))
			f.Values[i] = float32(z)
			if !math.IsNaN(z) && !math.IsInf(z, 0) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
		fields[k] = f
	}
	if !(lo < hi) {
		lo, hi = 0, 0 // one flat landscape: each its own range
	}
	s := r.cfg.Settings
	var scenes []render.Scene
	var captions [][]string
	f := &Figure{Kind: "landscapes", File: r.rel(file), Title: DataName(data) + ": training loss around each model",
		Caption: fmt.Sprintf("log₁₀ of the mean training loss over a filter-normalised plane θ + αδ + βη (Li et al. 2018), "+
			"α, β in [−%g, %g], %d×%d points on the first %d training images; one colour and height scale.",
			s.LandscapeRange, s.LandscapeRange, s.LandscapeGrid, s.LandscapeGrid, lands[0].l.Images)}
	for k, t := range lands {
		scenes = append(scenes, render.Scene{Field: fields[k], Title: t.variant + " — log₁₀ training loss", ColorBar: true,
			Label: "log₁₀ loss", Axes: true, XLabel: "α", YLabel: "β", ZLabel: "log₁₀ loss", Contours: 12, Samples: 4,
			Min: lo, Max: hi, ZMin: lo, ZMax: hi})
		captions = append(captions, []string{fmt.Sprintf("loss at the model %.3g; over the plane median %.3g, max %.3g",
			t.l.Centre, t.l.Stats.Median, t.l.Stats.Max)})
		f.Commands = append(f.Commands, VariantCommand{t.variant, fmt.Sprintf(
			"surfscope landscape --model %s --data %s --grid %d --range %g --images %d --seed 1 --hessian-steps 0 --out %s-landscape.npy",
			provenance.Quote(t.model), provenance.Quote(data), s.LandscapeGrid, s.LandscapeRange, t.l.Images, t.variant)})
	}
	img, err := view.RenderScenes(rd, scenes, captions, nil, view.PanelOptions{TileWidth: tileW, TileHeight: tileH, CaptionLines: 1})
	if err != nil {
		return nil, err
	}
	f.Width, f.Height = img.Bounds().Dx(), img.Bounds().Dy()
	return f, render.WritePNG(file, img, landscapesProvenance(newProvenance(r.opts.Command), data, lands, rd.Name()))
}

// landscapesProvenance is rec completed for the landscapes figure: every variant's model, the
// training split of data, the directions' seed (1), the plane's grid and range.
func landscapesProvenance(rec Provenance, data string, lands []landTile, renderer string) Provenance {
	for _, t := range lands {
		rec.AddModel(t.model, t.sha256)
	}
	rec.Data, rec.Split, rec.Metric, rec.Renderer = view.DataProvenance(data), dataset.Train, "log10 training loss", renderer
	rec.SetSeed(1)
	rec.SetGrid(lands[0].l.Axis, lands[0].l.Axis)
	return rec
}

// abs is path made absolute (commands in the report run from anywhere).
func (r *runner) abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// rel is path relative to the study folder, with forward slashes.
func (r *runner) rel(path string) string {
	if rel, err := filepath.Rel(r.out, path); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(path)
}

// resolution says how finely a tile's probe was sampled.
func resolution(st view.State) string {
	if spec, err := st.Spec(); err == nil && spec.Kind == "mixup" {
		return fmt.Sprintf("%d points", st.Points)
	}
	return fmt.Sprintf("%d points per axis", st.Grid)
}
