package infer

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// Tests of the fast kernels against ForwardReference. Tolerance: |fast − reference| ≤ 1e-4·max(1, max|reference|)
// per logit; the reference accumulates in float64, the kernels in float32.

// testMLP: every activation, batch norm after dense (folded) and on its own, a dense without bias.
func testMLP(t testing.TB, seed uint64) *models.Net {
	b := nettest.NewBuilder(seed, 1, 6, 5)
	x := b.Normalize(0, 1)
	x = b.Op(models.OpFlatten, x)
	x = b.Dense(x, 30, 24, true)
	x = b.BatchNorm(x, 24)
	x = b.Op(models.OpReLU, x)
	x = b.Dense(x, 24, 20, false)
	x = b.Add(models.Node{Op: models.OpLeakyReLU, Inputs: []int{x}, Attr: models.Attr{Alpha: 0.1}})
	x = b.Dense(x, 20, 16, true)
	x = b.Op(models.OpSigmoid, x)
	x = b.BatchNorm(x, 16)
	x = b.Dense(x, 16, 16, true)
	x = b.Op(models.OpTanh, x)
	x = b.Dense(x, 16, 12, true)
	x = b.Op(models.OpGELU, x)
	x = b.Dense(x, 12, 12, true)
	x = b.Add(models.Node{Op: models.OpClip, Inputs: []int{x}, Attr: models.Attr{Min: 0, Max: 0.6}}) // fused like ReLU6
	b.Dense(x, 12, 7, true)
	return b.Net(t)
}

// testCNN: strided, padded, dilated and grouped convolutions, folded and unfolded batch norms,
// max, average and global pooling, an SE gate, a spatial gate (general broadcast) and a residual sum.
func testCNN(t testing.TB, seed uint64, act models.Op) *models.Net {
	b := nettest.NewBuilder(seed, 3, 11, 10)
	x := b.Normalize(0, 3)
	x = b.Conv(x, 3, 8, 3, models.Attr{Stride: [2]int{1, 2}, Pad: [4]int{1, 2, 1, 0}}, true) // 8x11x5
	x = b.BatchNorm(x, 8)
	x = b.Op(act, x)
	x = b.Conv(x, 8, 8, 3, models.Attr{Pad: [4]int{2, 2, 2, 2}, Dilation: [2]int{2, 2}, Groups: 2}, false) // 8x11x5
	y := b.Op(act, x)
	x = b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{y}, Attr: models.Attr{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 1, 1}}}) // 8x6x3
	x = b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{x}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Pad: [4]int{1, 0, 0, 1}}}) // 8x6x3
	x = b.Conv(x, 8, 12, 1, models.Attr{}, true)                                                                                                           // pointwise, 12x6x3
	r := x
	g := b.Op(models.OpGlobalAvgPool, x)
	g = b.Conv(g, 12, 12, 1, models.Attr{}, true)
	g = b.Op(models.OpSigmoid, g)
	x = b.Op(models.OpMul, x, g) // SE gate [12,6,3]·[12,1,1]
	s := b.Conv(x, 12, 1, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
	s = b.Op(models.OpTanh, s)
	x = b.Op(models.OpMul, s, x) // spatial gate [1,6,3]·[12,6,3]
	x = b.Op(models.OpAdd, x, r) // residual
	x = b.BatchNorm(x, 12)       // not after a conv: stays a scale and shift
	x = b.Op(act, x)
	x = b.Conv(x, 12, 6, 2, models.Attr{Stride: [2]int{2, 2}}, true) // 6x3x1
	x = b.Op(models.OpAdd, b.Op(models.OpGlobalAvgPool, x), x)       // [6,1,1]+[6,3,1]
	x = b.Op(models.OpFlatten, x)
	b.Dense(x, 18, 5, true)
	return b.Net(t)
}

func compareWithReference(t *testing.T, n *models.Net, got, x []float32, batch int, tol float64) {
	t.Helper()
	D, C := n.InputSize(), n.Classes
	for s := 0; s < batch; s++ {
		want, err := n.ForwardReference(x[s*D : (s+1)*D])
		if err != nil {
			t.Fatal(err)
		}
		scale := 1.0
		for _, w := range want {
			scale = math.Max(scale, math.Abs(float64(w)))
		}
		for k, w := range want {
			if d := math.Abs(float64(got[s*C+k] - w)); d > tol*scale || math.IsNaN(d) {
				t.Fatalf("sample %d logit %d: fast %v, reference %v (|diff| %.3g > %.3g)", s, k, got[s*C+k], w, d, tol*scale)
			}
		}
	}
}

func TestForwardMatchesReference(t *testing.T) {
	nets := map[string]*models.Net{
		"mlp":      testMLP(t, 1),
		"cnn-relu": testCNN(t, 2, models.OpReLU),
		"cnn-gelu": testCNN(t, 3, models.OpGELU),
		"cnn-leak": testCNN(t, 4, models.OpLeakyReLU),
	}
	for name, n := range nets {
		e, err := New(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// 150 samples: several work units for the MLP, run in parallel.
		const batch = 150
		x := nettest.Inputs(7, batch, n.InputSize())
		got := e.Forward(nil, x, batch)
		if len(got) != batch*n.Classes {
			t.Fatalf("%s: %d logits, want %d", name, len(got), batch*n.Classes)
		}
		compareWithReference(t, n, got, x, batch, 1e-4)
	}
}

// Every op on its own after the input, so that each kernel's edge cases meet the reference directly.
func TestForwardSingleOps(t *testing.T) {
	type tc struct {
		name string
		c    int
		make func(b *nettest.Builder) int
	}
	cases := []tc{
		{"conv-s2-pad", 2, func(b *nettest.Builder) int {
			return b.Conv(0, 2, 3, 3, models.Attr{Stride: [2]int{2, 2}, Pad: [4]int{1, 0, 2, 1}}, true)
		}},
		{"conv-dilated-groups", 4, func(b *nettest.Builder) int {
			return b.Conv(0, 4, 6, 2, models.Attr{Dilation: [2]int{2, 3}, Groups: 2, Pad: [4]int{0, 3, 1, 0}}, true)
		}},
		{"conv-depthwise", 3, func(b *nettest.Builder) int {
			return b.Conv(0, 3, 3, 3, models.Attr{Groups: 3, Pad: [4]int{1, 1, 1, 1}}, false)
		}},
		{"conv-1x1-strided", 2, func(b *nettest.Builder) int { return b.Conv(0, 2, 3, 1, models.Attr{Stride: [2]int{2, 2}}, true) }},
		{"maxpool-2", 2, func(b *nettest.Builder) int {
			return b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		{"maxpool-3-pad", 2, func(b *nettest.Builder) int {
			return b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{3, 2}, Stride: [2]int{1, 2}, Pad: [4]int{1, 1, 1, 1}}})
		}},
		{"avgpool-pad", 2, func(b *nettest.Builder) int {
			return b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 1, 1}}})
		}},
		{"gap", 3, func(b *nettest.Builder) int { return b.Op(models.OpGlobalAvgPool, 0) }},
		{"batchnorm", 3, func(b *nettest.Builder) int { return b.BatchNorm(0, 3) }},
		{"normalize", 3, func(b *nettest.Builder) int { return b.Normalize(0, 3) }},
		{"add-same", 2, func(b *nettest.Builder) int { return b.Op(models.OpAdd, 0, b.Op(models.OpSigmoid, 0)) }},
		{"mul-gate-left", 2, func(b *nettest.Builder) int { return b.Op(models.OpMul, b.Op(models.OpGlobalAvgPool, 0), 0) }},
		{"mul-self", 2, func(b *nettest.Builder) int { return b.Op(models.OpMul, 0, 0) }},
		{"add-rows", 2, func(b *nettest.Builder) int {
			return b.Op(models.OpAdd, 0, b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{7, 1}, Stride: [2]int{7, 1}}}))
		}},
	}
	reshape := func(b *nettest.Builder, in int, shape ...int) int {
		return b.Add(models.Node{Op: models.OpReshape, Inputs: []int{in}, Attr: models.Attr{Shape: shape}})
	}
	cases = append(cases,
		tc{"reshape-softmax", 2, func(b *nettest.Builder) int { return b.Op(models.OpSoftmax, reshape(b, b.Normalize(0, 2), 14, 6)) }},
		tc{"clip", 2, func(b *nettest.Builder) int {
			return b.Add(models.Node{Op: models.OpClip, Inputs: []int{b.Normalize(0, 2)}, Attr: models.Attr{Min: -0.5, Max: 0.7}})
		}},
		tc{"clip-open", 2, func(b *nettest.Builder) int {
			return b.Add(models.Node{Op: models.OpClip, Inputs: []int{b.Normalize(0, 2)}, Attr: models.Attr{Min: float32(math.Inf(-1)), Max: 0.1}})
		}},
		tc{"rank4-broadcast", 2, func(b *nettest.Builder) int {
			a := reshape(b, 0, 2, 7, 1, 6)
			rows := b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{0}, Attr: models.Attr{Kernel: [2]int{7, 1}, Stride: [2]int{7, 1}}})
			return b.Op(models.OpMul, a, reshape(b, rows, 2, 1, 1, 6))
		}},
		tc{"rank4-gate", 2, func(b *nettest.Builder) int {
			return b.Op(models.OpAdd, reshape(b, b.Op(models.OpGlobalAvgPool, 0), 2, 1, 1, 1), reshape(b, 0, 2, 1, 7, 6))
		}},
		tc{"conv-relu-pool", 2, func(b *nettest.Builder) int { // fused into one step
			c := b.Conv(0, 2, 4, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{b.Op(models.OpReLU, c)}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-bn-clip-pool-odd", 4, func(b *nettest.Builder) int { // 7x6 → 5x5 (dilated, grouped) → 2x2
			c := b.BatchNorm(b.Conv(0, 4, 6, 2, models.Attr{Pad: [4]int{0, 1, 0, 2}, Dilation: [2]int{2, 3}, Groups: 2}, false), 6)
			c = b.Add(models.Node{Op: models.OpClip, Inputs: []int{c}, Attr: models.Attr{Min: -0.2, Max: 0.3}})
			return b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{c}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-pool", 2, func(b *nettest.Builder) int { // no activation: still fused
			c := b.Conv(0, 2, 3, 3, models.Attr{Pad: [4]int{2, 0, 1, 1}}, true)
			return b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{c}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-gelu-pool", 2, func(b *nettest.Builder) int { // GELU is not monotone: not fused
			c := b.Conv(0, 2, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{b.Op(models.OpGELU, c)}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-sigmoid-valid", 2, func(b *nettest.Builder) int {
			return b.Op(models.OpSigmoid, b.Conv(0, 2, 3, 3, models.Attr{}, true))
		}},
		tc{"conv-bn-shared", 2, func(b *nettest.Builder) int { // the conv feeds two nodes: no folding
			c := b.Conv(0, 2, 2, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.Op(models.OpAdd, b.BatchNorm(c, 2), c)
		}},
	)
	for _, act := range []models.Op{models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU} {
		cases = append(cases, tc{string(act), 2, func(b *nettest.Builder) int {
			return b.Add(models.Node{Op: act, Inputs: []int{b.Normalize(0, 2)}, Attr: models.Attr{Alpha: -0.3}})
		}})
	}
	for i, c := range cases {
		b := nettest.NewBuilder(uint64(10+i), c.c, 7, 6)
		b.Op(models.OpFlatten, c.make(b))
		n := b.Net(t)
		e, err := New(n)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		x := nettest.Inputs(uint64(i), 9, n.InputSize())
		t.Run(c.name, func(t *testing.T) { compareWithReference(t, n, e.Forward(nil, x, 9), x, 9, 1e-5) })
	}
}

func TestForwardDeterministicAndConcurrent(t *testing.T) {
	n := testCNN(t, 5, models.OpReLU)
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 97
	x := nettest.Inputs(3, batch, n.InputSize())
	want := e.Forward(nil, x, batch)
	prev := runtime.GOMAXPROCS(1)
	one := e.Forward(nil, x, batch)
	runtime.GOMAXPROCS(max(prev, 4))
	var wg sync.WaitGroup
	got := make([][]float32, 4)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[g] = e.Forward(make([]float32, 3), x, batch)
		}()
	}
	wg.Wait()
	runtime.GOMAXPROCS(prev)
	for _, g := range append(got, one) {
		for i := range want {
			if g[i] != want[i] {
				t.Fatalf("logit %d: %v, then %v", i, want[i], g[i])
			}
		}
	}
}

func TestForwardBufferReuse(t *testing.T) {
	n := testMLP(t, 6)
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	x := nettest.Inputs(4, 5, n.InputSize())
	dst := make([]float32, 100)
	got := e.Forward(dst, x, 5)
	if &got[0] != &dst[0] || len(got) != 5*n.Classes {
		t.Fatalf("dst not reused or wrong length %d", len(got))
	}
	if len(e.Forward(nil, nil, 0)) != 0 {
		t.Fatal("empty batch gives logits")
	}
}

func TestNewEvaluatorRejectsBadNet(t *testing.T) {
	n := testMLP(t, 1)
	n.Nodes[3].Params["weight"].Data[0] = float32(math.Inf(1))
	if _, err := New(n); err == nil {
		t.Fatal("no error for an Inf weight")
	}
}

// The workload CNN compiles to three steps: conv+ReLU, conv+ReLU+max pool, dense; with the plane
// shortcut the first conv is gone and its ReLU runs on the combined values.
func TestPlanFusesConvActivationPool(t *testing.T) {
	n, err := PlaneWorkloadNet("cnn-plane")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	describe := func(p *plan) string {
		s := ""
		for _, st := range p.steps {
			s += fmt.Sprintf("%s>%d", st.op, st.node)
			if st.act.Kind != kernel.Identity {
				s += "+act"
			}
			if st.pool {
				s += "+pool"
			}
			s += " "
		}
		return s
	}
	if got, want := describe(e.fast), "conv>2+act conv>5+act+pool dense>7 "; got != want {
		t.Errorf("plan %q, want %q", got, want)
	}
	if got, want := describe(e.affine.front), "relu>2+act conv>5+act+pool dense>7 "; got != want {
		t.Errorf("affine plan %q, want %q", got, want)
	}
	if got, want := describe(e.full), "conv>1 relu>2+act conv>3 relu>4+act maxpool>5 dense>7 "; got != want {
		t.Errorf("gradient plan %q, want %q", got, want)
	}
}
