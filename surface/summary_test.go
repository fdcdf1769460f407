package surface

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

func TestSummarizeChoosesAnalysesByProbe(t *testing.T) {
	net := flipInvariantMLP(t)
	ev, _ := infer.New(net)
	r := rand.New(rand.NewPCG(3, 3))
	flip, _ := projection.FlipPlane(net.Input, randImage(r, 20), 1, 11, 0.1)
	mix, _ := projection.MixupLine(net.Input, randImage(r, 20), randImage(r, 20), 21, 0, 0)
	data, _ := projection.DataPlane(net.Input, randImage(r, 20), randImage(r, 20), randImage(r, 20), 11, 0.1)
	opt := &SummaryOptions{Net: net, Grader: ev}
	for _, p := range []*projection.Probe{flip, mix, data} {
		g, err := Sample(context.Background(), ev, p, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Summarize(context.Background(), g, opt)
		if err != nil {
			t.Fatal(err)
		}
		if (s.Symmetry != nil) != (p.Kind == "flip") || (s.Mixup != nil) != (p.Kind == "mixup") || (s.Curvature != nil) != (p.T != nil) {
			t.Errorf("%s: symmetry %v mixup %v curvature %v", p.Kind, s.Symmetry != nil, s.Mixup != nil, s.Curvature != nil)
		}
		if s.Regions == nil || s.Regions.Count < 1 || s.Regions.Basis != BasisExact || s.InputGradient == nil {
			t.Errorf("%s: regions %+v input gradient %v", p.Kind, s.Regions, s.InputGradient)
		}
		if p.Kind == "flip" && s.Symmetry.OddShare > 1e-9 {
			t.Errorf("flip-invariant net: odd share %g", s.Symmetry.OddShare)
		}
		if _, err := json.Marshal(s); err != nil {
			t.Errorf("%s: JSON: %v", p.Kind, err)
		}
		if s.InputGradient.Max <= 0 || math.IsNaN(s.Gradient.Mean) {
			t.Errorf("%s: gradients %+v %+v", p.Kind, s.Gradient, s.InputGradient)
		}
	}
	tanh := smallMLP(t, models.OpTanh, 1)
	ev2, _ := infer.New(tanh)
	g, _ := Sample(context.Background(), ev2, data, nil, nil)
	s, err := Summarize(context.Background(), g, &SummaryOptions{Net: tanh})
	if err != nil || s.Regions != nil {
		t.Fatalf("tanh net: regions %+v, err %v; want them skipped", s.Regions, err)
	}
}

func TestAtlasIsSeededAndComplete(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 7)
	x, y := randomData(3, 60, 20, 3)
	cfg := &AtlasConfig{Planes: 4, Lines: 5, Flips: 3, Randoms: 2, Grid: 9, Points: 21, Seed: 2, Regions: true, Exact: true, InputGradient: true}
	var last int
	a, err := BuildAtlas(context.Background(), net, x, y, cfg, func(done, total int) {
		if total != 15 || done != last+1 {
			t.Errorf("progress %d/%d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Probes["plane"] != 4 || a.Probes["line"] != 5 || a.Probes["flip"] != 3 || a.Probes["random"] != 2 {
		t.Fatalf("probes %v", a.Probes)
	}
	for _, m := range AtlasMetrics {
		st, ok := a.Metrics[m.Name]
		if strings.HasSuffix(m.Name, ".components") || strings.Contains(m.Name, ".gate_") { // multiplicative merges, gates
			if ok {
				t.Errorf("%s recorded for a ReLU MLP, whose regions are convex and which has no gates", m.Name)
			}
			continue
		}
		if !ok {
			t.Errorf("metric %s missing", m.Name)
			continue
		}
		kind, _, _ := strings.Cut(m.Name, ".")
		want := map[string]int{"plane": 4, "line": 5, "flip": 3, "random": 2}[kind]
		if m.Name == "flip.agreement" || m.Name == "flip.abs_delta" {
			want = 1 // one number for the whole split
		}
		if st.N != want {
			t.Errorf("%s: %d values, want %d", m.Name, st.N, want)
		}
		if v := a.Values[m.Name]; len(v) != want || Describe(v) != st {
			t.Errorf("%s: per-probe values %v do not give the statistics %+v", m.Name, v, st)
		}
	}
	b, _ := BuildAtlas(context.Background(), net, x, y, cfg, nil)
	for name, st := range a.Metrics {
		if b.Metrics[name] != st {
			t.Fatalf("%s differs between runs with one seed: %+v vs %+v", name, st, b.Metrics[name])
		}
	}
	noRandom := *cfg
	noRandom.Randoms = 0
	c, _ := BuildAtlas(context.Background(), net, x, y, &noRandom, nil)
	for name, st := range c.Metrics {
		if a.Metrics[name] != st || strings.HasPrefix(name, "random.") {
			t.Fatalf("%s: random planes changed the other probes (%+v vs %+v)", name, st, a.Metrics[name])
		}
	}
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Atlas
	if err := json.Unmarshal(js, &back); err != nil || back.Metrics["line.tv"] != a.Metrics["line.tv"] ||
		!slices.Equal(back.Values["line.tv"], a.Values["line.tv"]) {
		t.Fatalf("JSON round trip: %v", err)
	}
	nan, _ := json.Marshal(ProbeValues{1, math.NaN(), math.Inf(1)})
	var nanBack ProbeValues
	if err := json.Unmarshal(nan, &nanBack); string(nan) != "[1,null,null]" || err != nil || len(nanBack) != 3 || !math.IsNaN(nanBack[1]) {
		t.Errorf("NaN values as JSON: %s, back %v (%v)", nan, nanBack, err)
	}
	if _, err := BuildAtlas(context.Background(), net, x[:40], y[:2], nil, nil); err == nil {
		t.Error("two images accepted")
	}
}

func TestAdversarialPlaneClimbsTheLoss(t *testing.T) {
	net := smallMLP(t, models.OpTanh, 2)
	ev, _ := infer.New(net)
	r := rand.New(rand.NewPCG(8, 8))
	x := randImage(r, 20)
	p, err := AdversarialPlane(ev, net.Input, x, 1, 3, 21, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	g := ev.InputGrad(nil, x, 1, -1, []int{1})
	if c := dot64(to64s(p.Dirs[0]), to64s(g)) / norm32(g); math.Abs(c-1) > 1e-5 {
		t.Fatalf("e1·g/‖g‖ = %g, want 1", c)
	}
	grid, _ := Sample(context.Background(), ev, p, nil, nil)
	loss := Loss(grid, 1)
	if !(loss.Z(11, 10) > loss.Z(10, 10) && loss.Z(10, 10) > loss.Z(9, 10)) {
		t.Fatalf("loss does not rise along e1 at x0: %g %g %g", loss.Z(9, 10), loss.Z(10, 10), loss.Z(11, 10))
	}
	if _, err := AdversarialPlane(ev, net.Input, x, 5, 3, 21, 0.5); err == nil {
		t.Error("label 5 of 3 accepted")
	}
}

// A net with gates gets their saturation in the atlas: per plane, per line, and once over the split.
func TestAtlasGates(t *testing.T) {
	net, err := models.NewResNet(models.ResNetConfig{Input: [3]int{1, 4, 4}, Classes: 3, Shortcut: models.ShortcutGate, SE: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, y := randomData(4, 40, 16, 3)
	a, err := BuildAtlas(context.Background(), net, x, y, &AtlasConfig{Planes: 2, Lines: 3, Grid: 5, Points: 9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"plane.gate_low": 2, "plane.gate_high": 2, "line.gate_low": 3, "line.gate_high": 3,
		"split.gate_low": 1, "split.gate_high": 1} {
		if st, ok := a.Metrics[name]; !ok || st.N != n || st.Max > 1 || st.Min < 0 {
			t.Errorf("%s: %+v, want %d shares", name, st, n)
		}
	}
	if a.Gates == nil || len(a.Gates.Gates) != 6 || a.Gates.Inputs != 40 {
		t.Errorf("split gates %+v", a.Gates)
	}
}

// A cancelled context stops Summarize even when it runs none of the analyses that sample the net
// (it used to run every summary to the end: 12 s on a 1024² plane).
func TestSummarizeStopsWhenCancelled(t *testing.T) {
	net := flipInvariantMLP(t)
	ev, _ := infer.New(net)
	r := rand.New(rand.NewPCG(4, 4))
	data, _ := projection.DataPlane(net.Input, randImage(r, 20), randImage(r, 20), randImage(r, 20), 11, 0.1)
	g, err := Sample(context.Background(), ev, data, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Summarize(ctx, g, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Summarize with a cancelled context: %v", err)
	}
}
