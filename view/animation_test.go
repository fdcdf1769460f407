package view

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/render"
)

// growingTiles returns n tiles on the same probe whose logits are the embedded model's times
// k/(n−1): a surface that grows from flat to the model's, with every range known.
func growingTiles(t *testing.T, n int) []Tile {
	t.Helper()
	s := Default()
	s.Grid, s.Width, s.Height, s.Samples = 12, 160, 120, 1
	g, set := sampled(t, s)
	tiles := make([]Tile, n)
	for k := range tiles {
		b := *g
		b.Values = make([]float32, len(g.Values))
		for i, v := range g.Values {
			b.Values[i] = v * float32(k) / float32(n-1)
		}
		tiles[k] = Tile{Name: "epoch " + string(rune('1'+k)), State: s, Grid: &b, Set: set}
	}
	return tiles
}

// Every frame of an evolution is drawn on one colour range and one height range, those of the
// largest surface (the last), and is titled with its tile's name.
func TestEvolutionScenesShareOneScale(t *testing.T) {
	tiles := growingTiles(t, 4)
	last, err := tiles[3].Scene()
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := fieldRange(last.Field)
	scenes, err := EvolutionScenes(tiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(scenes) != 4 {
		t.Fatalf("%d scenes, want 4", len(scenes))
	}
	for k, s := range scenes {
		if math.Abs(s.ZMin-lo) > 1e-6 || math.Abs(s.ZMax-hi) > 1e-6 || s.ZMin != scenes[0].ZMin || s.ZMax != scenes[0].ZMax {
			t.Errorf("frame %d: heights [%g, %g], want the last frame's range [%g, %g]", k, s.ZMin, s.ZMax, lo, hi)
		}
		if s.Min != scenes[0].Min || s.Max != scenes[0].Max || !(s.Min < s.Max) {
			t.Errorf("frame %d: colours [%g, %g], frame 0 [%g, %g]", k, s.Min, s.Max, scenes[0].Min, scenes[0].Max)
		}
		if !strings.HasPrefix(s.Title, tiles[k].Name+" — ") {
			t.Errorf("frame %d: title %q does not name %q", k, s.Title, tiles[k].Name)
		}
	}
	if _, err := EvolutionScenes(nil); err == nil {
		t.Error("no tiles: no error")
	}
}

// An orbit turns the camera by equal steps once around, from the State's camera; a heatmap has
// nothing to orbit.
func TestOrbitScenes(t *testing.T) {
	tile := growingTiles(t, 2)[1]
	scenes, err := OrbitScenes(tile, 8)
	if err != nil {
		t.Fatal(err)
	}
	var start render.Camera
	start.Orbit(0, 0)
	for k, s := range scenes {
		want := math.Remainder(start.Yaw+2*math.Pi*float64(k)/8, 2*math.Pi)
		if math.Abs(s.Camera.Yaw-want) > 1e-12 || s.Camera.Pitch != start.Pitch || s.Camera.Distance != start.Distance {
			t.Errorf("frame %d: camera %+v, want yaw %g from %+v", k, s.Camera, want, start)
		}
	}
	tile.State.View = "heatmap"
	if _, err := OrbitScenes(tile, 8); err == nil || !strings.Contains(err.Error(), "--view surface") {
		t.Errorf("orbit of a heatmap: %v", err)
	}
	if _, err := OrbitScenes(tile, 1); err == nil {
		t.Error("an orbit of one frame: no error")
	}
}

// SampleModels samples every model on one probe: the same model twice gives the same grid as
// Sample, and a missing file is an error naming it.
func TestSampleModels(t *testing.T) {
	s := DefaultSampling()
	s.Grid = 9
	one, err := s.Sample(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	sms, err := s.SampleModels(context.Background(), []string{"embedded", "embedded"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, sm := range sms {
		if sm.Model != one.Model || sm.Grid.NX != 9 || sm.Net != nil {
			t.Fatalf("model %d: %+v", k, sm)
		}
		for i, v := range sm.Grid.Values {
			if v != one.Grid.Values[i] {
				t.Fatalf("model %d: value %d is %g, Sample gives %g", k, i, v, one.Grid.Values[i])
			}
		}
	}
	if _, err := s.SampleModels(context.Background(), []string{"/nonexistent/a.safetensors", "embedded"}, nil); err == nil || !strings.Contains(err.Error(), "/nonexistent/a.safetensors") {
		t.Errorf("missing model: %v", err)
	}
}
