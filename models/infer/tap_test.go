package infer

import (
	"math"
	"slices"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// A Tap's values equal the reference values of the tapped nodes (the net cut after each node and
// run with ForwardReference), for nodes the fast plan would otherwise fold or fuse away: a
// convolution before its batch norm, a batch norm before its ReLU, a ReLU before a 2×2 max pool,
// the sigmoid gates of a ResNet with gates on both sides and SE gates, and the input.
func TestTapMatchesReferenceValues(t *testing.T) {
	cnn, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 8, 8}, Classes: 3, Channels: []int{4, 4}, BatchNorm: true, PoolEvery: 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	res, err := models.NewResNet(models.ResNetConfig{Input: [3]int{2, 6, 6}, Classes: 3, Shortcut: models.ShortcutGate2, SE: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]*models.Net{"cnn": cnn, "resnet-gate2-se": res} {
		var nodes []int
		for i, nd := range n.Nodes {
			if i == 0 || nd.Op == models.OpConv || nd.Op == models.OpBatchNorm || nd.Op == models.OpReLU || nd.Op == models.OpSigmoid {
				nodes = append(nodes, i)
			}
		}
		tap, err := NewTap(n, nodes)
		if err != nil {
			t.Fatal(err)
		}
		const batch = 70 // two work units
		x := nettest.Inputs(4, batch, n.InputSize())
		got := make([][]float32, len(nodes))
		for k, size := range tap.Sizes() {
			got[k] = make([]float32, batch*size)
		}
		calls := 0
		tap.Run(x, batch, func(lo, hi int, values [][]float32) {
			calls++
			for k, v := range values {
				copy(got[k][lo*tap.Sizes()[k]:hi*tap.Sizes()[k]], v)
			}
		})
		if calls < 2 {
			t.Errorf("%s: %d calls for %d samples", name, calls, batch)
		}
		shapes, _ := n.Shapes()
		for k, i := range nodes {
			cut := &models.Net{Input: n.Input, Classes: tap.Sizes()[k], Nodes: slices.Clone(n.Nodes[:i+1])}
			if len(shapes[i]) > 1 {
				cut.Nodes = append(cut.Nodes, models.Node{Name: "flat", Op: models.OpFlatten, Inputs: []int{i}})
			}
			for _, s := range []int{0, batch - 1} {
				want, err := cut.ForwardReference(x[s*n.InputSize() : (s+1)*n.InputSize()])
				if err != nil {
					t.Fatal(err)
				}
				for j, w := range want {
					if g := got[k][s*len(want)+j]; math.Abs(float64(g-w)) > 1e-4*(1+math.Abs(float64(w))) {
						t.Fatalf("%s: node %d %q (%s), sample %d, value %d: tap %v, reference %v", name, i, n.Nodes[i].Name, n.Nodes[i].Op, s, j, g, w)
					}
				}
			}
		}
	}
}
