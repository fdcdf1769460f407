package surface

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

// lineNet is a ReLU net on 1×1×2 inputs (x, y) with one hidden unit per line a·x + b·y + c = 0 and
// one output summing them: its linear regions in the plane are the cells of that line arrangement.
func lineNet(lines [][3]float32) *models.Net {
	w, b := models.NewTensor(len(lines), 2), models.NewTensor(len(lines))
	for i, l := range lines {
		w.Data[2*i], w.Data[2*i+1], b.Data[i] = l[0], l[1], l[2]
	}
	out := models.NewTensor(1, len(lines))
	for i := range out.Data {
		out.Data[i] = 1
	}
	return &models.Net{Input: [3]int{1, 1, 2}, Classes: 1, Nodes: []models.Node{
		{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{"weight": w, "bias": b}},
		{Op: models.OpReLU, Inputs: []int{2}},
		{Op: models.OpDense, Inputs: []int{3}, Params: map[string]*models.Tensor{"weight": out}},
	}}
}

// unitPlane is the plane through (0,0) with directions (1,0) and (0,1), coordinates in [−1, 1].
func unitPlane(t *testing.T, n int) *projection.Probe {
	p, err := projection.RandomPlane([3]int{1, 1, 2}, []float32{0, 0}, 1, n, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	p.Origin = []float32{0, 0}
	p.Dirs = [][]float32{{1, 0}, {0, 1}}
	return p
}

func TestLinearRegionsOfLineArrangements(t *testing.T) {
	cases := []struct {
		name  string
		lines [][3]float32
		want  int
	}{
		// Three lines in general position through the square cut it into 7 cells.
		{"three lines", [][3]float32{{1, 0, -0.1}, {0, 1, 0.2}, {1, 1, 0.3}}, 7},
		// Two parallel lines and one across: 6 cells.
		{"parallel", [][3]float32{{1, 0, -0.4}, {1, 0, 0.4}, {0, 1, 0.05}}, 6},
		// A line outside the square changes nothing: 1 region.
		{"outside", [][3]float32{{1, 0, 5}}, 1},
	}
	for _, c := range cases {
		net := lineNet(c.lines)
		rm, err := LinearRegions(context.Background(), net, unitPlane(t, 64), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rm.Components != c.want || rm.Patterns != c.want || rm.Units != len(c.lines) {
			t.Errorf("%s: %d regions, %d patterns, %d units; want %d regions and patterns", c.name, rm.Components, rm.Patterns, rm.Units, c.want)
		}
	}
	// The line y = 0.5 from x = −1 to 1 crosses x = 0.1 and x + y = −0.3 (at x = −0.8) and runs
	// above y = −0.2: 3 segments.
	net := lineNet([][3]float32{{1, 0, -0.1}, {0, 1, 0.2}, {1, 1, 0.3}})
	line, _ := projection.MixupLine([3]int{1, 1, 2}, []float32{-1, 0.5}, []float32{1, 0.5}, 101, 0, 0)
	rm, err := LinearRegions(context.Background(), net, line, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Components != 3 || rm.Switches != 2 {
		t.Errorf("line: %d segments and %d switches, want 3 and 2", rm.Components, rm.Switches)
	}
	// One boundary x = 0.1 across the square [−1, 1]² cuts each of the 64 rows once: 64 switches
	// over 64 rows and 64 columns of length 2, a rate of 0.25 per unit distance.
	rm, _ = LinearRegions(context.Background(), lineNet([][3]float32{{1, 0, -0.1}}), unitPlane(t, 64), nil)
	if rm.Switches != 64 || math.Abs(rm.SwitchRate-0.25) > 1e-12 {
		t.Errorf("one line: %d switches at rate %g, want 64 at 0.25", rm.Switches, rm.SwitchRate)
	}
}

// TestLinearRegionsMaxPool: max(x, y) over a 1×2 window switches on the diagonal y = x; parallel
// strips and a clip's three pieces are counted too.
func TestLinearRegionsMaxPool(t *testing.T) {
	net := &models.Net{Input: [3]int{1, 1, 2}, Classes: 1, Nodes: []models.Node{
		{Op: models.OpInput},
		{Op: models.OpMaxPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{1, 2}, Stride: [2]int{1, 2}}},
		{Op: models.OpFlatten, Inputs: []int{1}},
	}}
	rm, err := LinearRegions(context.Background(), net, unitPlane(t, 40), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Components != 2 || rm.Patterns != 2 {
		t.Fatalf("max pool: %d regions %d patterns, want 2 and 2", rm.Components, rm.Patterns)
	}
	// relu(x − 0.5) and relu(−x − 0.5): three strips.
	strips := lineNet([][3]float32{{1, 0, -0.5}, {-1, 0, -0.5}})
	rm, _ = LinearRegions(context.Background(), strips, unitPlane(t, 40), nil)
	if rm.Components != 3 || rm.Patterns != 3 {
		t.Fatalf("strips: %d regions %d patterns, want 3 and 3", rm.Components, rm.Patterns)
	}
	// clip(x, −0.5, 0.5): below, between and above, three strips.
	clip := lineNet([][3]float32{{1, 0, 0}})
	clip.Nodes[3] = models.Node{Op: models.OpClip, Inputs: []int{2}, Attr: models.Attr{Min: -0.5, Max: 0.5}}
	rm, _ = LinearRegions(context.Background(), clip, unitPlane(t, 40), nil)
	if rm.Components != 3 || rm.Patterns != 3 {
		t.Fatalf("clip: %d regions %d patterns, want 3 and 3", rm.Components, rm.Patterns)
	}
}

func TestLinearRegionsComponents(t *testing.T) {
	// Same value in two places separated by another: 3 components, 2 distinct values.
	h := []uint64{1, 1, 2, 1, 1, 1, 2, 1}
	labels, n := components(h, 4, 2)
	if n != 3 || labels[0] != 0 || labels[2] != 1 || labels[3] != 2 {
		t.Fatalf("components %v (%d)", labels, n)
	}
}

func TestLinearRegionsRejectsSmoothNets(t *testing.T) {
	net := smallMLP(t, models.OpTanh, 1)
	p, _ := projection.RandomPlane(net.Input, make([]float32, 20), 1, 8, 1, 1)
	if _, err := LinearRegions(context.Background(), net, p, nil); err == nil || !strings.Contains(err.Error(), "smooth") {
		t.Fatalf("tanh net: err = %v", err)
	}
}

func TestPiecewiseLinearAllowsFinalSoftmaxOnly(t *testing.T) {
	net := lineNet([][3]float32{{1, 0, 0}})
	if !PiecewiseLinear(net) {
		t.Fatal("ReLU net not piecewise linear")
	}
	net.Nodes = append(net.Nodes, models.Node{Op: models.OpLogSoftmax, Inputs: []int{4}})
	if !PiecewiseLinear(net) {
		t.Error("a final log-softmax rejected")
	}
	rm, err := LinearRegions(context.Background(), net, unitPlane(t, 16), nil)
	if err != nil || rm.Components != 2 {
		t.Errorf("with a final log-softmax: %v regions, err %v", rm, err)
	}
	inner := lineNet([][3]float32{{1, 0, 0}})
	inner.Nodes = append(inner.Nodes[:4], models.Node{Op: models.OpSoftmax, Inputs: []int{3}},
		models.Node{Op: models.OpDense, Inputs: []int{4}, Params: inner.Nodes[4].Params})
	if PiecewiseLinear(inner) {
		t.Error("a softmax inside the net accepted")
	}
}

// TestRegionCountHeadline: for a ReLU net the headline count is the exact count (MLPs) or the
// distinct patterns, never the connected components, which the grid inflates. The strip
// |x − y| < 0.01 is one region, but on a 64×64 grid of [−1, 1]² its samples are the diagonal
// points i = j, none 4-connected to another: 64 components, with the two half-planes 66, for 3
// regions. A grid whose every point sits in its own region says so (Saturated), and a net with
// a multiplicative merge before a unit (curved, possibly non-convex regions) counts components.
func TestRegionCountHeadline(t *testing.T) {
	ctx := context.Background()
	strip := lineNet([][3]float32{{1, -1, -0.01}, {-1, 1, -0.01}})
	rm, err := LinearRegions(ctx, strip, unitPlane(t, 64), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Components != 66 || rm.Patterns != 3 || !rm.Convex || rm.Count() != 3 || rm.Saturated {
		t.Errorf("thin diagonal strip: %d components, %d patterns, convex %v, count %d", rm.Components, rm.Patterns, rm.Convex, rm.Count())
	}
	sum, err := summarizeRegions(ctx, strip, unitPlane(t, 64), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count != 3 || sum.Basis != BasisExact || sum.Exact.Regions != 3 || sum.Components != 66 {
		t.Errorf("thin diagonal strip summary: %+v", sum)
	}
	if sum, _ := summarizeRegions(ctx, strip, unitPlane(t, 64), nil, false); sum.Count != 3 || sum.Basis != BasisPatterns {
		t.Errorf("thin diagonal strip without the exact count: %+v", sum)
	}
	// Lines between the grid's columns and rows of a 4×4 grid over [−1, 1]² (at −1, −1/3, 1/3, 1):
	// 16 cells, one point each.
	cells := lineNet([][3]float32{{1, 0, 2.0 / 3}, {1, 0, 0}, {1, 0, -2.0 / 3}, {0, 1, 2.0 / 3}, {0, 1, 0}, {0, 1, -2.0 / 3}})
	if rm, _ := LinearRegions(ctx, cells, unitPlane(t, 4), nil); rm.Patterns != 16 || !rm.Saturated {
		t.Errorf("one region per grid point: %d patterns, saturated %v", rm.Patterns, rm.Saturated)
	}
	if rm, _ := LinearRegions(ctx, cells, unitPlane(t, 32), nil); rm.Patterns != 16 || rm.Saturated {
		t.Errorf("16 cells on a 32×32 grid: %d patterns, saturated %v", rm.Patterns, rm.Saturated)
	}
	// relu(x² + y² − 0.25) through a product: the disc and the square around it, a region that
	// is not convex. Components are the count; no exact count (not an MLP chain).
	sq := &models.Net{Input: [3]int{1, 1, 2}, Classes: 1, Nodes: []models.Node{
		{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpMul, Inputs: []int{1, 1}},
		{Op: models.OpDense, Inputs: []int{2}, Params: map[string]*models.Tensor{
			"weight": {Shape: []int{1, 2}, Data: []float32{1, 1}}, "bias": {Shape: []int{1}, Data: []float32{-0.25}}}},
		{Op: models.OpReLU, Inputs: []int{3}},
	}}
	sum, err = summarizeRegions(ctx, sq, unitPlane(t, 32), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Convex || sum.Basis != BasisComponents || sum.Count != sum.Components || sum.Count != 2 || sum.Exact != nil {
		t.Errorf("product net: %+v", sum)
	}
}

// The 2×2 max-pool pattern (the fast path) is the position of the first largest value of each
// window, ties included (scan order: top left, top right, bottom left, bottom right).
func TestPool2PatternMatchesTheWindowScan(t *testing.T) {
	const c, h, w = 3, 6, 8
	r := rand.New(rand.NewPCG(4, 4))
	x := make([]float32, c*h*w)
	for i := range x {
		x[i] = float32(r.IntN(3)) // many ties
	}
	fast := &patternSource{op: models.OpMaxPool, attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}, shape: []int{c, h, w}}
	if !fast.pool2() {
		t.Fatal("a 2×2 pool of stride 2 not on the fast path")
	}
	got := make([]byte, fast.bytes())
	fast.encode(got, x)
	scan := make([]byte, fast.units()) // the generic window scan, a byte per window
	encodePool(scan, x, fast)
	field := func(k int) byte { return got[k/4] >> (2 * (k % 4)) & 3 } // little-endian 2-bit fields
	k := 0
	for ch := 0; ch < c; ch++ {
		for oy := 0; oy < h/2; oy++ {
			for ox := 0; ox < w/2; ox++ {
				at, best := 0, x[(ch*h+2*oy)*w+2*ox]
				for q := 1; q < 4; q++ {
					if v := x[(ch*h+2*oy+q/2)*w+2*ox+q%2]; v > best {
						at, best = q, v
					}
				}
				if field(k) != byte(at) || scan[k] != byte(at) {
					t.Fatalf("channel %d window (%d,%d): %d (window scan %d), want %d", ch, oy, ox, field(k), scan[k], at)
				}
				k++
			}
		}
	}
}

// hammingFields counts the fields that differ, not the bits: random patterns of 1-, 2- and 8-bit
// fields packed by fieldWriter, against a field-by-field count.
func TestHammingFieldsCountsUnits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, width := range []int{1, 2, 8} {
		const units = 301 // a partial last word
		a, b := make([]uint64, units), make([]uint64, units)
		want := 0
		for k := range a {
			a[k] = r.Uint64N(1 << width)
			b[k] = a[k]
			if r.IntN(3) == 0 {
				b[k] = r.Uint64N(1 << width)
			}
			want += int(b2u(a[k] != b[k]))
		}
		pack := func(v []uint64) []byte {
			dst := make([]byte, (units*width+63)/64*8)
			var f fieldWriter
			for _, x := range v {
				f.put(dst, x, width)
			}
			f.flush(dst)
			return dst
		}
		if got := hammingFields(pack(a), pack(b), width); got != want {
			t.Errorf("width %d: %d fields differ, want %d", width, got, want)
		}
	}
}
