package models

import (
	"math"
	"slices"
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
	if err != nil || !slices.Equal(shapes[3], []int{2, 9, 4}) {
		t.Errorf("three inputs along H: shape %v, error %v; want [2 9 4]", shapes, err)
	}
}
