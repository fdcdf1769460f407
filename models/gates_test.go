package models

import (
	"slices"
	"testing"
)

// Gates finds the sigmoids that multiply something and says what kind each is; an MLP's sigmoid
// activations are not gates.
func TestGatesOfBuiltNets(t *testing.T) {
	kinds := func(n *Net) []string {
		var k []string
		for _, g := range n.Gates() {
			if n.Nodes[g.Node].Op != OpSigmoid || n.Nodes[g.Node].Name != g.Name {
				t.Errorf("gate %+v is not its node", g)
			}
			k = append(k, g.Kind)
		}
		return k
	}
	for kind, want := range map[Shortcut][]string{
		ShortcutAdd:   {GateSE},
		ShortcutGate:  {GateSE, GateResidual},
		ShortcutSGate: {GateSE, GateShortcut},
		ShortcutGate2: {GateSE, GateShortcut, GateResidual},
	} {
		n, err := NewResNet(ResNetConfig{Input: [3]int{1, 4, 4}, Classes: 2, Shortcut: kind, SE: true}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := kinds(n); !slices.Equal(got, slices.Concat(want, want, want)) { // three blocks
			t.Errorf("%s: gates %v, want %v per block", kind, got, want)
		}
	}
	mlp, _ := NewMLP(MLPConfig{Input: [3]int{1, 2, 2}, Classes: 2, Hidden: []int{3}, Activation: OpSigmoid}, 1)
	if g := mlp.Gates(); len(g) != 0 {
		t.Errorf("sigmoid MLP: gates %v", g)
	}
	// x·σ(x) through a reshape, and a gate of the same shape as what it multiplies.
	silu := &Net{Input: [3]int{1, 2, 2}, Classes: 4, Nodes: []Node{{Op: OpInput},
		{Name: "flat", Op: OpFlatten, Inputs: []int{0}},
		{Name: "sig", Op: OpSigmoid, Inputs: []int{0}},
		{Name: "sigflat", Op: OpFlatten, Inputs: []int{2}},
		{Name: "silu", Op: OpMul, Inputs: []int{1, 3}},
		{Name: "sig2", Op: OpSigmoid, Inputs: []int{4}},
		{Name: "g", Op: OpMul, Inputs: []int{5, 1}},
	}}
	if got := kinds(silu); !slices.Equal(got, []string{GateSelf, GateOther}) {
		t.Errorf("SiLU net: gates %v", got)
	}
}
