package models

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/memcap"
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

// netBuilder appends nodes to a Net under construction and returns their indices. A dry builder
// gives every parameter its shape and no values (buildTwice).
type netBuilder struct {
	net *Net
	r   *rand.Rand
	dry bool
}

func newNetBuilder(input [3]int, classes int, seed int64, dry bool) *netBuilder {
	return &netBuilder{
		net: &Net{Input: input, Classes: classes, Arch: map[string]string{}, Meta: map[string]string{},
			Nodes: []Node{{Name: "input", Op: OpInput}}},
		r:   initRNG(seed),
		dry: dry,
	}
}

// finish returns the net built, validated (a dry one is returned as it is).
func (b *netBuilder) finish() (*Net, error) {
	if b.dry {
		return b.net, nil
	}
	return b.net, b.net.Validate()
}

// pytorchInit is pytorchInit drawing from b's generator; a dry builder draws nothing.
func (b *netBuilder) pytorchInit(fanIn int, weightShape []int, bias int) (w, bt *Tensor) {
	if !b.dry {
		return pytorchInit(b.r, fanIn, weightShape, bias)
	}
	w = &Tensor{Shape: append([]int(nil), weightShape...)}
	if bias > 0 {
		bt = &Tensor{Shape: []int{bias}}
	}
	return w, bt
}

// constant is constTensor, or a shape without values for a dry builder.
func (b *netBuilder) constant(v float32, shape ...int) *Tensor {
	if b.dry {
		return &Tensor{Shape: append([]int(nil), shape...)}
	}
	return constTensor(v, shape...)
}

// trainingBytesPerParam is what a parameter of a net being trained with Adam costs (models/train
// measures it: its float32 in the net and in the training graph, its gradient, two moments, and
// the resumable State's copies).
const trainingBytesPerParam = 44

// buildTwice runs build (a constructor's body) dry first, so that every parameter tensor is
// checked against MaxValues, and all of them together with their training state
// (trainingBytesPerParam) against the memory cap (internal/memcap), before any is allocated —
// `train --hidden 100000000` asked for 313 GB at once — and then for real. The constructors build
// nets to be trained; models/train checks the whole of training (activations too) again.
func buildTwice(arch string, build func(dry bool) (*Net, error)) (*Net, error) {
	plan, err := build(true)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, nd := range plan.Nodes {
		for _, name := range slices.Sorted(maps.Keys(nd.Params)) {
			size, err := checkedSize(nd.Params[name].Shape)
			if err != nil {
				return nil, fmt.Errorf("models: %s: layer %s: %s: %v", arch, nd.Name, name, err)
			}
			total += int64(size)
		}
	}
	if err := memcap.Check(fmt.Sprintf("training the %d parameters of a new %s", total, arch), memcap.Mul(total, trainingBytesPerParam)); err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	return build(false)
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
		"mean": b.constant(meanStd[0], c), "std": b.constant(meanStd[1], c)}, x)
}

func (b *netBuilder) dense(name string, x, in, out int) int {
	w, bias := b.pytorchInit(in, []int{out, in}, out)
	return b.add(name, OpDense, Attr{}, map[string]*Tensor{"weight": w, "bias": bias}, x)
}

func (b *netBuilder) conv(name string, x, in, out, k, stride, pad int, bias bool) int {
	nb := 0
	if bias {
		nb = out
	}
	w, bt := b.pytorchInit(in*k*k, []int{out, in, k, k}, nb)
	p := map[string]*Tensor{"weight": w}
	if bt != nil {
		p["bias"] = bt
	}
	return b.add(name, OpConv, Attr{Stride: [2]int{stride, stride}, Pad: [4]int{pad, pad, pad, pad}}, p, x)
}

// batchNorm adds a batch norm over c channels with gamma 1, beta beta0, running mean 0 and variance 1.
func (b *netBuilder) batchNorm(name string, x, c int, beta0 float32, meta string) int {
	return b.add(name, OpBatchNorm, Attr{Meta: meta}, map[string]*Tensor{
		"gamma": b.constant(1, c), "beta": b.constant(beta0, c),
		"mean": b.constant(0, c), "var": b.constant(1, c)}, x)
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
