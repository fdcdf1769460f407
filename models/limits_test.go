package models

import (
	"bytes"
	"math/big"
	"runtime"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/memcap"
)

// hostileNet is a small CNN-like net (conv → relu → pool → flatten → dense) whose conv or pool
// attributes a test sets; poolOut is the flattened size after the pool.
func hostileNet(conv, pool Attr, poolOut int) *Net {
	p := func(shape ...int) *Tensor { return NewTensor(shape...) }
	return &Net{Input: [3]int{1, 28, 28}, Classes: 10, Nodes: []Node{
		{Name: "input", Op: OpInput},
		{Name: "conv", Op: OpConv, Inputs: []int{0}, Attr: conv, Params: map[string]*Tensor{"weight": p(1, 1, 3, 3), "bias": p(1)}},
		{Name: "relu", Op: OpReLU, Inputs: []int{1}},
		{Name: "pool", Op: OpMaxPool, Inputs: []int{2}, Attr: pool},
		{Name: "flat", Op: OpFlatten, Inputs: []int{3}},
		{Name: "fc", Op: OpDense, Inputs: []int{4}, Params: map[string]*Tensor{"weight": p(10, poolOut), "bias": p(10)}},
	}}
}

// wrapsTo784 returns a reshape target [5, d] whose product wraps around to 784 in 64-bit
// arithmetic (5·d ≡ 784 mod 2⁶⁴), so an unchecked product accepts it.
func wrapsTo784(t *testing.T) []int {
	mod := new(big.Int).Lsh(big.NewInt(1), 64)
	d := new(big.Int).ModInverse(big.NewInt(5), mod)
	d.Mod(d.Mul(d, big.NewInt(784)), mod)
	if !d.IsInt64() {
		t.Fatal("the wrapping dimension does not fit an int64")
	}
	shape := []int{5, int(d.Int64())}
	if ShapeSize(shape) != 784 {
		t.Fatalf("ShapeSize(%v) = %d, want the wrapped 784", shape, ShapeSize(shape))
	}
	return shape
}

// Crafted nets of the hostile-input sweep (issue 20): each is refused on load with an error
// naming the node and the problem, before anything the size of the problem is allocated. Every
// one of them was accepted by Decode before the limits (or crashed the forward pass).
func TestHostileNetsAreRefusedOnLoad(t *testing.T) {
	one, k2 := [2]int{1, 1}, [2]int{2, 2}
	const bomb = 30000
	pads := [4]int{bomb, bomb, bomb, bomb}
	cases := []struct {
		name, want string
		net        func() *Net
	}{
		{"conv stride -30", "positive strides", func() *Net { return hostileNet(Attr{Stride: [2]int{-30, -30}}, Attr{Kernel: one}, 1) }},
		{"pool stride -30", "positive strides", func() *Net { return hostileNet(Attr{}, Attr{Kernel: k2, Stride: [2]int{-30, -30}}, 1) }},
		{"conv dilation -1", "positive dilations", func() *Net { return hostileNet(Attr{Dilation: [2]int{-1, -1}}, Attr{Kernel: one}, 900) }},
		{"conv groups -1", "-1 groups", func() *Net { return hostileNet(Attr{Groups: -1}, Attr{Kernel: one}, 676) }},
		{"conv pad bomb", "MaxSide", func() *Net { return hostileNet(Attr{Pad: pads}, Attr{Kernel: one}, 1) }},
		{"pool pad bomb", "MaxSide", func() *Net { return hostileNet(Attr{}, Attr{Kernel: k2, Stride: one, Pad: pads}, 1) }},
		{"pool kernel bomb", "kernel", func() *Net { return hostileNet(Attr{}, Attr{Kernel: [2]int{1 << 40, 1}}, 1) }},
		{"huge stride", "MaxSide", func() *Net { return hostileNet(Attr{Stride: [2]int{1 << 40, 1}}, Attr{Kernel: one}, 26) }},
		{"activation beyond MaxValues", "MaxValues", func() *Net {
			// 256 channels of 800×800 (padding 387): every side within MaxSide, 164 M values in all.
			n := hostileNet(Attr{Pad: [4]int{387, 387, 387, 387}}, Attr{Kernel: one}, 1)
			n.Nodes[1].Params = map[string]*Tensor{"weight": NewTensor(256, 1, 3, 3)}
			return n
		}},
		{"input beyond MaxValues", "input", func() *Net {
			n := hostileNet(Attr{}, Attr{Kernel: one}, 676)
			n.Input = [3]int{1 << 10, 1 << 15, 1 << 15}
			return n
		}},
		{"input side beyond MaxSide", "bad input shape", func() *Net {
			n := hostileNet(Attr{}, Attr{Kernel: one}, 676)
			n.Input = [3]int{1, 1, 1 << 16}
			return n
		}},
		{"reshape product overflows", "MaxValues", func() *Net {
			return &Net{Input: [3]int{1, 28, 28}, Classes: 10, Nodes: []Node{
				{Name: "input", Op: OpInput},
				{Name: "flat", Op: OpFlatten, Inputs: []int{0}},
				{Name: "rs", Op: OpReshape, Inputs: []int{1}, Attr: Attr{Shape: wrapsTo784(t)}},
				{Name: "flat2", Op: OpFlatten, Inputs: []int{2}},
				{Name: "fc", Op: OpDense, Inputs: []int{3}, Params: map[string]*Tensor{"weight": NewTensor(10, 784), "bias": NewTensor(10)}},
			}}
		}},
		{"zero classes", "does not give 0 classes", func() *Net {
			n := hostileNet(Attr{}, Attr{Kernel: one}, 676)
			n.Classes = 0
			return n
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.net()
			var buf bytes.Buffer
			if err := Encode(&buf, n); err != nil {
				t.Fatal(err)
			}
			_, err := Decode(&buf)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Decode: %v, want an error about %q", err, c.want)
			}
			if err := n.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

// The limits leave room for real nets: a 224×224 input, a 7×7/2 conv with padding 3 to 64
// channels and a 3×3/2 max pool with padding 1 (the stem of a ResNet-50) are accepted.
func TestLimitsAcceptAnImageNetStem(t *testing.T) {
	n := &Net{Input: [3]int{3, 224, 224}, Classes: 64, Nodes: []Node{
		{Name: "input", Op: OpInput},
		{Name: "conv", Op: OpConv, Inputs: []int{0}, Attr: Attr{Stride: [2]int{2, 2}, Pad: [4]int{3, 3, 3, 3}},
			Params: map[string]*Tensor{"weight": NewTensor(64, 3, 7, 7)}},
		{Name: "pool", Op: OpMaxPool, Inputs: []int{1}, Attr: Attr{Kernel: [2]int{3, 3}, Stride: [2]int{2, 2}, Pad: [4]int{1, 1, 1, 1}}},
		{Name: "gap", Op: OpGlobalAvgPool, Inputs: []int{2}},
		{Name: "flat", Op: OpFlatten, Inputs: []int{3}},
	}}
	shapes, err := n.Shapes()
	if err != nil {
		t.Fatal(err)
	}
	if got := shapes[2]; got[0] != 64 || got[1] != 56 || got[2] != 56 {
		t.Fatalf("pool output %v, want [64 56 56]", got)
	}
}

// `train --hidden 100000000` asked for a 313 GB weight at once (issue 20). The constructors plan
// the net first: a weight beyond MaxValues, or parameters whose training state would not fit the
// memory cap, are an error before anything is allocated.
func TestConstructorsPlanBeforeAllocating(t *testing.T) {
	t.Setenv(memcap.EnvVar, "1GB")
	mnist := [3]int{1, 28, 28}
	cases := []struct {
		name, want string
		build      func() (*Net, error)
	}{
		{"mlp hidden 1e8", "layer fc1: weight: shape [100000000 784] holds more than", func() (*Net, error) {
			return NewMLP(MLPConfig{Input: mnist, Classes: 10, Hidden: []int{100_000_000}}, 1)
		}},
		{"mlp over the cap", "training the 73629706 parameters of a new mlp needs about 3.2 GB", func() (*Net, error) {
			return NewMLP(MLPConfig{Input: mnist, Classes: 10, Hidden: []int{8192, 8192}}, 1)
		}},
		{"cnn over the cap", "of a new cnn needs about", func() (*Net, error) {
			return NewCNN(CNNConfig{Input: mnist, Classes: 10, Channels: []int{2048, 2048, 2048}}, 1)
		}},
		{"resnet over the cap", "of a new resnet needs about", func() (*Net, error) {
			return NewResNet(ResNetConfig{Input: mnist, Classes: 10, Depth: 8, Width: 32}, 1)
		}},
	}
	for _, c := range cases {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := c.build()
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
			t.Errorf("%s: allocated %d MB before refusing", c.name, got>>20)
		}
	}
	// The same seed still gives the same weights after the dry pass.
	a, err := NewMLP(MLPConfig{Input: mnist, Classes: 10, Hidden: []int{32}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if w := a.Nodes[2].Params["weight"].Data; w[0] == 0 || len(w) != 32*784 {
		t.Errorf("weights %v…", w[:4])
	}
}
