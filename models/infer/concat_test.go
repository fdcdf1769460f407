package infer

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// OpConcat and OpLogSoftmax through the fast Evaluator, the affine probes, InputGrad,
// checkpoints and training, against ForwardReference and finite differences.

func TestForwardConcatLogSoftmax(t *testing.T) {
	reshape := func(b *nettest.Builder, in int, shape ...int) int {
		return b.Add(models.Node{Op: models.OpReshape, Inputs: []int{in}, Attr: models.Attr{Shape: shape}})
	}
	cases := map[string]func(b *nettest.Builder) int{
		"logsoftmax-rows": func(b *nettest.Builder) int { return b.Op(models.OpLogSoftmax, reshape(b, b.Normalize(0, 2), 14, 6)) },
		"concat-channels": func(b *nettest.Builder) int {
			a := b.Conv(0, 2, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.Concat(0, a, b.Op(models.OpReLU, b.Conv(0, 2, 2, 1, models.Attr{}, true)), 0)
		},
		"concat-width": func(b *nettest.Builder) int {
			p := b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{1, 2}, Stride: [2]int{1, 2}}}) // 2x7x3
			return b.Concat(2, 0, p, b.Op(models.OpSigmoid, 0))
		},
		"concat-rank4": func(b *nettest.Builder) int {
			return b.Concat(2, reshape(b, 0, 2, 7, 2, 3), reshape(b, b.Op(models.OpTanh, 0), 2, 7, 2, 3))
		},
	}
	nets := map[string]*models.Net{"densenet-relu": nettest.DenseNet(t, 60, models.OpReLU, true), "densenet-gelu": nettest.DenseNet(t, 61, models.OpGELU, false)}
	for name, make := range cases {
		b := nettest.NewBuilder(70, 2, 7, 6)
		b.Op(models.OpFlatten, make(b))
		nets[name] = b.Net(t)
	}
	for name, n := range nets {
		e, err := New(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		const batch = 70 // two work units
		x := nettest.Inputs(5, batch, n.InputSize())
		t.Run(name, func(t *testing.T) { compareWithReference(t, n, e.Forward(nil, x, batch), x, batch, 1e-5) })
	}
}

// Concatenations of affine blocks are affine, so the probe combines their concatenation; a
// concatenation with a non-affine input, and log softmax, are not.
func TestAffineProbeConcat(t *testing.T) {
	b := nettest.NewBuilder(61, 2, 6, 5)
	x := b.Normalize(0, 2)
	a := b.Conv(x, 2, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
	c := b.Concat(0, a, b.Conv(x, 2, 2, 1, models.Attr{}, false), x) // affine: 7x6x5
	b.Dense(b.Op(models.OpFlatten, b.Op(models.OpReLU, c)), 210, 4, true)
	affine := b.Net(t)

	b = nettest.NewBuilder(62, 2, 6, 5)
	x = b.Normalize(0, 2)
	a = b.Conv(x, 2, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
	r := b.Op(models.OpReLU, b.Conv(x, 2, 2, 1, models.Attr{}, false))
	b.Concat(0, a, r) // not affine: its affine input a joins the frontier
	b.Op(models.OpLogSoftmax, b.Dense(b.Op(models.OpFlatten, len(b.N.Nodes)-1), 150, 4, true))
	mixed := b.Net(t)

	b = nettest.NewBuilder(63, 1, 4, 5)
	d := b.Dense(b.Op(models.OpFlatten, 0), 20, 6, true)
	b.Op(models.OpLogSoftmax, d)
	logsm := b.Net(t)

	for name, tc := range map[string]struct {
		n     *models.Net
		front []int
	}{
		"affine":     {affine, []int{4}},   // the concatenation
		"mixed":      {mixed, []int{2, 3}}, // the conv read by the concatenation, the conv read by the ReLU
		"logsoftmax": {logsm, []int{d}},    // the dense layer before it
	} {
		n := tc.n
		e, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, nd := range []int{1, 2} {
			const batch = 41
			x0, dirs, coef, pts := testPoints(n.InputSize(), nd, batch)
			pr, err := e.Affine(x0, dirs)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pr.nodes, tc.front) {
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
	n := nettest.DenseNet(t, 64, models.OpTanh, false)
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	D := n.InputSize()
	const batch = 2
	x := nettest.Inputs(12, batch, D)
	labels := []int{3, 1}
	for _, class := range []int{2, -1} {
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
					t.Fatalf("class %d sample %d: d/dx[%d] = %v, finite differences %v", class, s, i, got[s*D+i], w)
				}
			}
		}
	}

	n = nettest.DenseNet(t, 65, models.OpReLU, true)
	if e, err = New(n); err != nil {
		t.Fatal(err)
	}
	checkDirectionalInputGrad(t, "relu", n, e, nettest.Inputs(13, batch, D), labels, 200)
}

// A known answer: the gradient of log softmax(z)[k] with respect to z is onehot(k) − softmax(z);
// through a concatenation each input receives its own slice.
func TestInputGradLogSoftmaxKnownAnswer(t *testing.T) {
	n := &models.Net{Input: [3]int{1, 1, 2}, Classes: 4, Nodes: []models.Node{{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpConcat, Inputs: []int{1, 1}},
		{Op: models.OpLogSoftmax, Inputs: []int{2}}}}
	e, err := New(n)
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

// Known answers for OpConcat through ForwardReference and the Evaluator.
func TestConcatKnownAnswer(t *testing.T) {
	// x is [2,1,2] = channels [1 2] and [3 4]; its global average pool is [1.5, 3.5].
	x := []float32{1, 2, 3, 4}
	in := func(more ...models.Node) *models.Net {
		return &models.Net{Input: [3]int{2, 1, 2}, Nodes: append([]models.Node{{Op: models.OpInput},
			{Op: models.OpGlobalAvgPool, Inputs: []int{0}}}, more...)}
	}
	cases := []struct {
		name string
		net  *models.Net
		want []float32
	}{
		{"width", in( // [2,1,2] ++ [2,1,1] along W
			models.Node{Op: models.OpConcat, Inputs: []int{0, 1}, Attr: models.Attr{Axis: 2}},
			models.Node{Op: models.OpFlatten, Inputs: []int{2}}),
			[]float32{1, 2, 1.5, 3, 4, 3.5}},
		{"vector", in( // [4] ++ [2]
			models.Node{Op: models.OpFlatten, Inputs: []int{0}},
			models.Node{Op: models.OpFlatten, Inputs: []int{1}},
			models.Node{Op: models.OpConcat, Inputs: []int{2, 3}}),
			[]float32{1, 2, 3, 4, 1.5, 3.5}},
		{"channels", in( // [2,1,2] ++ [2,1,2] ++ [1,1,2] along C
			models.Node{Op: models.OpReshape, Inputs: []int{1}, Attr: models.Attr{Shape: []int{1, 1, 2}}},
			models.Node{Op: models.OpConcat, Inputs: []int{0, 0, 2}},
			models.Node{Op: models.OpFlatten, Inputs: []int{3}}),
			[]float32{1, 2, 3, 4, 1, 2, 3, 4, 1.5, 3.5}},
		{"three-rows", in( // [2,2] ++ [2,1] ++ [2,2] along axis 1
			models.Node{Op: models.OpReshape, Inputs: []int{0}, Attr: models.Attr{Shape: []int{2, 2}}},
			models.Node{Op: models.OpReshape, Inputs: []int{1}, Attr: models.Attr{Shape: []int{2, 1}}},
			models.Node{Op: models.OpConcat, Inputs: []int{2, 3, 2}, Attr: models.Attr{Axis: 1}},
			models.Node{Op: models.OpFlatten, Inputs: []int{4}}),
			[]float32{1, 2, 1.5, 1, 2, 3, 4, 3.5, 3, 4}},
	}
	for _, c := range cases {
		c.net.Classes = len(c.want)
		got, err := c.net.ForwardReference(x)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Fatalf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		e, err := New(c.net)
		if err != nil {
			t.Fatal(err)
		}
		if fast := e.Forward(nil, x, 1); !slices.Equal(fast, c.want) {
			t.Fatalf("%s: Evaluator gives %v, want %v", c.name, fast, c.want)
		}
	}
}
