package view

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// A Tile is one picture of a comparison: the grid one model gave on the probe every tile shares,
// drawn as State says (State.Model is the tile's model file, so State.CommandLine redraws the tile
// alone).
type Tile struct {
	Name    string                // the model's name, in the tile's title
	Model   provenance.Model      // the model's file and SHA-256, for the provenance of the panel
	State   State                 // how the grid was sampled and is drawn
	Grid    *surface.Grid         // the model's logits on the probe
	Set     *dataset.Set          // the split the probe's images come from (thumbnails, labels); may be nil
	Summary *surface.ProbeSummary // optional: the probe's analyses, for the caption
	// Clipped says ShareScale's shared range leaves out some of the tile's values (drawn at the
	// range's ends), ClipRange the range.
	Clipped   bool
	ClipRange [2]float64
}

// Scene is the tile's picture: its State's scene of its grid, titled with its name.
func (t *Tile) Scene() (render.Scene, error) {
	s, err := t.State.Scene(t.Grid, t.Set)
	if err != nil {
		return s, fmt.Errorf("%s: %v", t.Name, err)
	}
	if s.View == render.ViewLines {
		s.Title = t.Name + " — " + s.Title
	} else {
		s.Title = t.Name + " — " + s.Label
	}
	return s, nil
}

// ShareScale gives every tile one colour range and one height range, the union of the tiles' own
// robust ranges of the values they draw (symmetric about zero for a diverging colormap), written
// into each tile's State (ColorMin/ColorMax, HeightMin/HeightMax) so that each tile's command line
// draws it on the shared scale. A tile's robust range is its values' range clipped to Tukey's
// far-out fences [q1 − 3·IQR, q3 + 3·IQR]: one corner of one model at −200 does not flatten every
// picture; the values beyond are drawn at the range's ends and the tile's Clipped says so. Lines
// share their value axis (ColorMin/ColorMax); categorical colours (the predicted class) share only
// their heights. Tiles whose values are all non-finite leave the ranges as they are.
func ShareScale(tiles []Tile) error {
	zlo, zhi := math.Inf(1), math.Inf(-1)
	clo, chi := math.Inf(1), math.Inf(-1)
	lines, diverging, categorical := false, false, false
	for i := range tiles {
		t := &tiles[i]
		t.State.ColorMin, t.State.ColorMax, t.State.HeightMin, t.State.HeightMax = 0, 0, 0, 0
		s, err := t.Scene()
		if err != nil {
			return err
		}
		lo, hi := robustRange(s.Field)
		zlo, zhi = math.Min(zlo, lo), math.Max(zhi, hi)
		if s.Color != nil {
			lo, hi = robustRange(s.Color)
		}
		clo, chi = math.Min(clo, lo), math.Max(chi, hi)
		lines = lines || s.View == render.ViewLines
		categorical = categorical || s.Categorical
		diverging = diverging || s.Colormap != nil && s.Colormap.Diverging()
	}
	if !(zlo < zhi) {
		return nil
	}
	if diverging && clo < chi {
		a := math.Max(math.Abs(clo), math.Abs(chi))
		clo, chi = -a, a
	}
	for i := range tiles {
		st := &tiles[i].State
		s, _ := tiles[i].Scene()
		flo, fhi := fieldRange(s.Field)
		tiles[i].Clipped = flo < zlo || fhi > zhi
		tiles[i].ClipRange = [2]float64{zlo, zhi}
		switch {
		case lines:
			st.ColorMin, st.ColorMax = zlo, zhi
		default:
			st.HeightMin, st.HeightMax = zlo, zhi
			if !categorical && clo < chi {
				st.ColorMin, st.ColorMax = clo, chi
			}
		}
	}
	return nil
}

// robustRange returns the finite range of f's values clipped to Tukey's far-out fences
// [q1 − 3·IQR, q3 + 3·IQR] (+Inf, −Inf when there is no finite value).
func robustRange(f render.Field) (lo, hi float64) {
	st := describeField(f)
	if st.N == 0 {
		return math.Inf(1), math.Inf(-1)
	}
	iqr := st.Q3 - st.Q1
	return math.Max(st.Min, st.Q1-3*iqr), math.Min(st.Max, st.Q3+3*iqr)
}

// fieldRange returns the smallest and largest finite value of f (+Inf, −Inf when there is none).
func fieldRange(f render.Field) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	nx, ny := f.Dims()
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if z := f.Z(i, j); !math.IsNaN(z) && !math.IsInf(z, 0) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	return lo, hi
}

// metricValues returns the values a scene shows by colour: its colour field, else its heights.
func metricValues(s render.Scene) render.Field {
	if s.Color != nil {
		return s.Color
	}
	return s.Field
}

// DifferenceScene is the picture of tile a minus tile b (same probe): the difference of the
// values each draws (for the predicted class, 1 where the two predict different classes and 0
// where they agree), as a heatmap-coloured surface on a diverging scale symmetric about zero.
func DifferenceScene(a, b *Tile) (render.Scene, error) {
	sa, err := a.Scene()
	if err != nil {
		return sa, err
	}
	sb, err := b.Scene()
	if err != nil {
		return sb, err
	}
	va, vb := metricValues(sa), metricValues(sb)
	nx, ny := va.Dims()
	if bx, by := vb.Dims(); bx != nx || by != ny || sa.View == render.ViewLines {
		return render.Scene{}, fmt.Errorf("%s and %s: no difference of a line or of grids of different sizes", a.Name, b.Name)
	}
	g := a.Grid
	f := surface.NewField(nx, ny, g.S, g.T)
	differ := 0
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			d := va.Z(i, j) - vb.Z(i, j)
			if sa.Categorical {
				d = 0
				if va.Z(i, j) != vb.Z(i, j) {
					d, differ = 1, differ+1
				}
			}
			f.Values[j*nx+i] = float32(d)
		}
	}
	s := render.Scene{Field: f, View: sa.View, Colormap: render.Coolwarm, ColorBar: true, Axes: true,
		Background: sa.Background, Samples: sa.Samples, Camera: sa.Camera, Contours: sa.Contours,
		XLabel: sa.XLabel, YLabel: sa.YLabel}
	s.Label = "difference of " + sa.Label
	if sa.Categorical {
		s.Label = fmt.Sprintf("predicted classes differ (%.1f%% of the points)", 100*float64(differ)/float64(nx*ny))
		s.Min, s.Max = -1, 1
	}
	s.Title = a.Name + " − " + b.Name
	s.ZLabel = "difference"
	return s, nil
}

// Caption returns the lines under a tile: the statistics of the values it shows over the probe
// (median, quartiles, range) and, with a Summary, the probe's headline analyses.
func (t *Tile) Caption() ([]string, error) {
	s, err := t.Scene()
	if err != nil {
		return nil, err
	}
	var lines []string
	if s.Categorical {
		v := surface.SummarizeValues(t.Grid)
		lines = append(lines, fmt.Sprintf("%d predicted classes (largest %.0f%% of the points)", v.Classes, 100*v.Largest))
	} else {
		st := describeField(metricValues(s))
		lines = append(lines, fmt.Sprintf("%s: median %.3g, IQR [%.3g, %.3g], range [%.3g, %.3g]", s.Label, st.Median, st.Q1, st.Q3, st.Min, st.Max))
	}
	if t.Clipped {
		lines[0] += fmt.Sprintf("; heights outside [%.3g, %.3g] drawn at its ends", t.ClipRange[0], t.ClipRange[1])
	}
	if p := t.Summary; p != nil {
		line := fmt.Sprintf("degree %s; plane gradient norm median %.3g", degreeShort(p.Degree), p.Gradient.Median)
		if c := p.Curvature; c != nil {
			line += fmt.Sprintf("; |mean curvature| median %.3g", c.AbsMean.Median)
		}
		if m := p.Mixup; m != nil {
			line += fmt.Sprintf("; mixup TV mean %.3g, miss %.0f%%", m.MeanTV, 100*m.MissRate)
		}
		lines = append(lines, line)
	}
	return lines, nil
}

// degreeShort is a degree fit in a few characters: "5", "> 20 (aliased)".
func degreeShort(d surface.DegreeFit) string {
	switch {
	case d.Aliased:
		return fmt.Sprintf("> %d (aliased)", d.Cap)
	case d.Saturated:
		return fmt.Sprintf("> %d", d.Cap)
	}
	return fmt.Sprint(d.Degree)
}

// describeField returns the statistics of f's values.
func describeField(f render.Field) surface.Stats {
	nx, ny := f.Dims()
	v := make([]float64, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			v = append(v, f.Z(i, j))
		}
	}
	return surface.Describe(v)
}

// PanelProvenance returns base with what a panel of tiles shows: the first tile's State
// provenance (data, probe, grid, metric, logit k) with every tile's model in order.
func PanelProvenance(base provenance.Record, tiles []Tile, k int) provenance.Record {
	if len(tiles) == 0 {
		return base
	}
	r := tiles[0].State.Provenance(base, tiles[0].Model, tiles[0].Grid, k)
	for _, t := range tiles[1:] {
		r.Models = append(r.Models, t.Model)
	}
	return r
}

// PanelOptions say how RenderPanel lays out a comparison; zero values are the defaults.
type PanelOptions struct {
	TileWidth, TileHeight int  // each picture, in pixels (default 800x600)
	Columns               int  // tiles per row (default: all in one row up to 3, else 2 or 3 a row)
	Difference            bool // add the picture of the first tile minus the second
	CaptionLines          int  // caption lines under each tile (default: the longest wrapped caption's, at least 2; negative: no captions)
}

// RenderPanel draws the tiles side by side, each with its caption under it, plus the difference of
// the first two when o asks (and there are two planes), into one picture. The tiles are drawn as
// they are: call ShareScale first for one scale. The background is the first tile's theme.
func RenderPanel(r render.Renderer, tiles []Tile, o PanelOptions) (*image.RGBA, error) {
	if len(tiles) == 0 {
		return nil, fmt.Errorf("view: a comparison needs at least one tile")
	}
	scenes := make([]render.Scene, 0, len(tiles)+1)
	captions := make([][]string, 0, len(tiles)+1)
	for i := range tiles {
		s, err := tiles[i].Scene()
		if err != nil {
			return nil, err
		}
		c, err := tiles[i].Caption()
		if err != nil {
			return nil, err
		}
		scenes, captions = append(scenes, s), append(captions, c)
	}
	if o.Difference && len(tiles) >= 2 && tiles[0].Grid.NY > 1 {
		s, err := DifferenceScene(&tiles[0], &tiles[1])
		if err != nil {
			return nil, err
		}
		st := describeField(s.Field)
		scenes = append(scenes, s)
		captions = append(captions, []string{fmt.Sprintf("difference: median %.3g, IQR [%.3g, %.3g], range [%.3g, %.3g]", st.Median, st.Q1, st.Q3, st.Min, st.Max)})
	}
	return RenderScenes(r, scenes, captions, Background(tiles[0].State.Theme), o)
}

// RenderScenes draws scenes side by side in rows, each TileWidth × TileHeight with its caption
// lines under it, on background bg (nil: white): the layout of RenderPanel for any scenes.
func RenderScenes(r render.Renderer, scenes []render.Scene, captions [][]string, bg color.Color, o PanelOptions) (*image.RGBA, error) {
	if len(scenes) == 0 {
		return nil, fmt.Errorf("view: no pictures to lay out")
	}
	w, h := o.TileWidth, o.TileHeight
	if w <= 0 || h <= 0 {
		w, h = 800, 600
	}
	wrapped := make([][]string, len(captions))
	most := 0
	for k, c := range captions {
		wrapped[k] = render.WrapLines(c, captionSize(w), w)
		most = max(most, len(wrapped[k]))
	}
	captions = wrapped
	lines := o.CaptionLines
	if lines == 0 {
		lines = max(2, most)
	}
	capH := 0
	if lines > 0 {
		capH = int(math.Ceil(float64(lines)*1.35*captionSize(w) + 0.8*captionSize(w)))
	}
	cols := panelColumns(len(scenes), o.Columns)
	rows := (len(scenes) + cols - 1) / cols
	out := image.NewRGBA(image.Rect(0, 0, cols*w, rows*(h+capH)))
	render.DrawTextBlock(out, out.Bounds(), nil, 0, bg)
	for k := range scenes {
		x, y := (k%cols)*w, (k/cols)*(h+capH)
		tile := image.NewRGBA(image.Rect(0, 0, w, h))
		if err := r.Render(tile, &scenes[k]); err != nil {
			return nil, err
		}
		draw.Draw(out, image.Rect(x, y, x+w, y+h), tile, image.Point{}, draw.Src)
		if capH > 0 && k < len(captions) {
			c := captions[k]
			if len(c) > lines {
				c = c[:lines]
			}
			render.DrawTextBlock(out, image.Rect(x, y+h, x+w, y+h+capH), c, captionSize(w), bg)
		}
	}
	return out, nil
}

// captionSize is the caption's font size for tiles w pixels wide.
func captionSize(w int) float64 { return math.Max(11, math.Min(20, float64(w)/55)) }

// panelColumns is the number of tiles per row: want when positive, else all n in a row up to 3,
// 2 a row for 4, 3 a row beyond.
func panelColumns(n, want int) int {
	switch {
	case want > 0:
		return min(want, n)
	case n <= 3:
		return n
	case n == 4:
		return 2
	}
	return 3
}
