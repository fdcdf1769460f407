package infer

import (
	"math"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// testPoints returns x0, dirs, coefficients and the explicit points x0 + Σ c·dirs.
func testPoints(D, ndirs, batch int) (x0 []float32, dirs [][]float32, coef, pts []float32) {
	x0 = nettest.Inputs(11, 1, D)
	for d := 0; d < ndirs; d++ {
		v := nettest.Inputs(uint64(20+d), 1, D)
		for i := range v {
			v[i] -= 0.5
		}
		dirs = append(dirs, v)
	}
	coef = nettest.Inputs(30, batch, ndirs)
	for i := range coef {
		coef[i] = 2*coef[i] - 1
	}
	pts = make([]float32, batch*D)
	for k := 0; k < batch; k++ {
		for i := 0; i < D; i++ {
			v := x0[i]
			for d := range dirs {
				v += coef[k*ndirs+d] * dirs[d][i]
			}
			pts[k*D+i] = v
		}
	}
	return x0, dirs, coef, pts
}

// ForwardAffine agrees with Forward on the explicit points to float32 rounding:
// |affine − explicit| ≤ 1e-5·max(1, max|logit|).
func TestForwardAffineMatchesExplicitPoints(t *testing.T) {
	b := nettest.NewBuilder(40, 1, 4, 4)
	b.Dense(b.Op(models.OpFlatten, b.Normalize(0, 1)), 16, 3, true) // entirely affine
	linear := b.Net(t)
	b = nettest.NewBuilder(41, 1, 4, 4)
	b.Op(models.OpFlatten, b.Op(models.OpReLU, 0)) // frontier = the input
	relu := b.Net(t)
	nets := map[string]*models.Net{"mlp": testMLP(t, 2), "cnn": testCNN(t, 3, models.OpReLU), "linear": linear, "relu": relu}
	for name, n := range nets {
		e, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, nd := range []int{0, 1, 2, 3} {
			const batch = 133
			x0, dirs, coef, pts := testPoints(n.InputSize(), nd, batch)
			want := e.Forward(nil, pts, batch)
			got := e.ForwardAffine(nil, x0, dirs, coef, batch)
			scale := 1.0
			for _, w := range want {
				scale = math.Max(scale, math.Abs(float64(w)))
			}
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*scale || math.IsNaN(d) {
					t.Fatalf("%s, %d dirs: logit %d: affine %v, explicit %v", name, nd, i, got[i], want[i])
				}
			}
		}
	}
}

// The shortcut is taken where it saves work: past the first dense layer of the MLP and the
// first convolution of the CNN.
func TestAffineProbeUsesShortcut(t *testing.T) {
	frontier := map[string]int{"mlp": 4, "cnn": 3} // the batch norms after the first dense and conv
	for name, n := range map[string]*models.Net{"mlp": testMLP(t, 2), "cnn": testCNN(t, 3, models.OpReLU)} {
		e, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		x0, dirs, _, _ := testPoints(n.InputSize(), 2, 1)
		pr, err := e.Affine(x0, dirs)
		if err != nil {
			t.Fatal(err)
		}
		if pr.p != e.affine.front || len(pr.nodes) != 1 || pr.nodes[0] != frontier[name] {
			t.Errorf("%s: probe combines nodes %v, want [%d]", name, pr.nodes, frontier[name])
		}
	}
}

func TestAffineRejectsBadDirections(t *testing.T) {
	e, err := New(testMLP(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	x0, dirs, _, _ := testPoints(e.InputSize(), 2, 1)
	if _, err := e.Affine(x0[:5], dirs); err == nil {
		t.Error("short x0 accepted")
	}
	dirs[1][3] = float32(math.NaN())
	if _, err := e.Affine(x0, dirs); err == nil {
		t.Error("NaN direction accepted")
	}
}

// ForwardAffine alternating between two planes reuses both cached probes and stays exact.
func TestForwardAffineCacheAlternates(t *testing.T) {
	n := testMLP(t, 2)
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	x0, dirs, coef, _ := testPoints(n.InputSize(), 2, 5)
	x1 := append([]float32(nil), x0...)
	x1[0] += 0.5
	want0 := e.ForwardAffine(nil, x0, dirs, coef, 5)
	want1 := e.ForwardAffine(nil, x1, dirs, coef, 5)
	first := e.probes[1]
	for round := 0; round < 3; round++ {
		got0 := e.ForwardAffine(nil, x0, dirs, coef, 5)
		got1 := e.ForwardAffine(nil, x1, dirs, coef, 5)
		for i := range want0 {
			if got0[i] != want0[i] || got1[i] != want1[i] {
				t.Fatalf("round %d: logit %d changed", round, i)
			}
		}
	}
	if len(e.probes) != 2 || e.probes[1] != first {
		t.Errorf("cache holds %d probes; the first probe was rebuilt", len(e.probes))
	}
	if want0[0] == want1[0] {
		t.Error("different planes give the same logits")
	}
}
