package models

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/surfscope/surfscope/dataset"
)

// OpConcat and OpLogSoftmax through the fast Evaluator, the affine probes, InputGrad,
// checkpoints and training, against ForwardReference and finite differences.

func (b *fwdTestBuilder) concat(axis int, in ...int) int {
	return b.add(Node{Op: OpConcat, Inputs: in, Attr: Attr{Axis: axis}})
}

// fwdTestDenseNet: a DenseNet block (conv outputs concatenated onto their input along the
// channels, batch norm after the concatenation), an Inception block of three branches, a
// concatenation of vectors, and log softmax at the end. pool adds max pooling (kinks).
func fwdTestDenseNet(t testing.TB, seed uint64, act Op, pool bool) *Net {
	b := newFwdTestBuilder(seed, 3, 8, 7)
	x := b.conv(b.normalize(0, 3), 3, 4, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true) // 4x8x7
	l := b.op(act, b.batchNorm(b.conv(x, 4, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, false), 3))
	x = b.concat(0, x, l) // 7x8x7
	l = b.op(act, b.conv(x, 7, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true))
	x = b.concat(0, x, l) // 10x8x7
	x = b.op(act, b.batchNorm(x, 10))
	x = b.conv(x, 10, 6, 1, Attr{}, true)
	x = b.add(Node{Op: OpAvgPool, Inputs: []int{x}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}}) // 6x4x3
	b1 := b.conv(x, 6, 2, 1, Attr{}, true)
	b2 := b.op(act, b.conv(x, 6, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true))
	b3 := x
	if pool {
		b3 = b.add(Node{Op: OpMaxPool, Inputs: []int{x}, Attr: Attr{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Pad: [4]int{1, 1, 1, 1}}})
	}
	b3 = b.conv(b3, 6, 2, 1, Attr{}, false)
	x = b.op(act, b.concat(0, b1, b2, b3)) // 7x4x3
	g := b.op(OpFlatten, b.op(OpGlobalAvgPool, x))
	h := b.op(OpTanh, b.dense(g, 7, 5, true))
	x = b.concat(0, g, h, b.op(OpFlatten, x)) // 7 + 5 + 84
	b.op(OpLogSoftmax, b.dense(x, 96, 5, true))
	return b.net(t)
}

func TestForwardConcatLogSoftmax(t *testing.T) {
	reshape := func(b *fwdTestBuilder, in int, shape ...int) int {
		return b.add(Node{Op: OpReshape, Inputs: []int{in}, Attr: Attr{Shape: shape}})
	}
	cases := map[string]func(b *fwdTestBuilder) int{
		"logsoftmax-rows": func(b *fwdTestBuilder) int { return b.op(OpLogSoftmax, reshape(b, b.normalize(0, 2), 14, 6)) },
		"concat-channels": func(b *fwdTestBuilder) int {
			a := b.conv(0, 2, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.concat(0, a, b.op(OpReLU, b.conv(0, 2, 2, 1, Attr{}, true)), 0)
		},
		"concat-width": func(b *fwdTestBuilder) int {
			p := b.add(Node{Op: OpAvgPool, Inputs: []int{0}, Attr: Attr{Kernel: [2]int{1, 2}, Stride: [2]int{1, 2}}}) // 2x7x3
			return b.concat(2, 0, p, b.op(OpSigmoid, 0))
		},
		"concat-rank4": func(b *fwdTestBuilder) int {
			return b.concat(2, reshape(b, 0, 2, 7, 2, 3), reshape(b, b.op(OpTanh, 0), 2, 7, 2, 3))
		},
	}
	nets := map[string]*Net{"densenet-relu": fwdTestDenseNet(t, 60, OpReLU, true), "densenet-gelu": fwdTestDenseNet(t, 61, OpGELU, false)}
	for name, make := range cases {
		b := newFwdTestBuilder(70, 2, 7, 6)
		b.op(OpFlatten, make(b))
		nets[name] = b.net(t)
	}
	for name, n := range nets {
		e, err := NewEvaluator(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		const batch = 70 // two work units
		x := fwdTestInputs(5, batch, n.InputSize())
		t.Run(name, func(t *testing.T) { fwdTestCompare(t, n, e.Forward(nil, x, batch), x, batch, 1e-5) })
	}
}

// Concatenations of affine blocks are affine, so the probe combines their concatenation; a
// concatenation with a non-affine input, and log softmax, are not.
func TestAffineProbeConcat(t *testing.T) {
	b := newFwdTestBuilder(61, 2, 6, 5)
	x := b.normalize(0, 2)
	a := b.conv(x, 2, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
	c := b.concat(0, a, b.conv(x, 2, 2, 1, Attr{}, false), x) // affine: 7x6x5
	b.dense(b.op(OpFlatten, b.op(OpReLU, c)), 210, 4, true)
	affine := b.net(t)

	b = newFwdTestBuilder(62, 2, 6, 5)
	x = b.normalize(0, 2)
	a = b.conv(x, 2, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
	r := b.op(OpReLU, b.conv(x, 2, 2, 1, Attr{}, false))
	b.concat(0, a, r) // not affine: its affine input a joins the frontier
	b.op(OpLogSoftmax, b.dense(b.op(OpFlatten, len(b.n.Nodes)-1), 150, 4, true))
	mixed := b.net(t)

	b = newFwdTestBuilder(63, 1, 4, 5)
	d := b.dense(b.op(OpFlatten, 0), 20, 6, true)
	b.op(OpLogSoftmax, d)
	logsm := b.net(t)

	for name, tc := range map[string]struct {
		n     *Net
		front []int
	}{
		"affine":     {affine, []int{4}},   // the concatenation
		"mixed":      {mixed, []int{2, 3}}, // the conv read by the concatenation, the conv read by the ReLU
		"logsoftmax": {logsm, []int{d}},    // the dense layer before it
	} {
		n := tc.n
		e, err := NewEvaluator(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, nd := range []int{1, 2} {
			const batch = 41
			x0, dirs, coef, pts := fwdTestPoints(n.InputSize(), nd, batch)
			pr, err := e.Affine(x0, dirs)
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(pr.nodes, tc.front) {
				t.Errorf("%s: probe combines nodes %v, want %v", name, pr.nodes, tc.front)
			}
			want := e.Forward(nil, pts, batch)
			got := pr.Forward(nil, coef, batch)
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

// InputGrad through concatenations and log softmax: the smooth net against central differences
// of ForwardReference (every coordinate), the net with ReLU and max pooling along random
// directions, with the tolerances of grad_test.go.
func TestInputGradConcatLogSoftmax(t *testing.T) {
	n := fwdTestDenseNet(t, 64, OpTanh, false)
	e, err := NewEvaluator(n)
	if err != nil {
		t.Fatal(err)
	}
	D := n.InputSize()
	const batch = 2
	x := fwdTestInputs(12, batch, D)
	labels := []int{3, 1}
	for _, class := range []int{2, -1} {
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
					t.Fatalf("class %d sample %d: d/dx[%d] = %v, finite differences %v", class, s, i, got[s*D+i], w)
				}
			}
		}
	}

	n = fwdTestDenseNet(t, 65, OpReLU, true)
	if e, err = NewEvaluator(n); err != nil {
		t.Fatal(err)
	}
	checkDirectionalInputGrad(t, "relu", n, e, fwdTestInputs(13, batch, D), labels, 200)
}

// A known answer: the gradient of log softmax(z)[k] with respect to z is onehot(k) − softmax(z);
// through a concatenation each input receives its own slice.
func TestInputGradLogSoftmaxKnownAnswer(t *testing.T) {
	n := &Net{Input: [3]int{1, 1, 2}, Classes: 4, Nodes: []Node{{Op: OpInput},
		{Op: OpFlatten, Inputs: []int{0}},
		{Op: OpConcat, Inputs: []int{1, 1}},
		{Op: OpLogSoftmax, Inputs: []int{2}}}}
	e, err := NewEvaluator(n)
	if err != nil {
		t.Fatal(err)
	}
	// z = [a, b, a, b] with a = 0, b = ln 3: softmax = [1/8, 3/8, 1/8, 3/8]. Logit 1 (b):
	// dz = [−1/8, 5/8, −1/8, −3/8]; both copies of a and b add up: da = −1/4, db = 1/4.
	got := e.InputGrad(nil, []float32{0, float32(math.Log(3))}, 1, 1, nil)
	want := []float64{-0.25, 0.25}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6 {
			t.Fatalf("gradient %v, want %v", got, want)
		}
	}
}

// Checkpoints keep the new ops, the concatenation axis and the inputs: the decoded net gives
// the same logits bit for bit, and the graph JSON spells the axis out.
func TestCheckpointConcatLogSoftmax(t *testing.T) {
	n := fwdTestDenseNet(t, 66, OpReLU, true)
	b := newFwdTestBuilder(67, 2, 3, 4)
	b.op(OpFlatten, b.concat(2, 0, b.op(OpSigmoid, 0), 0))
	nets := []*Net{n, b.net(t)}
	for k, n := range nets {
		var buf bytes.Buffer
		if err := Encode(&buf, n); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(buf.Bytes(), []byte(`\"op\":\"concat\"`)) {
			t.Fatalf("net %d: the checkpoint header has no concat node", k)
		}
		if k == 1 && !bytes.Contains(buf.Bytes(), []byte(`\"axis\":2`)) {
			t.Fatalf("net %d: the checkpoint header does not record axis 2", k)
		}
		back, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i, nd := range n.Nodes {
			bd := back.Nodes[i]
			if bd.Op != nd.Op || !equalInts(bd.Inputs, nd.Inputs) || bd.Attr.Axis != nd.Attr.Axis {
				t.Fatalf("net %d node %d: %s %v axis %d after a checkpoint, %s %v axis %d before",
					k, i, bd.Op, bd.Inputs, bd.Attr.Axis, nd.Op, nd.Inputs, nd.Attr.Axis)
			}
		}
		x := fwdTestInputs(14, 1, n.InputSize())
		want, err := n.ForwardReference(x)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.ForwardReference(x)
		if err != nil || !equal32(got, want) {
			t.Fatalf("net %d: logits %v after a checkpoint (%v), %v before", k, got, err, want)
		}
	}
}

// Training graphs do not implement the imported-net ops: Train and NewLossGradient refuse them
// with an error naming the op instead of panicking.
func TestTrainingRejectsConcatLogSoftmax(t *testing.T) {
	b := newFwdTestBuilder(68, 1, 2, 2)
	f := b.op(OpFlatten, 0)
	b.dense(b.concat(0, f, f), 8, 2, true)
	cat := b.net(t)
	b = newFwdTestBuilder(69, 1, 2, 2)
	b.op(OpLogSoftmax, b.dense(b.op(OpFlatten, 0), 4, 2, true))
	logsm := b.net(t)
	set := &dataset.Set{Name: "tiny", N: 2, C: 1, H: 2, W: 2, Classes: 2, Images: fwdTestInputs(15, 2, 4), Labels: []int{0, 1}}
	for op, n := range map[Op]*Net{OpConcat: cat, OpLogSoftmax: logsm} {
		_, err := Train(t.Context(), n, set, nil, TrainConfig{MaxEpochs: 1, BatchSize: 2}, nil)
		if err == nil || !strings.Contains(err.Error(), string(op)) {
			t.Errorf("Train on a net with %s: error %v, want one naming the op", op, err)
		}
		_, err = NewLossGradient(n, set.Images, set.Labels, 0)
		if err == nil || !strings.Contains(err.Error(), string(op)) {
			t.Errorf("NewLossGradient on a net with %s: error %v, want one naming the op", op, err)
		}
	}
}
