package models

import (
	"math"
	"math/rand/v2"
	"testing"
)

// layerZoo returns small nets that together use every op the training graph supports, with
// random weights and batch-norm statistics.
func layerZoo(t *testing.T) map[string]*Net {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	p := func(shape ...int) *Tensor { return uniformTensor(r, 0.5, shape...) }
	bn := func(c int) map[string]*Tensor {
		v := NewTensor(c)
		for i := range v.Data {
			v.Data[i] = 0.5 + r.Float32()
		}
		return map[string]*Tensor{"gamma": p(c), "beta": p(c), "mean": p(c), "var": v}
	}
	nets := map[string]*Net{
		// normalize, conv (bias, stride, asymmetric padding, dilation), batch norm, relu, max pool,
		// tanh, average pool with padding, flatten, dense, GELU.
		"conv": {Input: [3]int{2, 9, 9}, Classes: 3, Nodes: []Node{
			{Op: OpInput},
			{Name: "norm", Op: OpNormalize, Inputs: []int{0}, Params: map[string]*Tensor{"mean": p(2), "std": {Shape: []int{2}, Data: []float32{0.5, 2}}}},
			{Name: "c1", Op: OpConv, Inputs: []int{1}, Attr: Attr{Pad: [4]int{1, 1, 1, 1}}, Params: map[string]*Tensor{"weight": p(4, 2, 3, 3), "bias": p(4)}},
			{Name: "bn1", Op: OpBatchNorm, Inputs: []int{2}, Params: bn(4)},
			{Name: "relu", Op: OpReLU, Inputs: []int{3}},
			{Name: "c2", Op: OpConv, Inputs: []int{4}, Attr: Attr{Stride: [2]int{2, 1}, Pad: [4]int{2, 1, 0, 1}, Dilation: [2]int{1, 2}}, Params: map[string]*Tensor{"weight": p(5, 4, 3, 2)}},
			{Name: "pool", Op: OpMaxPool, Inputs: []int{5}, Attr: Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}},
			{Name: "tanh", Op: OpTanh, Inputs: []int{6}},
			{Name: "avg", Op: OpAvgPool, Inputs: []int{7}, Attr: Attr{Kernel: [2]int{3, 3}, Pad: [4]int{1, 1, 1, 1}}},
			{Name: "flat", Op: OpFlatten, Inputs: []int{8}},
			{Name: "fc", Op: OpDense, Inputs: []int{9}, Params: map[string]*Tensor{"weight": p(6, 5*2*4), "bias": p(6)}},
			{Name: "gelu", Op: OpGELU, Inputs: []int{10}},
			{Name: "out", Op: OpDense, Inputs: []int{11}, Params: map[string]*Tensor{"weight": p(3, 6), "bias": p(3)}},
		}},
		// A residual block with an SE gate: 1×1 convs, sigmoid, broadcast multiply, add, global
		// average pool, leaky ReLU, batch norm on vectors.
		"residual": {Input: [3]int{3, 6, 6}, Classes: 4, Nodes: []Node{
			{Op: OpInput},
			{Name: "c1", Op: OpConv, Inputs: []int{0}, Attr: Attr{Pad: [4]int{1, 1, 1, 1}}, Params: map[string]*Tensor{"weight": p(4, 3, 3, 3)}},
			{Name: "bn1", Op: OpBatchNorm, Inputs: []int{1}, Params: bn(4)},
			{Name: "lrelu", Op: OpLeakyReLU, Inputs: []int{2}, Attr: Attr{Alpha: 0.1}},
			{Name: "c2", Op: OpConv, Inputs: []int{3}, Params: map[string]*Tensor{"weight": p(4, 4, 1, 1), "bias": p(4)}},
			{Name: "squeeze", Op: OpGlobalAvgPool, Inputs: []int{4}},
			{Name: "se1", Op: OpConv, Inputs: []int{5}, Params: map[string]*Tensor{"weight": p(2, 4, 1, 1), "bias": p(2)}},
			{Name: "se_relu", Op: OpReLU, Inputs: []int{6}},
			{Name: "se2", Op: OpConv, Inputs: []int{7}, Params: map[string]*Tensor{"weight": p(4, 2, 1, 1), "bias": p(4)}},
			{Name: "gate", Op: OpSigmoid, Inputs: []int{8}},
			{Name: "excite", Op: OpMul, Inputs: []int{4, 9}},
			{Name: "sum", Op: OpAdd, Inputs: []int{3, 10}},
			{Name: "prod", Op: OpMul, Inputs: []int{11, 2}},
			{Name: "gap", Op: OpGlobalAvgPool, Inputs: []int{12}},
			{Name: "flat", Op: OpFlatten, Inputs: []int{13}},
			{Name: "bn2", Op: OpBatchNorm, Inputs: []int{14}, Params: bn(4)},
			{Name: "out", Op: OpDense, Inputs: []int{15}, Params: map[string]*Tensor{"weight": p(4, 4)}},
		}},
	}
	for _, act := range []Op{OpReLU, OpTanh, OpSigmoid, OpGELU, OpLeakyReLU} {
		n, err := NewMLP(MLPConfig{Input: [3]int{1, 3, 4}, Classes: 3, Hidden: []int{7, 5}, Activation: act,
			Normalize: &[2]float32{0.5, 0.25}}, 5)
		if err != nil {
			t.Fatal(err)
		}
		nets["mlp-"+string(act)] = n
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

// The inference graph's logits equal the reference forward pass on the same weights to within
// 1e-5·(1 + |logit|) (float32 kernels against float64 accumulation).
func TestGorgoniaLogitsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for name, n := range layerZoo(t) {
		const batch = 3
		g, err := buildGGraph(n, newParamStore(n), batch, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		x := randomImages(r, batch, n.InputSize())
		copy(g.xData, x)
		if err := g.run(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for s := 0; s < batch; s++ {
			want, err := n.ForwardReference(x[s*n.InputSize() : (s+1)*n.InputSize()])
			if err != nil {
				t.Fatal(err)
			}
			got := g.logits.outData[s*n.Classes : (s+1)*n.Classes]
			for k := range want {
				if d := math.Abs(float64(got[k] - want[k])); d > 1e-5*(1+math.Abs(float64(want[k]))) {
					t.Errorf("%s: sample %d logit %d: gorgonia %v, reference %v", name, s, k, got[k], want[k])
				}
			}
		}
		g.close()
	}
}

// The training graph's gradients agree with central finite differences of its own loss along
// random directions, for every learnable tensor: |fd − g·d| ≤ 2e-2·(|g·d| + 1e-2).
func TestGorgoniaGradientsMatchFiniteDifferences(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for name, n := range layerZoo(t) {
		const batch = 4
		ps := newParamStore(n)
		g, err := buildGGraph(n, ps, batch, true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		copy(g.xData, randomImages(r, batch, n.InputSize()))
		for s := 0; s < batch; s++ { // soft targets, as under mixup
			a, b := r.IntN(n.Classes), r.IntN(n.Classes)
			g.tData[s*n.Classes+a] += 0.7
			g.tData[s*n.Classes+b] += 0.3
		}
		loss := func() float64 {
			if err := g.run(); err != nil {
				t.Fatal(err)
			}
			return g.lossValue()
		}
		loss()
		grads := make([][]float32, len(g.learn))
		for j := range g.learn {
			gr, err := g.gradient(j)
			if err != nil {
				t.Fatal(err)
			}
			grads[j] = append([]float32(nil), gr...)
		}
		for j, l := range g.learn {
			d := randomImages(r, 1, len(l.data))
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
			// Steps much larger cross ReLU and max-pool kinks; much smaller drown in float32 rounding.
			const eps = 3e-3
			orig := append([]float32(nil), l.data...)
			for i := range d {
				l.data[i] = orig[i] + eps*d[i]
			}
			up := loss()
			for i := range d {
				l.data[i] = orig[i] - eps*d[i]
			}
			down := loss()
			copy(l.data, orig)
			fd := (up - down) / (2 * eps)
			if math.Abs(fd-analytic) > 2e-2*(math.Abs(analytic)+1e-2) {
				t.Errorf("%s: %s: directional derivative %v, finite difference %v", name, l.node.Name(), analytic, fd)
			}
		}
		g.close()
	}
}
