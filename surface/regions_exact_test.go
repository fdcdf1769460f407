package surface

import (
	"context"
	"math"
	"testing"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
)

// twoLayerNet is the hand-built MLP on 1×1×2 inputs (x, y):
//
//	h = act(x, y)                      layer 1: units x and y
//	g = act(h₁ + h₂ − 0.5, h₁ − h₂)    layer 2
//	logits = g
//
// with act ReLU (alpha = 0) or leaky ReLU (slope alpha below 0).
func twoLayerNet(alpha float32) *models.Net {
	op := models.OpReLU
	if alpha != 0 {
		op = models.OpLeakyReLU
	}
	dense := func(in int, w []float32, b []float32) models.Node {
		wt := &models.Tensor{Shape: []int{2, 2}, Data: w}
		p := map[string]*models.Tensor{"weight": wt}
		if b != nil {
			p["bias"] = &models.Tensor{Shape: []int{2}, Data: b}
		}
		return models.Node{Op: models.OpDense, Inputs: []int{in}, Params: p}
	}
	act := func(in int) models.Node {
		return models.Node{Op: op, Inputs: []int{in}, Attr: models.Attr{Alpha: alpha}}
	}
	return &models.Net{Input: [3]int{1, 1, 2}, Classes: 2, Nodes: []models.Node{
		{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		dense(1, []float32{1, 0, 0, 1}, nil), act(2),
		dense(3, []float32{1, 1, 1, -1}, []float32{-0.5, 0}), act(4),
		dense(5, []float32{1, 0, 0, 1}, nil),
	}}
}

// TestExactRegionsOfHandBuiltMLP counts by hand the regions of twoLayerNet on the square
// [−1, 1]² (s = x, t = y).
//
// ReLU. Layer 1 cuts the square along x = 0 and y = 0 into the four quadrants (4 cells). Layer 2
// on each quadrant, where h = (x⁺, y⁺):
//   - x > 0, y > 0: unit 1 is x + y − 0.5 (the line x + y = 0.5) and unit 2 is x − y (the
//     diagonal); the two lines cross at (0.25, 0.25) inside the quadrant: 4 cells;
//   - x < 0, y > 0: unit 1 is y − 0.5 (cuts at y = 0.5); unit 2 is −y < 0 (no cut): 2 cells;
//   - x > 0, y < 0: unit 1 is x − 0.5 (cuts at x = 0.5); unit 2 is x > 0: 2 cells;
//   - x < 0, y < 0: unit 1 is −0.5 and unit 2 is 0 everywhere (no cut): 1 cell.
//
// Total 4 + 2 + 2 + 1 = 9.
//
// Leaky ReLU, slope 0.1. Now h = (x or 0.1x, y or 0.1y): the first three quadrants are cut as
// before (unit 1 becomes y = 0.5 − 0.1x and x = 0.5 − 0.1y, still inside), and in x < 0, y < 0
// unit 2 is 0.1(x − y), which cuts along the diagonal: 4 + 2 + 2 + 2 = 10.
//
// On the diagonal segment from (−1, −1) to (1, 1) (a mixup line, λ ∈ [0, 1], point (2λ−1)(1, 1)),
// the ReLU net changes piece at the origin (λ = 0.5, both layer-1 units) and on x + y = 0.5
// (λ = 0.625); unit 2 is x − y = 0 all along it, which cuts nothing: 3 pieces.
func TestExactRegionsOfHandBuiltMLP(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		alpha float32
		want  int
	}{{0, 9}, {0.1, 10}} {
		net := twoLayerNet(c.alpha)
		ex, err := ExactRegions(ctx, net, unitPlane(t, 9), nil)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Regions != c.want || len(ex.Cells) != c.want || len(ex.PerLayer) != 2 || ex.PerLayer[0] != 4 {
			t.Errorf("slope %g: %d regions (per layer %v), want %d (4 after layer 1)", c.alpha, ex.Regions, ex.PerLayer, c.want)
		}
		checkPartition(t, ex, 4)
		// The grid's distinct patterns never exceed the exact count and reach it as the grid
		// refines (the smallest cell here is a triangle of area 1/32).
		prev := 0
		for _, n := range []int{3, 5, 9, 17, 33, 65} {
			rm, err := LinearRegions(ctx, net, unitPlane(t, n), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rm.Patterns > c.want || rm.Patterns < prev {
				t.Errorf("slope %g, grid %d: %d patterns (previous grid %d), exact %d", c.alpha, n, rm.Patterns, prev, c.want)
			}
			prev = rm.Patterns
		}
		if prev != c.want {
			t.Errorf("slope %g: %d patterns on a 65×65 grid, want the exact %d", c.alpha, prev, c.want)
		}
	}
	line, err := projection.MixupLine([3]int{1, 1, 2}, []float32{-1, -1}, []float32{1, 1}, 101, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ExactRegions(ctx, twoLayerNet(0), line, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ex.Regions != 3 {
		t.Errorf("diagonal: %d pieces %v, want 3", ex.Regions, ex.Cells)
	}
	checkPartition(t, ex, 1)
}

// checkPartition checks that the cells of ex cover a probe's rectangle (or segment) of the given
// area (length) without overlap: their measures add up to it.
func checkPartition(t *testing.T, ex *ExactPartition, want float64) {
	t.Helper()
	total := 0.0
	for _, c := range ex.Cells {
		total += c.measure()
	}
	if math.Abs(total-want) > 1e-9*want {
		t.Errorf("cells cover %.12g, want %g", total, want)
	}
}

// TestExactRegionsAgreeWithPatterns: on a random ReLU MLP and a random plane, every exact cell's
// interior point has its own activation pattern (the cells are distinct regions); every pattern a
// grid finds is one of them, so the grid's count is a lower bound, and it approaches the exact
// count as the grid refines (small cells are missed by coarse grids).
func TestExactRegionsAgreeWithPatterns(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 4)
	var ex *ExactPartition
	prev := 0
	for _, n := range []int{33, 129, 513} {
		p, err := projection.RandomPlane(net.Input, make([]float32, net.InputSize()), 2, n, 7, 1)
		if err != nil {
			t.Fatal(err)
		}
		if ex == nil {
			if ex, err = ExactRegions(context.Background(), net, p, nil); err != nil {
				t.Fatal(err)
			}
			checkPartition(t, ex, (p.S[n-1]-p.S[0])*(p.T[n-1]-p.T[0]))
			if cells := cellPatterns(t, net, p, ex); len(cells) != ex.Regions {
				t.Fatalf("%d cells but %d distinct patterns at their centres", ex.Regions, len(cells))
			}
		}
		cells := cellPatterns(t, net, p, ex)
		grid := gridPatterns(t, net, p)
		for pat := range grid {
			if !cells[pat] {
				t.Fatalf("grid %d: a pattern no exact cell has", n)
			}
		}
		if len(grid) > ex.Regions || len(grid) < prev {
			t.Errorf("%d×%d grid: %d patterns (coarser grid %d), exact %d", n, n, len(grid), prev, ex.Regions)
		}
		prev = len(grid)
		t.Logf("exact %d regions (per layer %v); %d×%d grid: %d patterns", ex.Regions, ex.PerLayer, n, n, len(grid))
	}
	if prev < ex.Regions*95/100 {
		t.Errorf("513×513 grid: %d patterns, exact %d", prev, ex.Regions)
	}
}

// cellPatterns returns the set of activation patterns at the centres of ex's cells.
func cellPatterns(t *testing.T, net *models.Net, p *projection.Probe, ex *ExactPartition) map[string]bool {
	t.Helper()
	pm, at := testPatternMap(t, net, p)
	units := pm.size
	coef := make([]float32, 0, 2*len(ex.Cells))
	for _, c := range ex.Cells {
		z := centroid(c)
		coef = append(coef, float32(z[0]), float32(z[1]))
	}
	dst := make([]byte, units*len(ex.Cells))
	pm.encode(dst, nil, at, coef[:len(p.Dirs)*len(ex.Cells)], len(ex.Cells), nil)
	out := map[string]bool{}
	for q := range ex.Cells {
		out[string(dst[q*units:(q+1)*units])] = true
	}
	return out
}

// testPatternMap returns net's pattern map and its affine tap on p.
func testPatternMap(t *testing.T, net *models.Net, p *projection.Probe) (*patternMap, *infer.AffineTap) {
	t.Helper()
	pm, err := newPatternMap(net, false)
	if err != nil {
		t.Fatal(err)
	}
	at, err := pm.tap.Affine(p.Origin, p.Dirs)
	if err != nil {
		t.Fatal(err)
	}
	return pm, at
}

// gridPatterns returns the set of activation patterns at the grid points of p.
func gridPatterns(t *testing.T, net *models.Net, p *projection.Probe) map[string]bool {
	t.Helper()
	pm, at := testPatternMap(t, net, p)
	units := pm.size
	n := p.Len()
	coef := make([]float32, len(p.Dirs)*n)
	for k := 0; k < n; k++ {
		p.Coef(coef[k*len(p.Dirs):], k)
	}
	dst := make([]byte, units*n)
	pm.encode(dst, nil, at, coef, n, nil)
	out := map[string]bool{}
	for q := 0; q < n; q++ {
		out[string(dst[q*units:(q+1)*units])] = true
	}
	return out
}

// TestExactRegionsOfEmbeddedMLP counts the regions of the embedded MLP (784-128-128-10, ReLU) on
// the data plane through test images 0, 1, 2 of the embedded MNIST sample, and checks the grid's
// distinct patterns against it: never more, and most of them on a 512×512 grid.
func TestExactRegionsOfEmbeddedMLP(t *testing.T) {
	net, err := modelfile.Load(modelfile.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Open(dataset.Sample, dataset.Test)
	if err != nil {
		t.Fatal(err)
	}
	img := func(i int) []float32 { return set.Images[i*set.ImageSize() : (i+1)*set.ImageSize()] }
	p, err := projection.DataPlane(net.Input, img(0), img(1), img(2), 512, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ExactRegions(context.Background(), net, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, ex, (p.S[511]-p.S[0])*(p.T[511]-p.T[0]))
	cells := cellPatterns(t, net, p, ex)
	if len(cells) != ex.Regions {
		t.Fatalf("%d cells but %d distinct patterns at their centres", ex.Regions, len(cells))
	}
	grid := gridPatterns(t, net, p)
	missing := 0
	for pat := range grid {
		if !cells[pat] {
			missing++
		}
	}
	if missing > 0 || len(grid) > ex.Regions || len(grid) < ex.Regions*8/10 {
		t.Errorf("512×512 grid: %d patterns (%d not among the exact cells), exact %d", len(grid), missing, ex.Regions)
	}
	t.Logf("embedded MLP, data plane 0,1,2: exact %d regions (per layer %v); 512×512 grid: %d patterns", ex.Regions, ex.PerLayer, len(grid))
}
