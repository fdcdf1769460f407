package infer

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// The architectures training builds (arch_*.go), with every shortcut kind and SE gates, through the
// fast path against ForwardReference. Batch norm statistics are randomised so that folding them is
// exercised with non-trivial values.
func testArchitectures(t testing.TB) map[string]*models.Net {
	t.Helper()
	cifar := [3]int{3, 32, 32}
	nets := map[string]*models.Net{}
	add := func(name string, n *models.Net, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := rand.New(rand.NewPCG(uint64(len(nets)), 9))
		for i := range n.Nodes {
			if nd := &n.Nodes[i]; nd.Op == models.OpBatchNorm {
				for k := range nd.Params["mean"].Data {
					nd.Params["mean"].Data[k] = float32(0.2 * r.NormFloat64())
					nd.Params["var"].Data[k] = float32(0.5 + r.Float64())
					nd.Params["gamma"].Data[k] = float32(0.5 + r.Float64())
					nd.Params["beta"].Data[k] = float32(0.2 * r.NormFloat64())
				}
			}
		}
		nets[name] = n
	}
	n, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{64, 32}, Normalize: &[2]float32{0.13, 0.31}}, 1)
	add("mlp", n, err)
	n, err = models.NewCNN(models.CNNConfig{Input: cifar, Classes: 10, Channels: []int{8, 16, 16}, PoolEvery: 1, BatchNorm: true}, 2)
	add("cnn-bn", n, err)
	n, err = models.NewCNN(models.CNNConfig{Input: [3]int{1, 28, 28}, Classes: 10, Channels: []int{8, 8}, Activation: models.OpTanh, GlobalPool: true}, 3)
	add("cnn-tanh-gap", n, err)
	for i, sc := range models.Shortcuts {
		n, err = models.NewResNet(models.ResNetConfig{Input: cifar, Classes: 10, Depth: 8, Shortcut: sc, SE: i%2 == 0}, int64(10+i))
		add(fmt.Sprintf("resnet8-%s-se%v", sc, i%2 == 0), n, err)
	}
	return nets
}

func TestForwardMatchesReferenceOnArchitectures(t *testing.T) {
	for name, n := range testArchitectures(t) {
		e, err := New(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		const batch = 3
		x := nettest.Inputs(12, batch, n.InputSize())
		t.Run(name, func(t *testing.T) { compareWithReference(t, n, e.Forward(nil, x, batch), x, batch, 1e-4) })
		// The plane shortcut on the same nets.
		x0, dirs, coef, pts := testPoints(n.InputSize(), 2, batch)
		got, want := e.ForwardAffine(nil, x0, dirs, coef, batch), e.Forward(nil, pts, batch)
		for i := range want {
			if d := got[i] - want[i]; d > 1e-4 || d < -1e-4 {
				t.Errorf("%s: affine logit %d = %v, explicit %v", name, i, got[i], want[i])
			}
		}
	}
}
