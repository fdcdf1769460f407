package models

import (
	"math"
	"testing"
)

// Known answers for the ops added for ONNX import: reshape, softmax, clip.

func TestReshapeSoftmaxKnownAnswer(t *testing.T) {
	// [1,2,2] input → reshape [2,2] → softmax per row → reshape [4].
	n := &Net{Input: [3]int{1, 2, 2}, Classes: 4, Nodes: []Node{{Op: OpInput},
		{Op: OpReshape, Inputs: []int{0}, Attr: Attr{Shape: []int{2, 2}}},
		{Op: OpSoftmax, Inputs: []int{1}},
		{Op: OpReshape, Inputs: []int{2}, Attr: Attr{Shape: []int{4}}}}}
	shapes, err := n.Shapes()
	if err != nil {
		t.Fatal(err)
	}
	if len(shapes[1]) != 2 || shapes[1][0] != 2 || shapes[1][1] != 2 {
		t.Fatalf("reshape gives %v, want [2 2]", shapes[1])
	}
	got, err := n.ForwardReference([]float32{0, float32(math.Log(3)), 1000, 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.25, 0.75, 0.5, 0.5} // e^0/(1+3), 3/(1+3); large equal logits stay finite
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-7 {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestClipKnownAnswer(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, c := range []struct {
		lo, hi float32
		want   []float32
	}{
		{0, 6, []float32{0, 0.5, 6, 6}}, // ReLU6
		{-1, 1, []float32{-1, 0.5, 1, 1}},
		{-inf, 1, []float32{-3, 0.5, 1, 1}},
		{2, 1, []float32{1, 1, 1, 1}}, // min > max: max wins, as numpy.clip and ONNX
	} {
		n := &Net{Input: [3]int{4, 1, 1}, Classes: 4, Nodes: []Node{{Op: OpInput},
			{Op: OpClip, Inputs: []int{0}, Attr: Attr{Min: c.lo, Max: c.hi}}}}
		got, err := n.ForwardReference([]float32{-3, 0.5, 6, 7})
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Fatalf("clip [%v,%v]: got %v, want %v", c.lo, c.hi, got, c.want)
			}
		}
	}
}

func TestReshapeClipRejectBadAttrs(t *testing.T) {
	nan := float32(math.NaN())
	cases := map[string]Attr{
		"size":     {Shape: []int{3}},
		"empty":    {},
		"negative": {Shape: []int{-2, -2}},
	}
	for name, a := range cases {
		n := &Net{Input: [3]int{4, 1, 1}, Classes: 4, Nodes: []Node{{Op: OpInput}, {Op: OpReshape, Inputs: []int{0}, Attr: a}}}
		if err := n.Validate(); err == nil {
			t.Errorf("reshape %s: no error", name)
		}
	}
	n := &Net{Input: [3]int{4, 1, 1}, Classes: 4, Nodes: []Node{{Op: OpInput}, {Op: OpClip, Inputs: []int{0}, Attr: Attr{Min: nan, Max: 1}}}}
	if err := n.Validate(); err == nil {
		t.Error("clip with NaN bound: no error")
	}
}
