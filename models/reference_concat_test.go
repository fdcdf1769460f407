package models

import (
	"math"
	"strings"
	"testing"
)

// Known answers for OpLogSoftmax and OpConcat through ForwardReference.

func TestLogSoftmaxKnownAnswer(t *testing.T) {
	// log softmax of [0, ln 2, ln 3] is [−ln 6, −ln 3, −ln 2]; of [1000, 1000, 1000] (overflows
	// a naive exp) is −ln 3 three times. The two rows are the last axis of a [2,3] reshape.
	n := &Net{Input: [3]int{1, 1, 6}, Classes: 6, Nodes: []Node{{Op: OpInput},
		{Op: OpReshape, Inputs: []int{0}, Attr: Attr{Shape: []int{2, 3}}},
		{Op: OpLogSoftmax, Inputs: []int{1}},
		{Op: OpFlatten, Inputs: []int{2}}}}
	got, err := n.ForwardReference([]float32{0, float32(math.Ln2), float32(math.Log(3)), 1000, 1000, 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-math.Log(6), -math.Log(3), -math.Ln2, -math.Log(3), -math.Log(3), -math.Log(3)}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6 {
			t.Fatalf("log softmax %v, want %v", got, want)
		}
	}
}

func TestConcatKnownAnswer(t *testing.T) {
	// x is [2,1,2] = channels [1 2] and [3 4]; its global average pool is [1.5, 3.5].
	x := []float32{1, 2, 3, 4}
	in := func(more ...Node) *Net {
		return &Net{Input: [3]int{2, 1, 2}, Nodes: append([]Node{{Op: OpInput},
			{Op: OpGlobalAvgPool, Inputs: []int{0}}}, more...)}
	}
	cases := []struct {
		name string
		net  *Net
		want []float32
	}{
		{"width", in( // [2,1,2] ++ [2,1,1] along W
			Node{Op: OpConcat, Inputs: []int{0, 1}, Attr: Attr{Axis: 2}},
			Node{Op: OpFlatten, Inputs: []int{2}}),
			[]float32{1, 2, 1.5, 3, 4, 3.5}},
		{"vector", in( // [4] ++ [2]
			Node{Op: OpFlatten, Inputs: []int{0}},
			Node{Op: OpFlatten, Inputs: []int{1}},
			Node{Op: OpConcat, Inputs: []int{2, 3}}),
			[]float32{1, 2, 3, 4, 1.5, 3.5}},
		{"channels", in( // [2,1,2] ++ [2,1,2] ++ [1,1,2] along C
			Node{Op: OpReshape, Inputs: []int{1}, Attr: Attr{Shape: []int{1, 1, 2}}},
			Node{Op: OpConcat, Inputs: []int{0, 0, 2}},
			Node{Op: OpFlatten, Inputs: []int{3}}),
			[]float32{1, 2, 3, 4, 1, 2, 3, 4, 1.5, 3.5}},
		{"three-rows", in( // [2,2] ++ [2,1] ++ [2,2] along axis 1
			Node{Op: OpReshape, Inputs: []int{0}, Attr: Attr{Shape: []int{2, 2}}},
			Node{Op: OpReshape, Inputs: []int{1}, Attr: Attr{Shape: []int{2, 1}}},
			Node{Op: OpConcat, Inputs: []int{2, 3, 2}, Attr: Attr{Axis: 1}},
			Node{Op: OpFlatten, Inputs: []int{4}}),
			[]float32{1, 2, 1.5, 1, 2, 3, 4, 3.5, 3, 4}},
	}
	for _, c := range cases {
		c.net.Classes = len(c.want)
		got, err := c.net.ForwardReference(x)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Fatalf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		e, err := NewEvaluator(c.net)
		if err != nil {
			t.Fatal(err)
		}
		if fast := e.Forward(nil, x, 1); !equal32(fast, c.want) {
			t.Fatalf("%s: Evaluator gives %v, want %v", c.name, fast, c.want)
		}
	}
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestConcatShapeErrors(t *testing.T) {
	base := func(last Node, classes int) *Net {
		return &Net{Input: [3]int{2, 3, 4}, Classes: classes, Nodes: []Node{{Op: OpInput},
			{Op: OpGlobalAvgPool, Inputs: []int{0}},
			{Op: OpFlatten, Inputs: []int{0}}, last}}
	}
	cases := map[string]struct {
		net  *Net
		want string
	}{
		"one input":      {base(Node{Op: OpConcat, Inputs: []int{0}}, 24), "at least 2"},
		"axis too large": {base(Node{Op: OpConcat, Inputs: []int{0, 0}, Attr: Attr{Axis: 3}}, 48), "axis 3 out of range"},
		"negative axis":  {base(Node{Op: OpConcat, Inputs: []int{0, 0}, Attr: Attr{Axis: -1}}, 48), "axis -1 out of range"},
		"off-axis size":  {base(Node{Op: OpConcat, Inputs: []int{0, 1}}, 26), "input 1 has shape [2 1 1]"},
		"rank":           {base(Node{Op: OpConcat, Inputs: []int{0, 2}}, 48), "input 1 has shape [24]"},
		"later node":     {base(Node{Op: OpConcat, Inputs: []int{0, 3}}, 48), "not an earlier node"},
	}
	for name, c := range cases {
		err := c.net.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "(concat)") {
			t.Errorf("%s: error %v, want one naming the concat node and %q", name, err, c.want)
		}
	}
	ok := base(Node{Op: OpConcat, Inputs: []int{0, 0, 0}, Attr: Attr{Axis: 1}}, 72)
	shapes, err := ok.Shapes()
	if err != nil || !equalInts(shapes[3], []int{2, 9, 4}) {
		t.Errorf("three inputs along H: shape %v, error %v; want [2 9 4]", shapes, err)
	}
}
