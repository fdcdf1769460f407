package graph

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// layerZoo returns small nets that together use every op the training graph supports, with
// random weights and batch-norm statistics.
func layerZoo(t *testing.T) map[string]*models.Net {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	p := func(shape ...int) *models.Tensor { // U(−0.5, 0.5)
		t := models.NewTensor(shape...)
		for i := range t.Data {
			t.Data[i] = float32((2*r.Float64() - 1) * 0.5)
		}
		return t
	}
	bn := func(c int) map[string]*models.Tensor {
		v := models.NewTensor(c)
		for i := range v.Data {
			v.Data[i] = 0.5 + r.Float32()
		}
		return map[string]*models.Tensor{"gamma": p(c), "beta": p(c), "mean": p(c), "var": v}
	}
	nets := map[string]*models.Net{
		// normalize, conv (bias, stride, asymmetric padding, dilation), batch norm, relu, max pool,
		// tanh, average pool with padding, flatten, dense, GELU.
		"conv": {Input: [3]int{2, 9, 9}, Classes: 3, Nodes: []models.Node{
			{Op: models.OpInput},
			{Name: "norm", Op: models.OpNormalize, Inputs: []int{0}, Params: map[string]*models.Tensor{"mean": p(2), "std": {Shape: []int{2}, Data: []float32{0.5, 2}}}},
			{Name: "c1", Op: models.OpConv, Inputs: []int{1}, Attr: models.Attr{Pad: [4]int{1, 1, 1, 1}}, Params: map[string]*models.Tensor{"weight": p(4, 2, 3, 3), "bias": p(4)}},
			{Name: "bn1", Op: models.OpBatchNorm, Inputs: []int{2}, Params: bn(4)},
			{Name: "relu", Op: models.OpReLU, Inputs: []int{3}},
			{Name: "c2", Op: models.OpConv, Inputs: []int{4}, Attr: models.Attr{Stride: [2]int{2, 1}, Pad: [4]int{2, 1, 0, 1}, Dilation: [2]int{1, 2}}, Params: map[string]*models.Tensor{"weight": p(5, 4, 3, 2)}},
			{Name: "pool", Op: models.OpMaxPool, Inputs: []int{5}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}},
			{Name: "tanh", Op: models.OpTanh, Inputs: []int{6}},
			{Name: "avg", Op: models.OpAvgPool, Inputs: []int{7}, Attr: models.Attr{Kernel: [2]int{3, 3}, Pad: [4]int{1, 1, 1, 1}}},
			{Name: "flat", Op: models.OpFlatten, Inputs: []int{8}},
			{Name: "fc", Op: models.OpDense, Inputs: []int{9}, Params: map[string]*models.Tensor{"weight": p(6, 5*2*4), "bias": p(6)}},
			{Name: "gelu", Op: models.OpGELU, Inputs: []int{10}},
			{Name: "out", Op: models.OpDense, Inputs: []int{11}, Params: map[string]*models.Tensor{"weight": p(3, 6), "bias": p(3)}},
		}},
		// A residual block with an SE gate: 1×1 convs, sigmoid, broadcast multiply, add, global
		// average pool, leaky ReLU, batch norm on vectors.
		"residual": {Input: [3]int{3, 6, 6}, Classes: 4, Nodes: []models.Node{
			{Op: models.OpInput},
			{Name: "c1", Op: models.OpConv, Inputs: []int{0}, Attr: models.Attr{Pad: [4]int{1, 1, 1, 1}}, Params: map[string]*models.Tensor{"weight": p(4, 3, 3, 3)}},
			{Name: "bn1", Op: models.OpBatchNorm, Inputs: []int{1}, Params: bn(4)},
			{Name: "lrelu", Op: models.OpLeakyReLU, Inputs: []int{2}, Attr: models.Attr{Alpha: 0.1}},
			{Name: "c2", Op: models.OpConv, Inputs: []int{3}, Params: map[string]*models.Tensor{"weight": p(4, 4, 1, 1), "bias": p(4)}},
			{Name: "squeeze", Op: models.OpGlobalAvgPool, Inputs: []int{4}},
			{Name: "se1", Op: models.OpConv, Inputs: []int{5}, Params: map[string]*models.Tensor{"weight": p(2, 4, 1, 1), "bias": p(2)}},
			{Name: "se_relu", Op: models.OpReLU, Inputs: []int{6}},
			{Name: "se2", Op: models.OpConv, Inputs: []int{7}, Params: map[string]*models.Tensor{"weight": p(4, 2, 1, 1), "bias": p(4)}},
			{Name: "gate", Op: models.OpSigmoid, Inputs: []int{8}},
			{Name: "excite", Op: models.OpMul, Inputs: []int{4, 9}},
			{Name: "sum", Op: models.OpAdd, Inputs: []int{3, 10}},
			{Name: "prod", Op: models.OpMul, Inputs: []int{11, 2}},
			{Name: "gap", Op: models.OpGlobalAvgPool, Inputs: []int{12}},
			{Name: "flat", Op: models.OpFlatten, Inputs: []int{13}},
			{Name: "bn2", Op: models.OpBatchNorm, Inputs: []int{14}, Params: bn(4)},
			{Name: "out", Op: models.OpDense, Inputs: []int{15}, Params: map[string]*models.Tensor{"weight": p(4, 4)}},
		}},
		// Fixed nodes (constants of an imported graph): a batch norm on [C,H,W] and a dense layer
		// between learned ones; their parameters are inputs of the graph, not trained.
		"fixed": {Input: [3]int{1, 5, 5}, Classes: 3, Nodes: []models.Node{
			{Op: models.OpInput},
			{Name: "c1", Op: models.OpConv, Inputs: []int{0}, Params: map[string]*models.Tensor{"weight": p(3, 1, 3, 3), "bias": p(3)}},
			{Name: "scale", Op: models.OpBatchNorm, Inputs: []int{1}, Params: bn(3), Fixed: true},
			{Name: "tanh", Op: models.OpTanh, Inputs: []int{2}},
			{Name: "flat", Op: models.OpFlatten, Inputs: []int{3}},
			{Name: "const", Op: models.OpDense, Inputs: []int{4}, Params: map[string]*models.Tensor{"weight": p(6, 27), "bias": p(6)}, Fixed: true},
			{Name: "bn", Op: models.OpBatchNorm, Inputs: []int{5}, Params: bn(6)},
			{Name: "out", Op: models.OpDense, Inputs: []int{6}, Params: map[string]*models.Tensor{"weight": p(3, 6), "bias": p(3)}},
		}},
	}
	for _, act := range []models.Op{models.OpReLU, models.OpTanh, models.OpSigmoid, models.OpGELU, models.OpLeakyReLU} {
		n, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 3, 4}, Classes: 3, Hidden: []int{7, 5}, Activation: act,
			Normalize: &[2]float32{0.5, 0.25}}, 5)
		if err != nil {
			t.Fatal(err)
		}
		nets["mlp-"+string(act)] = n
	}
	for _, kind := range []models.Shortcut{models.ShortcutGate, models.ShortcutSGate, models.ShortcutGate2, models.ShortcutBNMul1} {
		n, err := models.NewResNet(models.ResNetConfig{Input: [3]int{2, 8, 8}, Classes: 3, Shortcut: kind, SE: true}, 3)
		if err != nil {
			t.Fatal(err)
		}
		nets["resnet-se-"+string(kind)] = n
	}
	for name, n := range nets {
		if err := n.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return nets
}

func randomImages(r *rand.Rand, n, size int) []float32 {
	x := make([]float32, n*size)
	for i := range x {
		x[i] = r.Float32()
	}
	return x
}

// The inference graph's logits equal the reference forward pass and the fast forward pass
// (Evaluator) on the same weights to within 1e-5·(1 + |logit|) (float32 kernels against float64
// accumulation, and against another float32 summation order).
func TestGorgoniaLogitsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for name, n := range layerZoo(t) {
		const batch = 3
		g, err := Build(n, NewStore(n), batch, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		x := randomImages(r, batch, n.InputSize())
		copy(g.X, x)
		if err := g.Run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ev, err := infer.New(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fast := ev.Forward(nil, x, batch)
		for s := 0; s < batch; s++ {
			want, err := n.ForwardReference(x[s*n.InputSize() : (s+1)*n.InputSize()])
			if err != nil {
				t.Fatal(err)
			}
			got := g.Logits()[s*n.Classes : (s+1)*n.Classes]
			for k := range want {
				tol := 1e-5 * (1 + math.Abs(float64(want[k])))
				if d := math.Abs(float64(got[k] - want[k])); d > tol {
					t.Errorf("%s: sample %d logit %d: gorgonia %v, reference %v", name, s, k, got[k], want[k])
				}
				if f := fast[s*n.Classes+k]; math.Abs(float64(got[k]-f)) > tol {
					t.Errorf("%s: sample %d logit %d: gorgonia %v, Evaluator %v", name, s, k, got[k], f)
				}
			}
		}
		g.Close()
	}
}

// smoothed returns a copy of n with its kinked ops replaced by smooth ones (ReLU → GELU, leaky
// ReLU → tanh, max pool → average pool), for finite differences that no kink can spoil.
func smoothed(n *models.Net) *models.Net {
	c := *n
	c.Nodes = append([]models.Node(nil), n.Nodes...)
	for i := range c.Nodes {
		switch c.Nodes[i].Op {
		case models.OpReLU:
			c.Nodes[i].Op = models.OpGELU
		case models.OpLeakyReLU:
			c.Nodes[i].Op = models.OpTanh
		case models.OpMaxPool:
			c.Nodes[i].Op = models.OpAvgPool
		}
	}
	return &c
}

// The training graph's gradients agree with central finite differences of its own loss along
// random directions, for every learnable tensor: |fd − g·d| ≤ 1e-2·(|g·d| + 1e-2). The nets are
// the zoo's with kinked ops made smooth (a finite step can straddle a ReLU or max-pool kink);
// TestPiecewiseLinearGradients covers those ops exactly.
func TestGorgoniaGradientsMatchFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	zoo := layerZoo(t)
	var names []string
	for name := range zoo {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		checkGradients(t, name, smoothed(zoo[name]), r, 1e-2)
	}
}

// ReLU, leaky ReLU and max pooling pass gradients exactly where they picked their output.
func TestPiecewiseLinearGradients(t *testing.T) {
	x := []float32{-2, -0.5, 0.5, 3}
	dy := []float32{1, 2, 3, 4}
	dx := make([]float32, 4)
	(&activationKernel{op: models.OpReLU, inputGrad: true}).backward(0, dx, [][]float32{x}, nil, dy)
	if !slices.Equal(dx, []float32{0, 0, 3, 4}) {
		t.Errorf("relu: %v", dx)
	}
	(&activationKernel{op: models.OpLeakyReLU, alpha: 0.1, inputGrad: true}).backward(0, dx, [][]float32{x}, nil, dy)
	if !slices.Equal(dx, []float32{0.1, 0.2, 3, 4}) {
		t.Errorf("leaky relu: %v", dx)
	}
	// 2×2 max pool, stride 2, over a 1×2×4 sample: windows {1,5,2,0} and {7,3,4,8}; maxima at 5 and 8.
	nd := &models.Node{Op: models.OpMaxPool, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}}
	k := newPoolKernel(1, []int{1, 2, 4}, []int{1, 1, 2}, nd, true)
	in := []float32{1, 2, 7, 4, 5, 0, 3, 8}
	y, g := make([]float32, 2), make([]float32, 8)
	k.forward(y, [][]float32{in})
	k.backward(0, g, [][]float32{in}, y, []float32{10, 20})
	if !slices.Equal(y, []float32{5, 8}) || !slices.Equal(g, []float32{0, 0, 0, 0, 10, 0, 0, 20}) {
		t.Errorf("max pool: y %v, dx %v", y, g)
	}
}

func checkGradients(t *testing.T, name string, n *models.Net, r *rand.Rand, tol float64) {
	const batch = 4
	ps := NewStore(n)
	g, err := Build(n, ps, batch, true)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	copy(g.X, randomImages(r, batch, n.InputSize()))
	for s := 0; s < batch; s++ { // soft targets, as under mixup
		a, b := r.IntN(n.Classes), r.IntN(n.Classes)
		g.Targets[s*n.Classes+a] += 0.7
		g.Targets[s*n.Classes+b] += 0.3
	}
	loss := func() float64 {
		if err := g.Run(); err != nil {
			t.Fatal(err)
		}
		return g.Loss()
	}
	loss()
	grads := make([][]float32, len(g.Learn))
	for j := range g.Learn {
		gr, err := g.Gradient(j)
		if err != nil {
			t.Fatal(err)
		}
		grads[j] = append([]float32(nil), gr...)
	}
	for j, l := range g.Learn {
		d := randomImages(r, 1, len(l.Data))
		norm := 0.0
		for i := range d {
			d[i] -= 0.5
			norm += float64(d[i] * d[i])
		}
		analytic := 0.0
		for i := range d {
			d[i] /= float32(math.Sqrt(norm))
			analytic += float64(d[i] * grads[j][i])
		}
		const eps = 3e-3 // much smaller steps drown in float32 rounding
		orig := append([]float32(nil), l.Data...)
		for i := range d {
			l.Data[i] = orig[i] + eps*d[i]
		}
		up := loss()
		for i := range d {
			l.Data[i] = orig[i] - eps*d[i]
		}
		down := loss()
		copy(l.Data, orig)
		fd := (up - down) / (2 * eps)
		if math.Abs(fd-analytic) > tol*(math.Abs(analytic)+1e-2) {
			t.Errorf("%s (tolerance %v): %s: directional derivative %v, finite difference %v", name, tol, l.node.Name(), analytic, fd)
		}
	}
	g.Close()
}

// Training-mode batch norm by hand: one channel, two samples of two values, 1, 3 and 5, 7:
// mean 4, biased variance 5, unbiased 20/3; running mean 0.9·0 + 0.1·4, variance 0.9·1 + 0.1·20/3.
func TestBatchNormTrainingKnownAnswer(t *testing.T) {
	nd := &models.Node{Op: models.OpBatchNorm}
	mean, variance := []float32{0}, []float32{1}
	k := newBNKernel(2, []int{1, 2}, nd, mean, variance, true, true)
	y := make([]float32, 4)
	k.forward(y, [][]float32{{1, 3, 5, 7}, {2}, {0.5}})
	sd := math.Sqrt(5 + 1e-5)
	for i, x := range []float64{1, 3, 5, 7} {
		if want := 2*(x-4)/sd + 0.5; math.Abs(float64(y[i])-want) > 1e-6 {
			t.Errorf("y[%d] = %v, want %v", i, y[i], want)
		}
	}
	if math.Abs(float64(mean[0])-0.4) > 1e-7 || math.Abs(float64(variance[0])-(0.9+2.0/3)) > 1e-6 {
		t.Errorf("running mean %v variance %v", mean[0], variance[0])
	}
}

// A Fixed node's parameters enter the graph but are not trained: Learn lists only the others, a
// training step leaves the fixed batch norm's gamma, beta and running statistics as they were,
// and the gradients through the fixed nodes are checked by TestGorgoniaGradientsMatchFiniteDifferences.
func TestFixedNodesAreNotLearned(t *testing.T) {
	n := layerZoo(t)["fixed"]
	ps := NewStore(n)
	g, err := Build(n, ps, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	var learned []string
	for _, l := range g.Learn {
		learned = append(learned, n.Nodes[l.Node].Name+"."+l.Name)
	}
	if want := []string{"c1.weight", "c1.bias", "bn.gamma", "bn.beta", "out.weight", "out.bias"}; !slices.Equal(learned, want) {
		t.Fatalf("learned %v, want %v", learned, want)
	}
	before := n.Clone()
	copy(g.X, randomImages(rand.New(rand.NewPCG(8, 8)), 4, n.InputSize()))
	g.Targets[0], g.Targets[4], g.Targets[8], g.Targets[9] = 1, 1, 1, 1
	if err := g.Run(); err != nil {
		t.Fatal(err)
	}
	ps.CopyTo(n)
	for _, i := range []int{2, 5} {
		for name, p := range before.Nodes[i].Params {
			if !slices.Equal(p.Data, n.Nodes[i].Params[name].Data) {
				t.Errorf("a training step changed %s of fixed node %q", name, n.Nodes[i].Name)
			}
		}
	}
	if slices.Equal(before.Nodes[6].Params["mean"].Data, n.Nodes[6].Params["mean"].Data) {
		t.Error("the learned batch norm's running mean did not move")
	}
}
