package models

import (
	"math/rand/v2"
	"testing"
)

func countOps(n *Net) map[Op]int {
	c := map[Op]int{}
	for _, nd := range n.Nodes {
		c[nd.Op]++
	}
	return c
}

// The constructors build nets of the documented structure and parameter count, which the
// reference forward pass evaluates.
func TestConstructorsKnownSizes(t *testing.T) {
	mlp, err := NewMLP(MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{256, 256}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mlp.NumParams(), 784*256+256+256*256+256+256*10+10; got != want {
		t.Errorf("mlp: %d params, want %d", got, want)
	}
	cnn, err := NewCNN(CNNConfig{Input: [3]int{1, 28, 28}, Classes: 10, Channels: []int{16, 32}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cnn.NumParams(), 16*9+16+32*16*9+32+6272*10+10; got != want {
		t.Errorf("cnn: %d params, want %d", got, want)
	}
	// ResNet-8: stem 3·16·9 + BN, three blocks (16→16, 16→32 with projection, 32→64 with projection).
	r8, err := NewResNet(ResNetConfig{Input: [3]int{3, 32, 32}, Classes: 10}, 0)
	if err != nil {
		t.Fatal(err)
	}
	bn := func(c int) int { return 4 * c }
	want := 3*16*9 + bn(16) +
		16*16*9 + bn(16) + 16*16*9 + bn(16) +
		16*32*9 + bn(32) + 32*32*9 + bn(32) + 16*32 + bn(32) +
		32*64*9 + bn(64) + 64*64*9 + bn(64) + 32*64 + bn(64) +
		64*10 + 10
	if got := r8.NumParams(); got != want {
		t.Errorf("resnet-8: %d params, want %d", got, want)
	}
	for _, depth := range []int{14, 20} {
		n, err := NewResNet(ResNetConfig{Input: [3]int{1, 28, 28}, Classes: 10, Depth: depth, Width: 2, SE: true, Shortcut: ShortcutGate}, 0)
		if err != nil {
			t.Fatal(err)
		}
		convs := countOps(n)[OpConv]
		blocks := (depth - 2) / 2
		// stem + 2 per block + 2 projections + 2 SE convs per block
		if want := 1 + 2*blocks + 2 + 2*blocks; convs != want {
			t.Errorf("resnet-%d: %d convolutions, want %d", depth, convs, want)
		}
		if got := countOps(n)[OpSigmoid]; got != 2*blocks {
			t.Errorf("resnet-%d: %d sigmoids, want %d", depth, got, 2*blocks)
		}
	}
	for _, bad := range []ResNetConfig{{Input: [3]int{1, 28, 28}, Classes: 10, Depth: 10},
		{Input: [3]int{1, 28, 28}, Classes: 10, Shortcut: "sum"}} {
		if _, err := NewResNet(bad, 0); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if _, err := NewMLP(MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Activation: "swish"}, 0); err == nil {
		t.Error("unknown activation: no error")
	}
}

// Every shortcut kind combines as documented: with the residual branch's last batch norm and the
// shortcut's batch norm forced to known values, the block's output follows the formula.
func TestResNetShortcutFormulas(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	x := make([]float32, 2*4*4)
	for i := range x {
		x[i] = r.Float32()
	}
	for _, kind := range Shortcuts {
		n, err := NewResNet(ResNetConfig{Input: [3]int{2, 4, 4}, Classes: 3, Shortcut: kind}, 1)
		if err != nil {
			t.Fatal(err)
		}
		vals := referenceValues(t, n, x)
		for i, nd := range n.Nodes {
			if nd.Attr.Meta != "shortcut" || nd.Op == OpBatchNorm {
				continue
			}
			a, bv := vals[nd.Inputs[0]], vals[nd.Inputs[1]]
			for k := range vals[i] {
				var want float32
				switch kind {
				case ShortcutAdd:
					want = a[k] + bv[k]
				default:
					want = a[k] * bv[k]
				}
				if vals[i][k] != want {
					t.Fatalf("%s: node %s element %d: %v, want %v", kind, nd.Name, k, vals[i][k], want)
				}
			}
			sc := n.Nodes[nd.Inputs[0]]
			rb := n.Nodes[nd.Inputs[1]]
			switch kind {
			case ShortcutAdd, ShortcutMul:
				if sc.Op == OpBatchNorm && sc.Attr.Meta == "shortcut" && n.Nodes[sc.Inputs[0]].Op != OpConv {
					t.Errorf("%s: identity shortcut is normalised", kind)
				}
			case ShortcutBNMul, ShortcutBNMul1, ShortcutGate:
				if sc.Op != OpBatchNorm {
					t.Errorf("%s: shortcut factor is %s, want batchnorm", kind, sc.Op)
				}
			}
			// The gated kinds: σ on the residual side (gate), the shortcut side (sgate) or both
			// (gate2), each σ of a batch norm.
			scGate, rGate := kind == ShortcutSGate || kind == ShortcutGate2, kind == ShortcutGate || kind == ShortcutGate2
			for _, f := range []struct {
				node  Node
				gated bool
				meta  string
			}{{sc, scGate, MetaShortcutGate}, {rb, rGate, MetaResidualGate}} {
				if (f.node.Op == OpSigmoid) != f.gated || f.gated && (f.node.Attr.Meta != f.meta || n.Nodes[f.node.Inputs[0]].Op != OpBatchNorm) {
					t.Errorf("%s: factor %s is %s (%q) of %s", kind, f.node.Name, f.node.Op, f.node.Attr.Meta, n.Nodes[f.node.Inputs[0]].Op)
				}
			}
			if kind == ShortcutBNMul1 && (sc.Params["beta"].Data[0] != 1 || n.Nodes[rb.Inputs[0]].Op == OpBatchNorm) {
				t.Errorf("bnmul1: shortcut beta %v", sc.Params["beta"].Data[0])
			}
		}
	}
}

// referenceValues returns every node's output for one sample, by evaluating prefixes of the net
// with ForwardReference.
func referenceValues(t *testing.T, n *Net, x []float32) [][]float32 {
	t.Helper()
	shapes, err := n.Shapes()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([][]float32, len(n.Nodes))
	vals[0] = x
	for i := 1; i < len(n.Nodes); i++ {
		sub := &Net{Input: n.Input, Classes: ShapeSize(shapes[i]), Nodes: n.Nodes[:i+1]}
		if vals[i], err = sub.ForwardReference(x); err != nil {
			t.Fatal(err)
		}
	}
	return vals
}
