package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/surfscope/surfscope/models/internal/kernel"
)

// Tests of the fast kernels against ForwardReference. Tolerance: |fast − reference| ≤ 1e-4·max(1, max|reference|)
// per logit; the reference accumulates in float64, the kernels in float32.

func fwdTestTensor(r *rand.Rand, scale float64, shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(scale * r.NormFloat64())
	}
	return t
}

func fwdTestPositive(r *rand.Rand, lo, hi float64, n int) *Tensor {
	t := NewTensor(n)
	for i := range t.Data {
		t.Data[i] = float32(lo + (hi-lo)*r.Float64())
	}
	return t
}

// fwdTestBuilder appends nodes with random parameters.
type fwdTestBuilder struct {
	r *rand.Rand
	n *Net
}

func newFwdTestBuilder(seed uint64, c, h, w int) *fwdTestBuilder {
	return &fwdTestBuilder{r: rand.New(rand.NewPCG(seed, 1)), n: &Net{Input: [3]int{c, h, w}, Nodes: []Node{{Op: OpInput}}}}
}

func (b *fwdTestBuilder) add(nd Node) int {
	b.n.Nodes = append(b.n.Nodes, nd)
	return len(b.n.Nodes) - 1
}

// size returns the per-sample size of node i's output.
func (b *fwdTestBuilder) size(i int) int {
	shapes := [][]int{{b.n.Input[0], b.n.Input[1], b.n.Input[2]}}
	for k := 1; k <= i; k++ {
		s, err := nodeShape(&b.n.Nodes[k], shapes)
		if err != nil {
			panic(err)
		}
		shapes = append(shapes, s)
	}
	return shapeSize(shapes[i])
}

func (b *fwdTestBuilder) op(op Op, in ...int) int { return b.add(Node{Op: op, Inputs: in}) }

func (b *fwdTestBuilder) normalize(in, c int) int {
	return b.add(Node{Op: OpNormalize, Inputs: []int{in}, Params: map[string]*Tensor{
		"mean": fwdTestPositive(b.r, 0.2, 0.6, c), "std": fwdTestPositive(b.r, 0.2, 0.5, c)}})
}

func (b *fwdTestBuilder) dense(in, nin, nout int, bias bool) int {
	p := map[string]*Tensor{"weight": fwdTestTensor(b.r, 1/math.Sqrt(float64(nin)), nout, nin)}
	if bias {
		p["bias"] = fwdTestTensor(b.r, 0.3, nout)
	}
	return b.add(Node{Op: OpDense, Inputs: []int{in}, Params: p})
}

func (b *fwdTestBuilder) conv(in, cin, cout, k int, a Attr, bias bool) int {
	g := orOne(a.Groups)
	p := map[string]*Tensor{"weight": fwdTestTensor(b.r, 1/math.Sqrt(float64(cin/g*k*k)), cout, cin/g, k, k)}
	if bias {
		p["bias"] = fwdTestTensor(b.r, 0.3, cout)
	}
	return b.add(Node{Op: OpConv, Inputs: []int{in}, Attr: a, Params: p})
}

func (b *fwdTestBuilder) batchNorm(in, c int) int {
	return b.add(Node{Op: OpBatchNorm, Inputs: []int{in}, Attr: Attr{Eps: 1e-3}, Params: map[string]*Tensor{
		"gamma": fwdTestPositive(b.r, 0.5, 1.5, c), "beta": fwdTestTensor(b.r, 0.2, c),
		"mean": fwdTestTensor(b.r, 0.2, c), "var": fwdTestPositive(b.r, 0.5, 2, c)}})
}

// net sets Classes to the size of the last node's output and validates the net.
func (b *fwdTestBuilder) net(t testing.TB) *Net {
	t.Helper()
	n := b.n
	shapes := [][]int{{n.Input[0], n.Input[1], n.Input[2]}}
	for i := 1; i < len(n.Nodes); i++ {
		s, err := nodeShape(&n.Nodes[i], shapes)
		if err != nil {
			t.Fatalf("builder: node %d: %v", i, err)
		}
		shapes = append(shapes, s)
	}
	n.Classes = shapeSize(shapes[len(shapes)-1])
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	return n
}

// fwdTestMLP: every activation, batch norm after dense (folded) and on its own, a dense without bias.
func fwdTestMLP(t testing.TB, seed uint64) *Net {
	b := newFwdTestBuilder(seed, 1, 6, 5)
	x := b.normalize(0, 1)
	x = b.op(OpFlatten, x)
	x = b.dense(x, 30, 24, true)
	x = b.batchNorm(x, 24)
	x = b.op(OpReLU, x)
	x = b.dense(x, 24, 20, false)
	x = b.add(Node{Op: OpLeakyReLU, Inputs: []int{x}, Attr: Attr{Alpha: 0.1}})
	x = b.dense(x, 20, 16, true)
	x = b.op(OpSigmoid, x)
	x = b.batchNorm(x, 16)
	x = b.dense(x, 16, 16, true)
	x = b.op(OpTanh, x)
	x = b.dense(x, 16, 12, true)
	x = b.op(OpGELU, x)
	x = b.dense(x, 12, 12, true)
	x = b.add(Node{Op: OpClip, Inputs: []int{x}, Attr: Attr{Min: 0, Max: 0.6}}) // fused like ReLU6
	b.dense(x, 12, 7, true)
	return b.net(t)
}

// fwdTestCNN: strided, padded, dilated and grouped convolutions, folded and unfolded batch norms,
// max, average and global pooling, an SE gate, a spatial gate (general broadcast) and a residual sum.
func fwdTestCNN(t testing.TB, seed uint64, act Op) *Net {
	b := newFwdTestBuilder(seed, 3, 11, 10)
	x := b.normalize(0, 3)
	x = b.conv(x, 3, 8, 3, Attr{Stride: [2]int{1, 2}, Pad: [4]int{1, 2, 1, 0}}, true) // 8x11x5
	x = b.batchNorm(x, 8)
	x = b.op(act, x)
	x = b.conv(x, 8, 8, 3, Attr{Pad: [4]int{2, 2, 2, 2}, Dilation: [2]int{2, 2}, Groups: 2}, false) // 8x11x5
	y := b.op(act, x)
	x = b.add(Node{Op: OpMaxPool, Inputs: []int{y}, Attr: Attr{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 1, 1}}}) // 8x6x3
	x = b.add(Node{Op: OpAvgPool, Inputs: []int{x}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{1, 1}, Pad: [4]int{1, 0, 0, 1}}}) // 8x6x3
	x = b.conv(x, 8, 12, 1, Attr{}, true)                                                                                             // pointwise, 12x6x3
	r := x
	g := b.op(OpGlobalAvgPool, x)
	g = b.conv(g, 12, 12, 1, Attr{}, true)
	g = b.op(OpSigmoid, g)
	x = b.op(OpMul, x, g) // SE gate [12,6,3]·[12,1,1]
	s := b.conv(x, 12, 1, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
	s = b.op(OpTanh, s)
	x = b.op(OpMul, s, x)  // spatial gate [1,6,3]·[12,6,3]
	x = b.op(OpAdd, x, r)  // residual
	x = b.batchNorm(x, 12) // not after a conv: stays a scale and shift
	x = b.op(act, x)
	x = b.conv(x, 12, 6, 2, Attr{Stride: [2]int{2, 2}}, true) // 6x3x1
	x = b.op(OpAdd, b.op(OpGlobalAvgPool, x), x)              // [6,1,1]+[6,3,1]
	x = b.op(OpFlatten, x)
	b.dense(x, 18, 5, true)
	return b.net(t)
}

func fwdTestInputs(seed uint64, n, size int) []float32 {
	r := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n*size)
	for i := range x {
		x[i] = r.Float32()
	}
	return x
}

func fwdTestCompare(t *testing.T, n *Net, got, x []float32, batch int, tol float64) {
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
	nets := map[string]*Net{
		"mlp":      fwdTestMLP(t, 1),
		"cnn-relu": fwdTestCNN(t, 2, OpReLU),
		"cnn-gelu": fwdTestCNN(t, 3, OpGELU),
		"cnn-leak": fwdTestCNN(t, 4, OpLeakyReLU),
	}
	for name, n := range nets {
		e, err := NewEvaluator(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// 150 samples: several work units for the MLP, run in parallel.
		const batch = 150
		x := fwdTestInputs(7, batch, n.InputSize())
		got := e.Forward(nil, x, batch)
		if len(got) != batch*n.Classes {
			t.Fatalf("%s: %d logits, want %d", name, len(got), batch*n.Classes)
		}
		fwdTestCompare(t, n, got, x, batch, 1e-4)
	}
}

// Every op on its own after the input, so that each kernel's edge cases meet the reference directly.
func TestForwardSingleOps(t *testing.T) {
	type tc struct {
		name string
		c    int
		make func(b *fwdTestBuilder) int
	}
	cases := []tc{
		{"conv-s2-pad", 2, func(b *fwdTestBuilder) int {
			return b.conv(0, 2, 3, 3, Attr{Stride: [2]int{2, 2}, Pad: [4]int{1, 0, 2, 1}}, true)
		}},
		{"conv-dilated-groups", 4, func(b *fwdTestBuilder) int {
			return b.conv(0, 4, 6, 2, Attr{Dilation: [2]int{2, 3}, Groups: 2, Pad: [4]int{0, 3, 1, 0}}, true)
		}},
		{"conv-depthwise", 3, func(b *fwdTestBuilder) int {
			return b.conv(0, 3, 3, 3, Attr{Groups: 3, Pad: [4]int{1, 1, 1, 1}}, false)
		}},
		{"conv-1x1-strided", 2, func(b *fwdTestBuilder) int { return b.conv(0, 2, 3, 1, Attr{Stride: [2]int{2, 2}}, true) }},
		{"maxpool-2", 2, func(b *fwdTestBuilder) int {
			return b.add(Node{Op: OpMaxPool, Inputs: []int{0}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		{"maxpool-3-pad", 2, func(b *fwdTestBuilder) int {
			return b.add(Node{Op: OpMaxPool, Inputs: []int{0}, Attr: Attr{Kernel: [2]int{3, 2}, Stride: [2]int{1, 2}, Pad: [4]int{1, 1, 1, 1}}})
		}},
		{"avgpool-pad", 2, func(b *fwdTestBuilder) int {
			return b.add(Node{Op: OpAvgPool, Inputs: []int{0}, Attr: Attr{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 1, 1}}})
		}},
		{"gap", 3, func(b *fwdTestBuilder) int { return b.op(OpGlobalAvgPool, 0) }},
		{"batchnorm", 3, func(b *fwdTestBuilder) int { return b.batchNorm(0, 3) }},
		{"normalize", 3, func(b *fwdTestBuilder) int { return b.normalize(0, 3) }},
		{"add-same", 2, func(b *fwdTestBuilder) int { return b.op(OpAdd, 0, b.op(OpSigmoid, 0)) }},
		{"mul-gate-left", 2, func(b *fwdTestBuilder) int { return b.op(OpMul, b.op(OpGlobalAvgPool, 0), 0) }},
		{"mul-self", 2, func(b *fwdTestBuilder) int { return b.op(OpMul, 0, 0) }},
		{"add-rows", 2, func(b *fwdTestBuilder) int {
			return b.op(OpAdd, 0, b.add(Node{Op: OpAvgPool, Inputs: []int{0}, Attr: Attr{Kernel: [2]int{7, 1}, Stride: [2]int{7, 1}}}))
		}},
	}
	reshape := func(b *fwdTestBuilder, in int, shape ...int) int {
		return b.add(Node{Op: OpReshape, Inputs: []int{in}, Attr: Attr{Shape: shape}})
	}
	cases = append(cases,
		tc{"reshape-softmax", 2, func(b *fwdTestBuilder) int { return b.op(OpSoftmax, reshape(b, b.normalize(0, 2), 14, 6)) }},
		tc{"clip", 2, func(b *fwdTestBuilder) int {
			return b.add(Node{Op: OpClip, Inputs: []int{b.normalize(0, 2)}, Attr: Attr{Min: -0.5, Max: 0.7}})
		}},
		tc{"clip-open", 2, func(b *fwdTestBuilder) int {
			return b.add(Node{Op: OpClip, Inputs: []int{b.normalize(0, 2)}, Attr: Attr{Min: float32(math.Inf(-1)), Max: 0.1}})
		}},
		tc{"rank4-broadcast", 2, func(b *fwdTestBuilder) int {
			a := reshape(b, 0, 2, 7, 1, 6)
			rows := b.add(Node{Op: OpAvgPool, Inputs: []int{0}, Attr: Attr{Kernel: [2]int{7, 1}, Stride: [2]int{7, 1}}})
			return b.op(OpMul, a, reshape(b, rows, 2, 1, 1, 6))
		}},
		tc{"rank4-gate", 2, func(b *fwdTestBuilder) int {
			return b.op(OpAdd, reshape(b, b.op(OpGlobalAvgPool, 0), 2, 1, 1, 1), reshape(b, 0, 2, 1, 7, 6))
		}},
		tc{"conv-relu-pool", 2, func(b *fwdTestBuilder) int { // fused into one step
			c := b.conv(0, 2, 4, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.add(Node{Op: OpMaxPool, Inputs: []int{b.op(OpReLU, c)}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-bn-clip-pool-odd", 4, func(b *fwdTestBuilder) int { // 7x6 → 5x5 (dilated, grouped) → 2x2
			c := b.batchNorm(b.conv(0, 4, 6, 2, Attr{Pad: [4]int{0, 1, 0, 2}, Dilation: [2]int{2, 3}, Groups: 2}, false), 6)
			c = b.add(Node{Op: OpClip, Inputs: []int{c}, Attr: Attr{Min: -0.2, Max: 0.3}})
			return b.add(Node{Op: OpMaxPool, Inputs: []int{c}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-pool", 2, func(b *fwdTestBuilder) int { // no activation: still fused
			c := b.conv(0, 2, 3, 3, Attr{Pad: [4]int{2, 0, 1, 1}}, true)
			return b.add(Node{Op: OpMaxPool, Inputs: []int{c}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-gelu-pool", 2, func(b *fwdTestBuilder) int { // GELU is not monotone: not fused
			c := b.conv(0, 2, 3, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.add(Node{Op: OpMaxPool, Inputs: []int{b.op(OpGELU, c)}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}})
		}},
		tc{"conv-sigmoid-valid", 2, func(b *fwdTestBuilder) int {
			return b.op(OpSigmoid, b.conv(0, 2, 3, 3, Attr{}, true))
		}},
		tc{"conv-bn-shared", 2, func(b *fwdTestBuilder) int { // the conv feeds two nodes: no folding
			c := b.conv(0, 2, 2, 3, Attr{Pad: [4]int{1, 1, 1, 1}}, true)
			return b.op(OpAdd, b.batchNorm(c, 2), c)
		}},
	)
	for _, act := range []Op{OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU} {
		cases = append(cases, tc{string(act), 2, func(b *fwdTestBuilder) int {
			return b.add(Node{Op: act, Inputs: []int{b.normalize(0, 2)}, Attr: Attr{Alpha: -0.3}})
		}})
	}
	for i, c := range cases {
		b := newFwdTestBuilder(uint64(10+i), c.c, 7, 6)
		b.op(OpFlatten, c.make(b))
		n := b.net(t)
		e, err := NewEvaluator(n)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		x := fwdTestInputs(uint64(i), 9, n.InputSize())
		t.Run(c.name, func(t *testing.T) { fwdTestCompare(t, n, e.Forward(nil, x, 9), x, 9, 1e-5) })
	}
}

func TestForwardDeterministicAndConcurrent(t *testing.T) {
	n := fwdTestCNN(t, 5, OpReLU)
	e, err := NewEvaluator(n)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 97
	x := fwdTestInputs(3, batch, n.InputSize())
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
	n := fwdTestMLP(t, 6)
	e, err := NewEvaluator(n)
	if err != nil {
		t.Fatal(err)
	}
	x := fwdTestInputs(4, 5, n.InputSize())
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
	n := fwdTestMLP(t, 1)
	n.Nodes[3].Params["weight"].Data[0] = float32(math.Inf(1))
	if _, err := NewEvaluator(n); err == nil {
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
	e, err := NewEvaluator(n)
	if err != nil {
		t.Fatal(err)
	}
	describe := func(p *fwdPlan) string {
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
