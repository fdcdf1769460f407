package surface

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/shard"
	"github.com/surfscope/surfscope/models"
)

// atlasParts builds every shard's part of cfg's atlas, each through a JSON round trip (as the parts
// travel between machines).
func atlasParts(t *testing.T, net *models.Net, x []float32, y []int, cfg *AtlasConfig, n int) []*AtlasPart {
	t.Helper()
	var parts []*AtlasPart
	for i := n - 1; i >= 0; i-- { // any order
		p, err := BuildAtlasPart(context.Background(), net, x, y, cfg, shard.Shard{Index: i, Count: n}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back AtlasPart
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, &back)
	}
	return parts
}

func TestAtlasPartsMergeToTheUnshardedAtlas(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 7)
	x, y := randomData(3, 60, 20, 3)
	cfg := &AtlasConfig{Planes: 5, Lines: 4, Flips: 2, Randoms: 2, Grid: 9, Points: 21, Seed: 3, Regions: true, Exact: true, InputGradient: true}
	whole, err := BuildAtlas(context.Background(), net, x, y, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(whole)
	for _, n := range []int{1, 2, 4, 14, 20} { // 14 items: every item its own shard; 20: idle shards
		merged, err := MergeAtlasParts(atlasParts(t, net, x, y, cfg, n))
		if err != nil {
			t.Fatalf("%d shards: %v", n, err)
		}
		if got, _ := json.Marshal(merged); !bytes.Equal(got, want) {
			t.Fatalf("%d shards merged differ from the unsharded atlas:\n%s\n%s", n, got, want)
		}
	}
}

func TestMergeAtlasPartsRefusesBadSets(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 7)
	x, y := randomData(3, 60, 20, 3)
	cfg := &AtlasConfig{Planes: 3, Lines: 3, Flips: -1, Grid: 5, Points: 9, Seed: 1}
	parts := atlasParts(t, net, x, y, cfg, 3)
	other := *cfg
	other.Seed = 2
	foreign := atlasParts(t, net, x, y, &other, 3)
	truncated := *parts[1]
	truncated.Probes = truncated.Probes[:1]
	for what, c := range map[string]struct {
		parts []*AtlasPart
		want  string
	}{
		"missing":   {parts[:2], "missing shard"},
		"twice":     {[]*AtlasPart{parts[0], parts[1], parts[2], parts[1]}, "both shard"},
		"foreign":   {[]*AtlasPart{parts[0], foreign[1], parts[2]}, "different atlases"},
		"truncated": {[]*AtlasPart{parts[0], &truncated, parts[2]}, "missing or malformed"},
	} {
		if _, err := MergeAtlasParts(c.parts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", what, err, c.want)
		}
	}
}
