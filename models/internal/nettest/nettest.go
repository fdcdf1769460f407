// Package nettest builds the small random nets and inputs that the tests of several engines share
// (models, infer, train): a Builder that appends nodes with seeded random parameters, a DenseNet
// with concatenations and log softmax, and seeded inputs. It is test support, imported only by
// _test files.
package nettest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
)

func normalTensor(r *rand.Rand, scale float64, shape ...int) *models.Tensor {
	t := models.NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(scale * r.NormFloat64())
	}
	return t
}

func uniformTensor(r *rand.Rand, lo, hi float64, n int) *models.Tensor {
	t := models.NewTensor(n)
	for i := range t.Data {
		t.Data[i] = float32(lo + (hi-lo)*r.Float64())
	}
	return t
}

// Builder appends nodes with random parameters to N, a net under construction.
type Builder struct {
	r *rand.Rand
	N *models.Net
}

// NewBuilder starts a net with input [c, h, w]; seed fixes every parameter it draws.
func NewBuilder(seed uint64, c, h, w int) *Builder {
	return &Builder{r: rand.New(rand.NewPCG(seed, 1)), N: &models.Net{Input: [3]int{c, h, w}, Nodes: []models.Node{{Op: models.OpInput}}}}
}

// Add appends nd and returns its index.
func (b *Builder) Add(nd models.Node) int {
	b.N.Nodes = append(b.N.Nodes, nd)
	return len(b.N.Nodes) - 1
}

// Size returns the per-sample size of node i's output.
func (b *Builder) Size(i int) int {
	shapes, err := b.N.NodeShapes()
	if err != nil {
		panic(err)
	}
	return models.ShapeSize(shapes[i])
}

// Op appends a node of op without parameters or attributes over the inputs in.
func (b *Builder) Op(op models.Op, in ...int) int {
	return b.Add(models.Node{Op: op, Inputs: in})
}

// Normalize appends a normalisation of c channels with random means and standard deviations.
func (b *Builder) Normalize(in, c int) int {
	return b.Add(models.Node{Op: models.OpNormalize, Inputs: []int{in}, Params: map[string]*models.Tensor{
		"mean": uniformTensor(b.r, 0.2, 0.6, c), "std": uniformTensor(b.r, 0.2, 0.5, c)}})
}

// Dense appends a dense layer nin → nout with Gaussian weights of variance 1/nin.
func (b *Builder) Dense(in, nin, nout int, bias bool) int {
	p := map[string]*models.Tensor{"weight": normalTensor(b.r, 1/math.Sqrt(float64(nin)), nout, nin)}
	if bias {
		p["bias"] = normalTensor(b.r, 0.3, nout)
	}
	return b.Add(models.Node{Op: models.OpDense, Inputs: []int{in}, Params: p})
}

// Conv appends a k×k convolution cin → cout with attributes a and Gaussian weights of variance
// 1/fan-in.
func (b *Builder) Conv(in, cin, cout, k int, a models.Attr, bias bool) int {
	g := a.NumGroups()
	p := map[string]*models.Tensor{"weight": normalTensor(b.r, 1/math.Sqrt(float64(cin/g*k*k)), cout, cin/g, k, k)}
	if bias {
		p["bias"] = normalTensor(b.r, 0.3, cout)
	}
	return b.Add(models.Node{Op: models.OpConv, Inputs: []int{in}, Attr: a, Params: p})
}

// BatchNorm appends a batch norm of c channels with random statistics and affine parameters.
func (b *Builder) BatchNorm(in, c int) int {
	return b.Add(models.Node{Op: models.OpBatchNorm, Inputs: []int{in}, Attr: models.Attr{Eps: 1e-3}, Params: map[string]*models.Tensor{
		"gamma": uniformTensor(b.r, 0.5, 1.5, c), "beta": normalTensor(b.r, 0.2, c),
		"mean": normalTensor(b.r, 0.2, c), "var": uniformTensor(b.r, 0.5, 2, c)}})
}

// Concat appends the concatenation of the inputs in along sample axis axis.
func (b *Builder) Concat(axis int, in ...int) int {
	return b.Add(models.Node{Op: models.OpConcat, Inputs: in, Attr: models.Attr{Axis: axis}})
}

// Net sets Classes to the size of the last node's output, validates the net and returns it.
func (b *Builder) Net(t testing.TB) *models.Net {
	t.Helper()
	n := b.N
	shapes, err := n.NodeShapes()
	if err != nil {
		t.Fatalf("builder: %v", err)
	}
	n.Classes = models.ShapeSize(shapes[len(shapes)-1])
	if err := n.Validate(); err != nil {
		t.Fatal(err)
	}
	return n
}

// Inputs returns n samples of size values uniform in [0, 1), fixed by seed.
func Inputs(seed uint64, n, size int) []float32 {
	r := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n*size)
	for i := range x {
		x[i] = r.Float32()
	}
	return x
}

// DenseNet returns a DenseNet block (conv outputs concatenated onto their input along the
// channels, batch norm after the concatenation), an Inception block of three branches, a
// concatenation of vectors, and log softmax at the end, on [3, 8, 7] inputs with activation act.
// pool adds max pooling (kinks).
func DenseNet(t testing.TB, seed uint64, act models.Op, pool bool) *models.Net {
	b := NewBuilder(seed, 3, 8, 7)
	x := b.Conv(b.Normalize(0, 3), 3, 4, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true) // 4x8x7
	l := b.Op(act, b.BatchNorm(b.Conv(x, 4, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, false), 3))
	x = b.Concat(0, x, l) // 7x8x7
	l = b.Op(act, b.Conv(x, 7, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true))
	x = b.Concat(0, x, l) // 10x8x7
	x = b.Op(act, b.BatchNorm(x, 10))
	x = b.Conv(x, 10, 6, 1, models.Attr{}, true)
	x = b.Add(models.Node{Op: models.OpAvgPool, Inputs: []int{x}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}}) // 6x4x3
	b1 := b.Conv(x, 6, 2, 1, models.Attr{}, true)
	b2 := b.Op(act, b.Conv(x, 6, 3, 3, models.Attr{Pad: [4]int{1, 1, 1, 1}}, true))
	b3 := x
	if pool {
		b3 = b.Add(models.Node{Op: models.OpMaxPool, Inputs: []int{x}, Attr: models.Attr{Kernel: [2]int{3, 3}, Stride: [2]int{1, 1}, Pad: [4]int{1, 1, 1, 1}}})
	}
	b3 = b.Conv(b3, 6, 2, 1, models.Attr{}, false)
	x = b.Op(act, b.Concat(0, b1, b2, b3)) // 7x4x3
	g := b.Op(models.OpFlatten, b.Op(models.OpGlobalAvgPool, x))
	h := b.Op(models.OpTanh, b.Dense(g, 7, 5, true))
	x = b.Concat(0, g, h, b.Op(models.OpFlatten, x)) // 7 + 5 + 84
	b.Op(models.OpLogSoftmax, b.Dense(x, 96, 5, true))
	return b.Net(t)
}
