package ntk

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/jacobian"
)

// linearNet is f(x) = W·flatten(x) + b with classes outputs and seeded weights.
func linearNet(c, h, w, classes int, seed uint64) *models.Net {
	r := rand.New(rand.NewPCG(seed, 1))
	d := c * h * w
	wt, b := models.NewTensor(classes, d), models.NewTensor(classes)
	for i := range wt.Data {
		wt.Data[i] = float32(r.NormFloat64())
	}
	for i := range b.Data {
		b.Data[i] = float32(r.NormFloat64())
	}
	return &models.Net{Input: [3]int{c, h, w}, Classes: classes, Nodes: []models.Node{{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{"weight": wt, "bias": b}}}}
}

// quarterInputs returns n samples of d pixels in {0, ¼, ½, ¾, 1}: their dot products are exact in
// float32.
func quarterInputs(n, d int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n*d)
	for i := range x {
		x[i] = float32(r.IntN(5)) / 4
	}
	return x
}

// On a linear model f(x) = w·x + b the NTK is XXᵀ + 1 exactly, for one output and for every
// output selection of a multi-output linear model (the sum kernel is C(XXᵀ + 1)), whatever the
// chunking.
func TestKernelOfLinearModelIsXXtPlusOne(t *testing.T) {
	const n, d = 23, 12
	x := quarterInputs(n, d, 1)
	want := func(s, u int) float64 {
		v := 1.0
		for k := 0; k < d; k++ {
			v += float64(x[s*d+k]) * float64(x[u*d+k])
		}
		return v
	}
	cases := []struct {
		classes int
		out     Output
		factor  float64
	}{
		{1, Output{}, 1}, {4, Output{Kind: OutputMean}, 1}, {4, Output{Kind: OutputSum}, 4}, {4, Output{Kind: OutputLogit, Class: 2}, 1},
	}
	for _, c := range cases {
		net := linearNet(1, 3, 4, c.classes, 5)
		for _, opt := range []KernelOptions{{Output: c.out}, {Output: c.out, Chunk: 4, MaxBytes: 1200}} {
			K, st, err := Kernel(context.Background(), net, x, n, opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			for s := 0; s < n; s++ {
				for u := 0; u < n; u++ {
					if got := K.At(s, u); got != c.factor*want(s, u) {
						t.Fatalf("%d classes, %s, chunk %d: Θ(%d,%d) = %v, want %v", c.classes, c.out, opt.Chunk, s, u, got, c.factor*want(s, u))
					}
				}
			}
			if opt.MaxBytes > 0 && (st.Passes < 2 || st.HeldBytes > opt.MaxBytes) {
				t.Errorf("%s: bound %d bytes: %d passes holding %d bytes", c.out, opt.MaxBytes, st.Passes, st.HeldBytes)
			}
		}
	}
}

// smallCNN is a CNN with batch norm, tanh and ReLU and a hidden dense layer, seeded.
func smallCNN(t testing.TB, seed int64) *models.Net {
	n, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 8, 8}, Classes: 3, Channels: []int{3, 4}, PoolEvery: 1,
		BatchNorm: true, Activation: models.OpTanh, Hidden: []int{6}}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The kernel equals Σ_r g_r(x)·g_r(x')·scale from the explicit flat gradients (float64), is
// symmetric and positive semi-definite (smallest eigenvalue ≥ −1e-6 of the largest), and a
// tight memory bound (several passes, records recomputed) gives the same kernel to 1e-6.
func TestKernelMatchesExplicitGradients(t *testing.T) {
	net := smallCNN(t, 3)
	const n = 19
	x := quarterInputs(n, 64, 7)
	j, err := jacobian.New(net)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []Output{{Kind: OutputMean}, {Kind: OutputSum}, {Kind: OutputLogit, Class: 1}} {
		seeds, scale, _ := out.seeds(3)
		R := len(seeds) / 3
		jb := j.Compute(nil, x, n, seeds)
		grads := make([][][]float32, n)
		for s := range grads {
			for r := 0; r < R; r++ {
				grads[s] = append(grads[s], jb.Gradient(nil, s, r))
			}
		}
		K, _, err := Kernel(context.Background(), net, x, n, KernelOptions{Output: out}, nil)
		if err != nil {
			t.Fatal(err)
		}
		rec := int64(4 * (j.RecordSize(R) + 3))
		Kt, st, err := Kernel(context.Background(), net, x, n, KernelOptions{Output: out, Chunk: 3, MaxBytes: 8 * rec}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Passes < 3 || st.HeldBytes > 8*rec || st.Computed <= n {
			t.Errorf("%s: tight bound: %+v", out, st)
		}
		for s := 0; s < n; s++ {
			for u := 0; u < n; u++ {
				want, norm := 0.0, 0.0
				for r := 0; r < R; r++ {
					var d, a, b float64
					for p, v := range grads[s][r] {
						w := float64(grads[u][r][p])
						d, a, b = d+float64(v)*w, a+float64(v)*float64(v), b+w*w
					}
					want += scale * d
					norm += scale * math.Sqrt(a*b)
				}
				if got := K.At(s, u); math.Abs(got-want) > 1e-5*norm {
					t.Fatalf("%s: Θ(%d,%d) = %.8g, from flat gradients %.8g", out, s, u, got, want)
				}
				if math.Abs(Kt.At(s, u)-K.At(s, u)) > 1e-6*norm {
					t.Fatalf("%s: Θ(%d,%d) = %.8g in passes, %.8g at once", out, s, u, Kt.At(s, u), K.At(s, u))
				}
			}
		}
		var e mat.EigenSym
		if !e.Factorize(K, false) {
			t.Fatal("eigen-decomposition failed")
		}
		v := e.Values(nil)
		if v[0] < -1e-6*v[len(v)-1] {
			t.Errorf("%s: smallest eigenvalue %g, largest %g: not positive semi-definite", out, v[0], v[len(v)-1])
		}
	}
}

func TestKernelErrors(t *testing.T) {
	net := linearNet(1, 2, 2, 3, 1)
	x := quarterInputs(4, 4, 1)
	for name, f := range map[string]func() error{
		"short input": func() error {
			_, _, err := Kernel(context.Background(), net, x[:15], 4, KernelOptions{}, nil)
			return err
		},
		"bad logit": func() error {
			_, _, err := Kernel(context.Background(), net, x, 4, KernelOptions{Output: Output{Kind: OutputLogit, Class: 3}}, nil)
			return err
		},
		"tiny bound": func() error {
			_, _, err := Kernel(context.Background(), net, x, 4, KernelOptions{MaxBytes: 100}, nil)
			return err
		},
		"cancelled": func() error {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_, _, err := Kernel(ctx, net, x, 4, KernelOptions{}, nil)
			return err
		},
		"no parameters": func() error {
			n := &models.Net{Input: [3]int{1, 2, 2}, Classes: 4, Nodes: []models.Node{{Op: models.OpInput}, {Op: models.OpFlatten, Inputs: []int{0}}}}
			_, _, err := Kernel(context.Background(), n, x, 4, KernelOptions{}, nil)
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for _, s := range []string{"logit", "logit:-1", "max", "logit:x"} {
		if _, err := ParseOutput(s); err == nil {
			t.Errorf("ParseOutput(%q): no error", s)
		}
	}
	for _, s := range []string{"mean", "sum", "logit:7"} {
		if o, err := ParseOutput(s); err != nil || o.String() != s {
			t.Errorf("ParseOutput(%q) = %v, %v", s, o, err)
		}
	}
}

// BenchmarkKernel times the mean per-logit kernel of 128 samples of the standard plane workloads'
// nets (MLP 784-256-256-10, CNN 16-32 channels).
func BenchmarkKernel(b *testing.B) {
	for _, w := range infer.PlaneWorkloads {
		net, err := infer.PlaneWorkloadNet(w)
		if err != nil {
			b.Fatal(err)
		}
		const n = 128
		x := quarterInputs(n, net.InputSize(), 3)
		b.Run(w, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := Kernel(context.Background(), net, x, n, KernelOptions{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
