package models

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// initRNG returns the generator every constructor draws its initial weights from: the same seed
// gives the same weights.
func initRNG(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x5eed5eed))
}

// uniformTensor returns a tensor of the given shape with values drawn from U(−bound, bound).
func uniformTensor(r *rand.Rand, bound float64, shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32((2*r.Float64() - 1) * bound)
	}
	return t
}

// constTensor returns a tensor of the given shape filled with v.
func constTensor(v float32, shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = v
	}
	return t
}

// pytorchInit draws a weight and a bias the way PyTorch's nn.Linear and nn.Conv2d initialise them:
// kaiming_uniform with a = √5, which is U(−1/√fanIn, 1/√fanIn) for the weight, and the same range for
// the bias (He et al. 2015, "Delving deep into rectifiers", with PyTorch's default gain).
func pytorchInit(r *rand.Rand, fanIn int, weightShape []int, bias int) (w, b *Tensor) {
	bound := 1 / math.Sqrt(float64(fanIn))
	w = uniformTensor(r, bound, weightShape...)
	if bias > 0 {
		b = uniformTensor(r, bound, bias)
	}
	return w, b
}

// netBuilder appends nodes to a Net under construction and returns their indices.
type netBuilder struct {
	net *Net
	r   *rand.Rand
}

func newNetBuilder(input [3]int, classes int, seed int64) *netBuilder {
	return &netBuilder{
		net: &Net{Input: input, Classes: classes, Arch: map[string]string{}, Meta: map[string]string{},
			Nodes: []Node{{Name: "input", Op: OpInput}}},
		r: initRNG(seed),
	}
}

func (b *netBuilder) add(name string, op Op, attr Attr, params map[string]*Tensor, inputs ...int) int {
	b.net.Nodes = append(b.net.Nodes, Node{Name: name, Op: op, Inputs: inputs, Attr: attr, Params: params})
	return len(b.net.Nodes) - 1
}

func (b *netBuilder) normalize(x int, meanStd *[2]float32) int {
	if meanStd == nil {
		return x
	}
	c := b.net.Input[0]
	return b.add("normalize", OpNormalize, Attr{}, map[string]*Tensor{
		"mean": constTensor(meanStd[0], c), "std": constTensor(meanStd[1], c)}, x)
}

func (b *netBuilder) dense(name string, x, in, out int) int {
	w, bias := pytorchInit(b.r, in, []int{out, in}, out)
	return b.add(name, OpDense, Attr{}, map[string]*Tensor{"weight": w, "bias": bias}, x)
}

func (b *netBuilder) conv(name string, x, in, out, k, stride, pad int, bias bool) int {
	nb := 0
	if bias {
		nb = out
	}
	w, bt := pytorchInit(b.r, in*k*k, []int{out, in, k, k}, nb)
	p := map[string]*Tensor{"weight": w}
	if bt != nil {
		p["bias"] = bt
	}
	return b.add(name, OpConv, Attr{Stride: [2]int{stride, stride}, Pad: [4]int{pad, pad, pad, pad}}, p, x)
}

// batchNorm adds a batch norm over c channels with gamma 1, beta beta0, running mean 0 and variance 1.
func (b *netBuilder) batchNorm(name string, x, c int, beta0 float32, meta string) int {
	return b.add(name, OpBatchNorm, Attr{Meta: meta}, map[string]*Tensor{
		"gamma": constTensor(1, c), "beta": constTensor(beta0, c),
		"mean": constTensor(0, c), "var": constTensor(1, c)}, x)
}

func (b *netBuilder) act(name string, op Op, x int) int {
	return b.add(name, op, Attr{}, nil, x)
}

func formatInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func archIsActivation(op Op) bool {
	switch op {
	case OpReLU, OpTanh, OpSigmoid, OpGELU, OpLeakyReLU:
		return true
	}
	return false
}
