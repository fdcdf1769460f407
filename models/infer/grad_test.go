package models

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// fwdTestScalar is the scalar InputGrad differentiates, computed with ForwardReference in float64:
// logit class, or with class < 0 the cross-entropy against label.
func fwdTestScalar(t *testing.T, n *Net, x []float64, class, label int) float64 {
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
	b := newFwdTestBuilder(50, 2, 6, 5)
	x := b.conv(b.normalize(0, 2), 2, 4, 3, Attr{Stride: [2]int{2, 1}, Pad: [4]int{1, 1, 1, 1}, Dilation: [2]int{1, 2}}, true)
	x = b.op(OpTanh, b.batchNorm(x, 4))
	x = b.conv(x, 4, 4, 3, Attr{Groups: 2, Pad: [4]int{1, 1, 1, 1}}, false)
	g := b.op(OpSigmoid, b.op(OpGlobalAvgPool, x))
	x = b.op(OpAdd, b.op(OpMul, x, g), x)
	x = b.op(OpGELU, b.batchNorm(x, 4))
	x = b.add(Node{Op: OpAvgPool, Inputs: []int{x}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{1, 2}, Pad: [4]int{1, 0, 0, 0}}})
	x = b.conv(x, 4, 3, 1, Attr{}, true)
	x = b.op(OpFlatten, x)
	x = b.dense(x, b.size(x), 10, true)
	x = b.op(OpSigmoid, x)
	b.dense(x, 10, 4, true)
	nets := map[string]*Net{"cnn": b.net(t)}
	b = newFwdTestBuilder(51, 1, 4, 5)
	x = b.dense(b.op(OpFlatten, b.normalize(0, 1)), 20, 12, true)
	x = b.op(OpGELU, b.batchNorm(x, 12))
	x = b.op(OpTanh, b.dense(x, 12, 8, false))
	b.dense(x, 8, 3, true)
	nets["mlp"] = b.net(t)

	for name, n := range nets {
		e, err := NewEvaluator(n)
		if err != nil {
			t.Fatal(err)
		}
		D := n.InputSize()
		const batch = 3
		x := fwdTestInputs(8, batch, D)
		labels := []int{2, 0, 1}
		for _, class := range []int{1, -1} {
			got := e.InputGrad(nil, x, batch, class, labels)
			for s := 0; s < batch; s++ {
				x64 := make([]float64, D)
				for i := range x64 {
					x64[i] = float64(x[s*D+i])
				}
				want := fd.Gradient(nil, func(v []float64) float64 { return fwdTestScalar(t, n, v, class, labels[s]) },
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
	b := newFwdTestBuilder(52, 1, 4, 5)
	x := b.add(Node{Op: OpClip, Inputs: []int{b.dense(b.op(OpFlatten, 0), 20, 12, true)}, Attr: Attr{Min: -0.3, Max: 0.4}})
	x = b.op(OpSoftmax, b.add(Node{Op: OpReshape, Inputs: []int{b.dense(x, 12, 12, true)}, Attr: Attr{Shape: []int{3, 4}}}))
	b.dense(b.op(OpFlatten, x), 12, 4, true)
	nets := map[string]*Net{"mlp": fwdTestMLP(t, 3), "cnn-relu": fwdTestCNN(t, 4, OpReLU), "cnn-leaky": fwdTestCNN(t, 6, OpLeakyReLU),
		"clip-softmax": b.net(t)}
	for name, n := range nets {
		e, err := NewEvaluator(n)
		if err != nil {
			t.Fatal(err)
		}
		checkDirectionalInputGrad(t, name, n, e, fwdTestInputs(9, 2, n.InputSize()), []int{1, 3}, 100)
	}
}

// A known answer: for f = w·x + b, the gradient of the logit is w.
func TestInputGradDense(t *testing.T) {
	n := &Net{Input: [3]int{1, 1, 3}, Classes: 2, Nodes: []Node{{Op: OpInput}, {Op: OpFlatten, Inputs: []int{0}},
		{Op: OpDense, Inputs: []int{1}, Params: map[string]*Tensor{"weight": {Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}}}}}
	e, err := NewEvaluator(n)
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
func checkDirectionalInputGrad(t *testing.T, name string, n *Net, e *Evaluator, x []float32, labels []int, dirSeed uint64) {
	t.Helper()
	D, batch := n.InputSize(), len(labels)
	for _, class := range []int{0, -1} {
		grad := e.InputGrad(nil, x, batch, class, labels)
		for s := 0; s < batch; s++ {
			for trial := 0; trial < 3; trial++ {
				dir := fwdTestInputs(dirSeed+uint64(trial), 1, D)
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
					want := (fwdTestScalar(t, n, plus, class, labels[s]) - fwdTestScalar(t, n, minus, class, labels[s])) / (2 * h)
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
