package infer

import (
	"math"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// An AffineTap gives the values Tap.Run gives on the points formed explicitly, on the test
// architectures of every kind (MLP, CNN with batch norm and pooling, ResNets with additive,
// multiplicative and gated shortcuts and SE gates), for the inputs of every ReLU, max pool and sigmoid (affine nodes such as a conv
// before its ReLU, and non-affine ones deeper in), the input and the output, on a plane and a line.
func TestAffineTapMatchesFormedPoints(t *testing.T) {
	nets := testArchitectures(t)
	for _, name := range []string{"mlp", "cnn-bn", "resnet8-add-setrue", "resnet8-mul-sefalse", "resnet8-gate2-setrue"} {
		n := nets[name]
		if n == nil {
			t.Fatalf("no test architecture %q", name)
		}
		var nodes []int
		for _, nd := range n.Nodes {
			switch nd.Op {
			case models.OpReLU, models.OpMaxPool, models.OpSigmoid:
				nodes = append(nodes, nd.Inputs[0])
			}
		}
		nodes = append(nodes, 0, len(n.Nodes)-1)
		tap, err := NewTap(n, nodes)
		if err != nil {
			t.Fatal(err)
		}
		size := n.InputSize()
		for nd := 1; nd <= 2; nd++ {
			const batch = 70 // two work units
			x0 := nettest.Inputs(1, 1, size)
			dirs := make([][]float32, nd)
			for d := range dirs {
				dirs[d] = nettest.Inputs(uint64(2+d), 1, size)
			}
			coef := nettest.Inputs(7, batch, nd)
			x := make([]float32, batch*size)
			for s := 0; s < batch; s++ {
				for i := range size {
					v := x0[i]
					for d := range dirs {
						v += coef[s*nd+d] * dirs[d][i]
					}
					x[s*size+i] = v
				}
			}
			want := collect(tap, batch, func(visit func(lo, hi int, v [][]float32)) { tap.Run(x, batch, visit) })
			at, err := tap.Affine(x0, dirs)
			if err != nil {
				t.Fatal(err)
			}
			got := collect(tap, batch, func(visit func(lo, hi int, v [][]float32)) { at.Run(coef, batch, visit) })
			for k := range nodes {
				for j, w := range want[k] {
					if g := got[k][j]; math.Abs(float64(g-w)) > 1e-4*(1+math.Abs(float64(w))) {
						t.Fatalf("%s, %d directions: node %d (%s), value %d: affine tap %v, formed %v", name, nd, nodes[k], n.Nodes[nodes[k]].Op, j, g, w)
					}
				}
			}
		}
	}
	tap, _ := NewTap(nets["mlp"], []int{2})
	if _, err := tap.Affine(make([]float32, 3), nil); err == nil {
		t.Error("a short x0 accepted")
	}
	if _, err := tap.Affine(make([]float32, 784), [][]float32{make([]float32, 784)}); err != nil {
		t.Error(err)
	}
}

// collect runs a tap through run and gathers every tapped node's values, [batch][size].
func collect(tap *Tap, batch int, run func(visit func(lo, hi int, v [][]float32))) [][]float32 {
	out := make([][]float32, len(tap.Sizes()))
	for k, sz := range tap.Sizes() {
		out[k] = make([]float32, batch*sz)
	}
	run(func(lo, hi int, v [][]float32) {
		for k, vals := range v {
			copy(out[k][lo*tap.Sizes()[k]:hi*tap.Sizes()[k]], vals)
		}
	})
	return out
}
