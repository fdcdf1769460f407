package jacobian

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// testBuilder appends nodes with seeded random parameters to a net under construction.
type testBuilder struct {
	r      *rand.Rand
	n      *models.Net
	shapes [][]int
}

func newTestBuilder(seed uint64, c, h, w int) *testBuilder {
	return &testBuilder{r: rand.New(rand.NewPCG(seed, 7)), n: &models.Net{Input: [3]int{c, h, w}, Nodes: []models.Node{{Op: models.OpInput}}},
		shapes: [][]int{{c, h, w}}}
}

func (b *testBuilder) add(nd models.Node) int {
	b.n.Nodes = append(b.n.Nodes, nd)
	shapes, err := b.n.NodeShapes()
	if err != nil {
		panic(fmt.Sprintf("testBuilder: node %d %s: %v", len(b.n.Nodes)-1, nd.Op, err))
	}
	b.shapes = shapes
	return len(b.n.Nodes) - 1
}

func (b *testBuilder) tensor(lo, hi float64, shape ...int) *models.Tensor {
	t := models.NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(lo + (hi-lo)*b.r.Float64())
	}
	return t
}

func (b *testBuilder) op(op models.Op, in ...int) int { return b.add(models.Node{Op: op, Inputs: in}) }

func (b *testBuilder) opAttr(op models.Op, a models.Attr, in ...int) int {
	return b.add(models.Node{Op: op, Inputs: in, Attr: a})
}

func (b *testBuilder) channels(x int) int { return b.shapes[x][0] }
func (b *testBuilder) size(x int) int     { return models.ShapeSize(b.shapes[x]) }

func (b *testBuilder) dense(x, out int, bias bool) int {
	in := b.size(x)
	s := 1.5 / math.Sqrt(float64(in))
	p := map[string]*models.Tensor{"weight": b.tensor(-s, s, out, in)}
	if bias {
		p["bias"] = b.tensor(-0.3, 0.3, out)
	}
	return b.add(models.Node{Op: models.OpDense, Inputs: []int{x}, Params: p})
}

func (b *testBuilder) conv(x, out, k int, a models.Attr, bias bool) int {
	cin := b.channels(x)
	g := a.NumGroups()
	s := 1.5 / math.Sqrt(float64(cin/g*k*k))
	p := map[string]*models.Tensor{"weight": b.tensor(-s, s, out, cin/g, k, k)}
	if bias {
		p["bias"] = b.tensor(-0.3, 0.3, out)
	}
	return b.add(models.Node{Op: models.OpConv, Inputs: []int{x}, Attr: a, Params: p})
}

func (b *testBuilder) batchNorm(x int) int {
	c := b.channels(x)
	return b.add(models.Node{Op: models.OpBatchNorm, Inputs: []int{x}, Attr: models.Attr{Eps: 1e-3}, Params: map[string]*models.Tensor{
		"gamma": b.tensor(0.5, 1.5, c), "beta": b.tensor(-0.2, 0.2, c),
		"mean": b.tensor(-0.2, 0.2, c), "var": b.tensor(0.5, 2, c)}})
}

func (b *testBuilder) normalize(x int) int {
	c := b.channels(x)
	return b.add(models.Node{Op: models.OpNormalize, Inputs: []int{x}, Params: map[string]*models.Tensor{
		"mean": b.tensor(0.2, 0.6, c), "std": b.tensor(0.2, 0.5, c)}})
}

func (b *testBuilder) net() *models.Net {
	n := b.n
	n.Classes = models.ShapeSize(b.shapes[len(b.shapes)-1])
	if err := n.Validate(); err != nil {
		panic(err)
	}
	return n
}

// testNets covers every op of the vocabulary (concat along channels and along a spatial axis, with
// an input repeated): smooth nets (every entry must match finite
// differences) and nets with kinks (ReLU, LeakyReLU, Clip, max pool).
func testNets() (smooth, kinked map[string]*models.Net) {
	b := newTestBuilder(1, 2, 7, 6)
	x := b.conv(b.normalize(0), 4, 3, models.Attr{Stride: [2]int{2, 1}, Pad: [4]int{1, 1, 1, 1}, Dilation: [2]int{1, 2}}, true)
	x = b.op(models.OpTanh, b.batchNorm(x))
	x = b.conv(x, 4, 3, models.Attr{Groups: 2, Pad: [4]int{1, 1, 1, 1}}, false)
	gate := b.op(models.OpSigmoid, b.op(models.OpGlobalAvgPool, x))
	x = b.op(models.OpAdd, b.op(models.OpMul, x, gate), x)
	x = b.add(models.Node{Op: models.OpConcat, Inputs: []int{x, b.conv(x, 2, 1, models.Attr{}, true)}}) // channels
	x = b.add(models.Node{Op: models.OpConcat, Inputs: []int{x, x}, Attr: models.Attr{Axis: 2}})        // width, one input twice
	x = b.op(models.OpGELU, b.batchNorm(x))
	x = b.opAttr(models.OpAvgPool, models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{1, 2}, Pad: [4]int{1, 0, 0, 0}}, x)
	x = b.conv(x, 3, 1, models.Attr{}, true)
	x = b.dense(b.op(models.OpFlatten, x), 8, true)
	x = b.op(models.OpSigmoid, b.batchNorm(x))
	x = b.opAttr(models.OpReshape, models.Attr{Shape: []int{2, 4}}, x)
	x = b.op(models.OpSoftmax, x)
	b.dense(x, 5, true)
	smooth = map[string]*models.Net{"cnn": b.net()}

	b = newTestBuilder(2, 1, 4, 5)
	x = b.dense(b.op(models.OpFlatten, 0), 9, false)
	x = b.op(models.OpTanh, x)
	y := b.op(models.OpGELU, b.dense(x, 9, true))
	x = b.op(models.OpMul, b.op(models.OpAdd, x, y), y)
	x = b.add(models.Node{Op: models.OpConcat, Inputs: []int{x, b.op(models.OpTanh, b.dense(y, 4, true)), y}})
	b.op(models.OpLogSoftmax, b.dense(x, 3, true))
	smooth["mlp"] = b.net()

	b = newTestBuilder(3, 2, 6, 6)
	x = b.conv(0, 3, 3, models.Attr{Pad: [4]int{1, 0, 1, 2}}, true)
	x = b.opAttr(models.OpLeakyReLU, models.Attr{Alpha: 0.1}, x)
	x = b.opAttr(models.OpMaxPool, models.Attr{Kernel: [2]int{3, 2}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 0, 0}}, x)
	x = b.conv(x, 4, 1, models.Attr{Stride: [2]int{2, 1}}, false)
	x = b.op(models.OpReLU, b.batchNorm(x))
	x = b.dense(b.op(models.OpFlatten, x), 6, true)
	x = b.opAttr(models.OpClip, models.Attr{Min: -0.2, Max: 0.3}, x)
	b.dense(x, 4, true)
	kinked = map[string]*models.Net{"relu-maxpool-clip": b.net()}
	return smooth, kinked
}

// testScalar is u·f(x) from ForwardReference, summed in float64.
func testScalar(t *testing.T, n *models.Net, x, u []float32) float64 {
	z, err := n.ForwardReference(x)
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for k, v := range z {
		s += float64(u[k]) * float64(v)
	}
	return s
}

// testFD is the central difference of u·f(x) in parameter p (a float32 entry of the net, moved
// by ±h; the denominator is the step the float32 values actually took).
func testFD(t *testing.T, n *models.Net, p *float32, h float64, x, u []float32) float64 {
	p0 := *p
	hi, lo := float32(float64(p0)+h), float32(float64(p0)-h)
	*p = hi
	fp := testScalar(t, n, x, u)
	*p = lo
	fm := testScalar(t, n, x, u)
	*p = p0
	return (fp - fm) / (float64(hi) - float64(lo))
}

func testInputs(r *rand.Rand, n *models.Net, batch int) []float32 {
	x := make([]float32, batch*n.InputSize())
	for i := range x {
		x[i] = r.Float32()
	}
	return x
}

// Every parameter's gradient, for every sample and three seeds (a logit, the sum, a random
// combination), against central differences of ForwardReference: step 2e-3 and
// |J − fd| ≤ 2e-3·max(1, max|fd|). On nets with kinks an entry whose difference quotients at steps
// 1e-3 and 2.5e-4 disagree straddles a kink and is skipped; at most 3% may be.
func TestJacobianMatchesFiniteDifferences(t *testing.T) {
	smooth, kinked := testNets()
	for name, n := range map[string]*models.Net{"cnn": smooth["cnn"], "mlp": smooth["mlp"], "relu-maxpool-clip": kinked["relu-maxpool-clip"]} {
		_, isKinked := kinked[name]
		r := rand.New(rand.NewPCG(9, 9))
		const batch = 3
		x := testInputs(r, n, batch)
		C := n.Classes
		seeds := make([]float32, 3*C)
		seeds[1] = 1
		for k := 0; k < C; k++ {
			seeds[C+k] = 1
			seeds[2*C+k] = float32(r.NormFloat64())
		}
		j, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		jb := j.Compute(nil, x, batch, seeds)
		var flat []float32
		checked, skipped := 0, 0
		for s := 0; s < batch; s++ {
			xs := x[s*n.InputSize() : (s+1)*n.InputSize()]
			z, _ := n.ForwardReference(xs)
			for k := range z {
				if d := math.Abs(float64(z[k] - jb.Logits[s*C+k])); d > 1e-4*math.Max(1, math.Abs(float64(z[k]))) {
					t.Errorf("%s: sample %d logit %d: %v, reference %v", name, s, k, jb.Logits[s*C+k], z[k])
				}
			}
			for sd := 0; sd < 3; sd++ {
				u := seeds[sd*C : (sd+1)*C]
				flat = jb.Gradient(flat, s, sd)
				if len(flat) != j.NumParams() {
					t.Fatalf("%s: flat gradient has %d values, want %d", name, len(flat), j.NumParams())
				}
				off := 0
				fds := make([]float64, len(flat))
				scale := 1.0
				for _, pr := range j.Params() {
					data := n.Nodes[pr.Node].Params[pr.Name].Data
					for k := range data {
						h := 2e-3
						if isKinked {
							h = 1e-3
						}
						fds[off+k] = testFD(t, n, &data[k], h, xs, u)
						if isKinked {
							if f2 := testFD(t, n, &data[k], h/4, xs, u); math.Abs(f2-fds[off+k]) > 1e-3*math.Max(1, math.Abs(f2)) {
								fds[off+k] = math.NaN()
							}
						}
						scale = math.Max(scale, math.Abs(fds[off+k]))
					}
					off += len(data)
				}
				for p, fd := range fds {
					if math.IsNaN(fd) {
						skipped++
						continue
					}
					checked++
					if d := math.Abs(float64(flat[p]) - fd); d > 2e-3*scale {
						t.Errorf("%s: sample %d seed %d param %d (%s): jacobian %.6g, finite difference %.6g",
							name, s, sd, p, testParamName(j, p), flat[p], fd)
					}
				}
			}
		}
		if skipped*100 > 3*(checked+skipped) || checked == 0 {
			t.Errorf("%s: %d of %d entries straddle a kink", name, skipped, checked+skipped)
		}
		t.Logf("%s: %d parameters, %d entries checked, %d skipped at kinks", name, j.NumParams(), checked, skipped)
	}
}

func testParamName(j *Jacobian, p int) string {
	for _, pr := range j.Params() {
		n := 1
		for _, d := range pr.Shape {
			n *= d
		}
		if p < n {
			return fmt.Sprintf("node %d %s[%d]", pr.Node, pr.Name, p)
		}
		p -= n
	}
	return "?"
}

// On f(x) = w·x + b the gradient is exactly (x, 1) times the seed, for any w.
func TestJacobianLinearModelExact(t *testing.T) {
	b := newTestBuilder(4, 1, 3, 4)
	b.dense(b.op(models.OpFlatten, 0), 1, true)
	n := b.net()
	j, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	x := testInputs(rand.New(rand.NewPCG(1, 1)), n, 5)
	jb := j.Compute(nil, x, 5, []float32{2.5})
	for s := 0; s < 5; s++ {
		g := jb.Gradient(nil, s, 0)
		for i := 0; i < 12; i++ {
			if g[i] != 2.5*x[s*12+i] {
				t.Fatalf("sample %d: ∂/∂w[%d] = %v, want %v", s, i, g[i], 2.5*x[s*12+i])
			}
		}
		if g[12] != 2.5 {
			t.Fatalf("sample %d: ∂/∂b = %v, want 2.5", s, g[12])
		}
	}
}

// A batch computed in parallel equals each sample computed alone, bit for bit, and a reused
// batch gives the same values.
func TestJacobianBatchEqualsSingles(t *testing.T) {
	smooth, kinked := testNets()
	for name, n := range map[string]*models.Net{"cnn": smooth["cnn"], "kinked": kinked["relu-maxpool-clip"]} {
		j, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		seeds := make([]float32, 2*n.Classes)
		for k := range seeds {
			seeds[k] = float32(k%3) - 1
		}
		const batch = 9
		x := testInputs(rand.New(rand.NewPCG(5, 5)), n, batch)
		all := j.Compute(nil, x, batch, seeds)
		var one *Batch
		D := n.InputSize()
		for s := 0; s < batch; s++ {
			one = j.Compute(one, x[s*D:(s+1)*D], 1, seeds)
			for r := 0; r < 2; r++ {
				a, b := all.Gradient(nil, s, r), one.Gradient(nil, 0, r)
				for p := range a {
					if a[p] != b[p] {
						t.Fatalf("%s: sample %d seed %d param %d: batch %v, alone %v", name, s, r, p, a[p], b[p])
					}
				}
			}
		}
	}
}

func TestJacobianRecordSize(t *testing.T) {
	n, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{256, 256}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	j, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	if j.NumParams() != n.NumParams() {
		t.Errorf("NumParams %d, net has %d", j.NumParams(), n.NumParams())
	}
	// inputs 784+256+256, deltas (256+256+10)·seeds
	if got, want := j.RecordSize(10), 784+256+256+10*(256+256+10); got != want {
		t.Errorf("RecordSize(10) = %d, want %d", got, want)
	}
	if _, err := New(&models.Net{Input: [3]int{1, 2, 2}, Classes: 4, Nodes: []models.Node{{Op: models.OpInput}, {Op: models.OpFlatten, Inputs: []int{0}}}}); err == nil {
		t.Error("a net without parameters gave no error")
	}
}

func BenchmarkJacobian(b *testing.B) {
	for _, w := range infer.PlaneWorkloads {
		n, err := infer.PlaneWorkloadNet(w)
		if err != nil {
			b.Fatal(err)
		}
		j, err := New(n)
		if err != nil {
			b.Fatal(err)
		}
		const batch = 32
		x := testInputs(rand.New(rand.NewPCG(1, 2)), n, batch)
		for _, R := range []int{1, 10} {
			seeds := make([]float32, R*10)
			for r := 0; r < R; r++ {
				seeds[r*10+r] = 1
			}
			b.Run(fmt.Sprintf("%s/seeds=%d", w, R), func(b *testing.B) {
				b.ReportAllocs()
				var jb *Batch
				for i := 0; i < b.N; i++ {
					jb = j.Compute(jb, x, batch, seeds)
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "samples/s")
			})
		}
	}
}

// Dot against the inner products of the flat gradients, in float64: it adds to dst, and
// |dot − want| ≤ 1e-5·‖g_s‖‖g_t‖ summed over seeds (float32 products).
func TestJacobianDotMatchesFlatGradients(t *testing.T) {
	smooth, kinked := testNets()
	for name, n := range map[string]*models.Net{"cnn": smooth["cnn"], "mlp": smooth["mlp"], "kinked": kinked["relu-maxpool-clip"]} {
		j, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		seeds := make([]float32, 2*n.Classes)
		for k := range seeds {
			seeds[k] = float32(r.NormFloat64())
		}
		xa, xb := testInputs(r, n, 5), testInputs(r, n, 3)
		a, b := j.Compute(nil, xa, 5, seeds), j.Compute(nil, xb, 3, seeds)
		dst := make([]float64, 15)
		for i := range dst {
			dst[i] = 1
		}
		a.Dot(dst, b)
		for s := 0; s < 5; s++ {
			for u := 0; u < 3; u++ {
				want, scale := 1.0, 0.0
				for sd := 0; sd < 2; sd++ {
					ga, gb := a.Gradient(nil, s, sd), b.Gradient(nil, u, sd)
					d, na, nb := 0.0, 0.0, 0.0
					for p := range ga {
						d += float64(ga[p]) * float64(gb[p])
						na += float64(ga[p]) * float64(ga[p])
						nb += float64(gb[p]) * float64(gb[p])
					}
					want += d
					scale += math.Sqrt(na * nb)
				}
				if got := dst[s*3+u]; math.Abs(got-want) > 1e-5*scale {
					t.Errorf("%s: dot[%d][%d] = %.9g, want %.9g", name, s, u, got, want)
				}
			}
		}
	}
}

// The gated shortcut kinds (σ on the residual side, the shortcut side, both) in a ResNet-8 with
// SE gates and random batch-norm statistics: 60 random parameter entries per kind, for two
// samples and the sum-of-logits seed, against central differences of ForwardReference with the
// kink rule of TestJacobianMatchesFiniteDifferences (ReLUs).
func TestJacobianGatedShortcuts(t *testing.T) {
	for _, kind := range []models.Shortcut{models.ShortcutGate, models.ShortcutSGate, models.ShortcutGate2} {
		n, err := models.NewResNet(models.ResNetConfig{Input: [3]int{1, 4, 4}, Classes: 3, Shortcut: kind, SE: true}, 4)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(11, 11))
		for i := range n.Nodes {
			if p := n.Nodes[i].Params; n.Nodes[i].Op == models.OpBatchNorm {
				for c := range p["mean"].Data {
					p["mean"].Data[c], p["var"].Data[c] = float32(0.3*r.NormFloat64()), float32(0.5+r.Float64())
					p["gamma"].Data[c], p["beta"].Data[c] = float32(0.5+r.Float64()), float32(0.5*r.NormFloat64())
				}
			}
		}
		j, err := New(n)
		if err != nil {
			t.Fatal(err)
		}
		x := testInputs(r, n, 2)
		u := []float32{1, 1, 1}
		jb := j.Compute(nil, x, 2, u)
		var flat []float32
		checked, skipped := 0, 0
		for s := 0; s < 2; s++ {
			xs := x[s*n.InputSize() : (s+1)*n.InputSize()]
			flat = jb.Gradient(flat, s, 0)
			for range 60 {
				p := r.IntN(len(flat))
				data, k := testParam(n, j, p)
				fd := testFD(t, n, &data[k], 1e-3, xs, u)
				if f2 := testFD(t, n, &data[k], 2.5e-4, xs, u); math.Abs(f2-fd) > 1e-3*math.Max(1, math.Abs(f2)) {
					skipped++
					continue
				}
				checked++
				if d := math.Abs(float64(flat[p]) - fd); d > 2e-3*math.Max(1, math.Abs(fd)) {
					t.Errorf("%s: sample %d param %d (%s): jacobian %.6g, finite difference %.6g", kind, s, p, testParamName(j, p), flat[p], fd)
				}
			}
		}
		if skipped*100 > 3*(checked+skipped) {
			t.Errorf("%s: %d of %d entries straddle a kink", kind, skipped, checked+skipped)
		}
	}
}

// testParam returns the net's parameter slice that holds entry p of the flat gradient, and the
// entry's index in it.
func testParam(n *models.Net, j *Jacobian, p int) ([]float32, int) {
	for _, pr := range j.Params() {
		data := n.Nodes[pr.Node].Params[pr.Name].Data
		if p < len(data) {
			return data, p
		}
		p -= len(data)
	}
	panic("testParam: past the end")
}
