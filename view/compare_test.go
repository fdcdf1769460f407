package view

import (
	"math"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// scaledTiles returns two tiles on the same probe: the embedded model's grid (A) and the same
// logits times two (B, as a second model whose every value is known).
func scaledTiles(t *testing.T, s State) []Tile {
	t.Helper()
	g, set := sampled(t, s)
	b := *g
	b.Values = make([]float32, len(g.Values))
	for i, v := range g.Values {
		b.Values[i] = 2 * v
	}
	sb := s
	sb.Model = "/models/b.safetensors"
	return []Tile{{Name: "A", State: s, Grid: g, Set: set}, {Name: "B", State: sb, Grid: &b, Set: set}}
}

// One shared scale: the union of the tiles' heights and colours, in every tile's State and scene,
// round-tripping through the tiles' command lines.
func TestShareScale(t *testing.T) {
	s := Default()
	s.Grid, s.Class = 9, 3
	tiles := scaledTiles(t, s)
	if err := ShareScale(tiles); err != nil {
		t.Fatal(err)
	}
	alo, ahi := tiles[0].Grid.Channel(3).Range()
	blo, bhi := tiles[1].Grid.Channel(3).Range()
	lo, hi := math.Min(alo, blo), math.Max(ahi, bhi)
	for _, tl := range tiles {
		st := tl.State
		if st.HeightMin != lo || st.HeightMax != hi || st.ColorMin != lo || st.ColorMax != hi {
			t.Errorf("%s: heights [%g, %g], colours [%g, %g]; want both [%g, %g]", tl.Name, st.HeightMin, st.HeightMax, st.ColorMin, st.ColorMax, lo, hi)
		}
		sc, err := tl.Scene()
		if err != nil {
			t.Fatal(err)
		}
		if sc.ZMin != lo || sc.ZMax != hi || !strings.HasPrefix(sc.Title, tl.Name+" — ") {
			t.Errorf("%s: scene heights [%g, %g], title %q", tl.Name, sc.ZMin, sc.ZMax, sc.Title)
		}
		back, err := ParseArgs(st.Args())
		if err != nil || back != st {
			t.Errorf("%s: the tile's flags %q do not give its State back (%v)", tl.Name, st.Args(), err)
		}
		if !strings.Contains(st.CommandLine("x.png"), "--height-range") {
			t.Errorf("%s: command line %q lacks the shared height range", tl.Name, st.CommandLine("x.png"))
		}
	}
}

// A diverging metric (curvature) shares a colour range symmetric about zero; heights stay the
// logit's.
func TestShareScaleDiverging(t *testing.T) {
	s := Default()
	s.Grid, s.Class, s.Metric = 9, 3, "mean curvature"
	tiles := scaledTiles(t, s)
	if err := ShareScale(tiles); err != nil {
		t.Fatal(err)
	}
	st := tiles[0].State
	if st.ColorMin != -st.ColorMax || !(st.ColorMax > 0) {
		t.Errorf("curvature colours [%g, %g]: want symmetric about 0", st.ColorMin, st.ColorMax)
	}
	c, err := surface.Curvatures(tiles[1].Grid.Isometric(3))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := c.Mean.Range()
	if a := math.Max(-lo, hi); math.Abs(st.ColorMax-a) > 1e-6*a && st.ColorMax < a {
		t.Errorf("colour range ±%g does not cover B's curvature [%g, %g]", st.ColorMax, lo, hi)
	}
}

// Lines share their value axis.
func TestShareScaleLines(t *testing.T) {
	s := Default()
	s.Probe, s.Points = "mixup:0,1", 21
	tiles := scaledTiles(t, s)
	if err := ShareScale(tiles); err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range tiles[1].Grid.Values {
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	for _, tl := range tiles {
		if tl.State.ColorMin > lo || tl.State.ColorMax < hi || tl.State.HeightMax != 0 {
			t.Errorf("%s: value axis [%g, %g], heights [%g, %g]; want the axis to cover B's [%g, %g]",
				tl.Name, tl.State.ColorMin, tl.State.ColorMax, tl.State.HeightMin, tl.State.HeightMax, lo, hi)
		}
	}
}

// The difference of A and 2A is −A; predicted classes of A and 2A agree everywhere.
func TestDifferenceScene(t *testing.T) {
	s := Default()
	s.Grid, s.Class = 9, 3
	tiles := scaledTiles(t, s)
	d, err := DifferenceScene(&tiles[0], &tiles[1])
	if err != nil {
		t.Fatal(err)
	}
	g := tiles[0].Grid
	for j := 0; j < g.NY; j++ {
		for i := 0; i < g.NX; i++ {
			if got, want := d.Field.Z(i, j), -float64(g.At(i, j, 3)); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
				t.Fatalf("difference at (%d,%d) %g, want %g", i, j, got, want)
			}
		}
	}
	if d.Title != "A − B" || d.Colormap != render.Coolwarm {
		t.Errorf("title %q, colormap %s", d.Title, d.Colormap.Name())
	}
	for i := range tiles {
		tiles[i].State.Metric = "predicted class"
	}
	d, err = DifferenceScene(&tiles[0], &tiles[1])
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := d.Field.(*surface.Field).Range(); lo != 0 || hi != 0 || !strings.Contains(d.Label, "(0.0% of the points)") {
		t.Errorf("2A predicts as A does, yet the difference spans [%g, %g]: %q", lo, hi, d.Label)
	}
}

// The panel: tiles side by side with captions under them and the difference last.
func TestRenderPanel(t *testing.T) {
	s := Default()
	s.Grid, s.Class, s.Samples = 9, 3, 1
	tiles := scaledTiles(t, s)
	tiles[0].Summary = &surface.ProbeSummary{Degree: surface.DegreeFit{Degree: 2}}
	if err := ShareScale(tiles); err != nil {
		t.Fatal(err)
	}
	r := render.NewCPU()
	defer r.Close()
	img, err := RenderPanel(r, tiles, PanelOptions{TileWidth: 240, TileHeight: 180, Difference: true})
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 3*240 || b.Dy() <= 180 || b.Dy() > 260 {
		t.Fatalf("panel %v: want three 240-pixel tiles in a row with captions under them", b)
	}
	// Each tile differs from the others (different heights on one scale, and the difference).
	tile := func(k int) []uint8 {
		var px []uint8
		for y := 0; y < 180; y++ {
			o := img.PixOffset(k*240, y)
			px = append(px, img.Pix[o:o+4*240]...)
		}
		return px
	}
	for a := 0; a < 3; a++ {
		for c := a + 1; c < 3; c++ {
			same := 0
			ta, tc := tile(a), tile(c)
			for i := range ta {
				if ta[i] == tc[i] {
					same++
				}
			}
			if float64(same) > 0.97*float64(len(ta)) {
				t.Errorf("tiles %d and %d are %.1f%% the same", a, c, 100*float64(same)/float64(len(ta)))
			}
		}
	}
	c, err := tiles[0].Caption()
	if err != nil || len(c) != 2 || !strings.Contains(c[0], "median") || !strings.HasPrefix(c[1], "degree 2") {
		t.Errorf("caption %q (%v)", c, err)
	}
}

// One far outlier of one model does not set the shared scale: it is clipped at the fences, drawn
// at the end of the range, and the tile's caption says so.
func TestShareScaleClipsAnOutlier(t *testing.T) {
	s := Default()
	s.Grid, s.Class = 9, 3
	tiles := scaledTiles(t, s)
	g := tiles[1].Grid
	g.Values[(4*g.NX+4)*g.K+3] = -1000 // one point of B's logit 3
	if err := ShareScale(tiles); err != nil {
		t.Fatal(err)
	}
	st := tiles[0].State
	if !(st.HeightMin > -1000) || tiles[0].Clipped || !tiles[1].Clipped {
		t.Fatalf("heights [%g, %g], A clipped %v, B clipped %v", st.HeightMin, st.HeightMax, tiles[0].Clipped, tiles[1].Clipped)
	}
	alo, _ := tiles[0].Grid.Channel(3).Range()
	if st.HeightMin > alo {
		t.Errorf("the shared range [%g, %g] clips A's own minimum %g", st.HeightMin, st.HeightMax, alo)
	}
	c, _ := tiles[1].Caption()
	if !strings.Contains(c[0], "drawn at its ends") {
		t.Errorf("B's caption %q does not say its outlier is clipped", c[0])
	}
}
