package infer

import (
	"math"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
	"gonum.org/v1/gonum/diff/fd"
)

// testScalar is the scalar InputGrad differentiates, computed with ForwardReference in float64:
// logit class, or with class < 0 the cross-entropy against label.
func testScalar(t *testing.T, n *models.Net, x []float64, class, label int) float64 {
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	z, err := n.ForwardReference(x32)
	if err != nil {
		t.Fatal(err)
	}
	if class >= 0 {
		return float64(z[class])
	}
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, float64(v))
	}
	s := 0.0
	for _, v := range z {
		s += math.Exp(float64(v) - m)
	}
	return m + math.Log(s) - float64(z[label])
}

// Smooth nets: every input coordinate against central differences (gonum/diff/fd, step 1e-3) of the
// reference forward pass; |grad − fd| ≤ 2e-3·max(1, max|fd|).
func TestInputGradMatchesFiniteDifferences(t *testing.T) {
	b := nettest.NewBuilder(50, 2, 6, 5)
	x := b.Conv(b.Normalize(0, 2), 2, 4, 3, models.Attr{Stride: [2]int{2, 1}, Pad: [4]int{1, 1, 1, 1}, Dilation: [2]int{1, 2}}, true)
	x = b.Op(models.OpTanh, b.BatchNorm(x, 4))
	x = b.Conv(x, 4, 4, 3, models.Attr{Groups: 2, Pad: [4]int{1, 1, 1, 1}}, false)
	g := b.Op(models.OpSigmoid, b.Op(models.OpGlobalAvgPool, x))
	x = b.Op(models.OpAdd, b.Op(models.OpMul, x, g), x)
	x = b.Op(models.OpGELU, b.BatchNorm(x, 4))
	x = b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{x}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{1, 2}, Pad: [4]int{1, 0, 0, 0}}})
	x = b.Conv(x, 4, 3, 1, models.Attr{}, true)
	x = b.Op(models.OpFlatten, x)
	x = b.Dense(x, b.Size(x), 10, true)
	x = b.Op(models.OpSigmoid, x)
	b.Dense(x, 10, 4, true)
	nets := map[string]*models.Net{"cnn": b.Net(t)}
	b = nettest.NewBuilder(51, 1, 4, 5)
	x = b.Dense(b.Op(models.OpFlatten, b.Normalize(0, 1)), 20, 12, true)
	x = b.Op(models.OpGELU, b.BatchNorm(x, 12))
	x = b.Op(models.OpTanh, b.Dense(x, 12, 8, false))
	b.Dense(x, 8, 3, true)
	nets["mlp"] = b.Net(t)

	for name, n := range nets {
		e, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		D := n.InputSize()
		const batch = 3
		x := nettest.Inputs(8, batch, D)
		labels := []int{2, 0, 1}
		for _, class := range []int{1, -1} {
			got := e.InputGrad(nil, x, batch, class, labels)
			for s := 0; s < batch; s++ {
				x64 := make([]float64, D)
				for i := range x64 {
					x64[i] = float64(x[s*D+i])
				}
				want := fd.Gradient(nil, func(v []float64) float64 { return testScalar(t, n, v, class, labels[s]) },
					x64, &fd.Settings{Formula: fd.Central, Step: 1e-3})
				scale := 1.0
				for _, w := range want {
					scale = math.Max(scale, math.Abs(w))
				}
				for i, w := range want {
					if d := math.Abs(float64(got[s*D+i]) - w); d > 2e-3*scale || math.IsNaN(d) {
						t.Fatalf("%s class %d sample %d: d/dx[%d] = %v, finite differences %v", name, class, s, i, got[s*D+i], w)
					}
				}
			}
		}
	}
}

// Nets with kinks (ReLU, LeakyReLU, max pooling): the gradient against the directional difference
// (f(x+hd) − f(x−hd))/2h along random directions. A kink within h spoils large steps and float32
// rounding small ones, so the check passes when one of h = 1e-3, 3e-4, 1e-4 gives
// |∇f·d − difference| ≤ 2e-3·max(1, |difference|).
func TestInputGradPiecewiseLinear(t *testing.T) {
	b := nettest.NewBuilder(52, 1, 4, 5)
	x := b.Add(models.Node{Op: models.OpClip, Inputs: []int{b.Dense(b.Op(models.OpFlatten, 0), 20, 12, true)}, Attr: models.Attr{Min: -0.3, Max: 0.4}})
	x = b.Op(models.OpSoftmax, b.Add(models.Node{Op: models.OpReshape, Inputs: []int{b.Dense(x, 12, 12, true)}, Attr: models.Attr{Shape: []int{3, 4}}}))
	b.Dense(b.Op(models.OpFlatten, x), 12, 4, true)
	nets := map[string]*models.Net{"mlp": testMLP(t, 3), "cnn-relu": testCNN(t, 4, models.OpReLU), "cnn-leaky": testCNN(t, 6, models.OpLeakyReLU),
		"clip-softmax": b.Net(t)}
	for name, n := range nets {
		e, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		checkDirectionalInputGrad(t, name, n, e, nettest.Inputs(9, 2, n.InputSize()), []int{1, 3}, 100)
	}
}

// A known answer: for f = w·x + b, the gradient of the logit is w.
func TestInputGradDense(t *testing.T) {
	n := &models.Net{Input: [3]int{1, 1, 3}, Classes: 2, Nodes: []models.Node{{Op: models.OpInput}, {Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{"weight": {Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}}}}}
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	got := e.InputGrad(nil, []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 2, 1, nil)
	want := []float32{4, 5, 6, 4, 5, 6}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("gradient %v, want %v", got, want)
		}
	}
}

// checkDirectionalInputGrad checks e.InputGrad of a logit and of the loss at the samples x (one per
// label) against central differences of ForwardReference along three random directions seeded from
// dirSeed: it passes when one of h = 1e-3, 3e-4, 1e-4 gives |∇f·d − difference| ≤ 2e-3·max(1,
// |difference|) — a kink within h spoils large steps and float32 rounding small ones.
func checkDirectionalInputGrad(t *testing.T, name string, n *models.Net, e *Evaluator, x []float32, labels []int, dirSeed uint64) {
	t.Helper()
	D, batch := n.InputSize(), len(labels)
	for _, class := range []int{0, -1} {
		grad := e.InputGrad(nil, x, batch, class, labels)
		for s := 0; s < batch; s++ {
			for trial := 0; trial < 3; trial++ {
				dir := nettest.Inputs(dirSeed+uint64(trial), 1, D)
				dot := 0.0
				for i := range dir {
					dot += float64(grad[s*D+i]) * (float64(dir[i]) - 0.5)
				}
				var diffs []float64
				ok := false
				for _, h := range []float64{1e-3, 3e-4, 1e-4} {
					plus, minus := make([]float64, D), make([]float64, D)
					for i := range dir {
						d := float64(dir[i]) - 0.5
						plus[i] = float64(x[s*D+i]) + h*d
						minus[i] = float64(x[s*D+i]) - h*d
					}
					want := (testScalar(t, n, plus, class, labels[s]) - testScalar(t, n, minus, class, labels[s])) / (2 * h)
					diffs = append(diffs, want)
					ok = ok || math.Abs(dot-want) <= 2e-3*math.Max(1, math.Abs(want))
				}
				if !ok {
					t.Errorf("%s class %d sample %d direction %d: ∇f·d = %v, differences (h = 1e-3, 3e-4, 1e-4) %v", name, class, s, trial, dot, diffs)
				}
			}
		}
	}
}
