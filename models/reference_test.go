package models

import (
	"math"
	"testing"
)

// A hand-computed net: normalize, conv 1→1 (2x2 all ones, stride 1), relu, flatten, dense 4→2.
func TestForwardReferenceKnownAnswer(t *testing.T) {
	n := &Net{Input: [3]int{1, 3, 3}, Classes: 2, Nodes: []Node{
		{Op: OpInput},
		{Op: OpNormalize, Inputs: []int{0}, Params: map[string]*Tensor{
			"mean": {Shape: []int{1}, Data: []float32{0.5}}, "std": {Shape: []int{1}, Data: []float32{0.5}}}},
		{Op: OpConv, Inputs: []int{1}, Params: map[string]*Tensor{
			"weight": {Shape: []int{1, 1, 2, 2}, Data: []float32{1, 1, 1, 1}}, "bias": {Shape: []int{1}, Data: []float32{-1}}}},
		{Op: OpReLU, Inputs: []int{2}},
		{Op: OpFlatten, Inputs: []int{3}},
		{Op: OpDense, Inputs: []int{4}, Params: map[string]*Tensor{
			"weight": {Shape: []int{2, 4}, Data: []float32{1, 0, 0, 0, 1, 1, 1, 1}}, "bias": {Shape: []int{2}, Data: []float32{0, 0.5}}}},
	}}
	// x normalised: 2x−1. Pixels 0..8 /8.
	x := make([]float32, 9)
	for i := range x {
		x[i] = float32(i) / 8
	}
	// normalised z[i] = i/4 − 1: [-1 -.75 -.5; -.25 0 .25; .5 .75 1]
	// conv windows (sum − 1): [-1-.75-.25+0 −1, ...] = [-3, -2, 0, 1] → relu [0 0 0 1]
	got, err := n.ForwardReference(x)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 1.5}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("logits %v, want %v", got, want)
		}
	}
}

func TestShapesRejectsBadNets(t *testing.T) {
	nan := float32(math.NaN())
	cases := map[string]*Net{
		"no input": {Input: [3]int{1, 2, 2}, Classes: 4, Nodes: []Node{{Op: OpFlatten}}},
		"nan weight": {Input: [3]int{1, 1, 2}, Classes: 1, Nodes: []Node{{Op: OpInput}, {Op: OpFlatten, Inputs: []int{0}},
			{Op: OpDense, Inputs: []int{1}, Params: map[string]*Tensor{"weight": {Shape: []int{1, 2}, Data: []float32{1, nan}}}}}},
		"wrong weight": {Input: [3]int{1, 1, 2}, Classes: 1, Nodes: []Node{{Op: OpInput}, {Op: OpFlatten, Inputs: []int{0}},
			{Op: OpDense, Inputs: []int{1}, Params: map[string]*Tensor{"weight": {Shape: []int{1, 3}, Data: []float32{1, 2, 3}}}}}},
		"forward ref": {Input: [3]int{1, 1, 2}, Classes: 2, Nodes: []Node{{Op: OpInput}, {Op: OpReLU, Inputs: []int{1}}}},
		"classes":     {Input: [3]int{1, 1, 2}, Classes: 3, Nodes: []Node{{Op: OpInput}, {Op: OpFlatten, Inputs: []int{0}}}},
		"broadcast": {Input: [3]int{2, 2, 2}, Classes: 8, Nodes: []Node{{Op: OpInput}, {Op: OpFlatten, Inputs: []int{0}},
			{Op: OpMul, Inputs: []int{0, 1}}}},
	}
	for name, n := range cases {
		if err := n.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestBroadcastGate(t *testing.T) {
	// SE-style gate: x * globalavgpool(x) on a [2,1,2] input.
	n := &Net{Input: [3]int{2, 1, 2}, Classes: 4, Nodes: []Node{{Op: OpInput},
		{Op: OpGlobalAvgPool, Inputs: []int{0}}, {Op: OpMul, Inputs: []int{0, 1}}, {Op: OpFlatten, Inputs: []int{2}}}}
	got, err := n.ForwardReference([]float32{1, 3, 2, 4})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{2, 6, 6, 12}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
