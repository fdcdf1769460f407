package onnx_test

import (
	"math"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/models"
)

// logSoftmax64 is the known answer, computed in float64.
func logSoftmax64(z []float64) []float32 {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - m)
	}
	out := make([]float32, len(z))
	for k, v := range z {
		out[k] = float32(v - m - math.Log(s))
	}
	return out
}

// Concat of data along the channels (with a constant input of batch size 1), flattened, then
// LogSoftmax, in both opset forms; and Concat of vectors along the last axis.
func TestConcatLogSoftmaxKnownAnswer(t *testing.T) {
	for _, opset := range []int64{11, 17} {
		axis := int64(-1)
		if opset < 13 {
			axis = 1
		}
		g := graph{opset: opset,
			inputs: []*pb.ValueInfoProto{info("x", "N", 2, 1, 2)}, outputs: []*pb.ValueInfoProto{info("y", "N", 10)},
			inits: []*pb.TensorProto{floats("k", []int64{1, 1, 1, 2}, 7, 8), ints("shape", 0, -1)},
			nodes: []*pb.NodeProto{op("Relu", "r", []string{"x"}, []string{"r"}),
				op("Concat", "cat", []string{"x", "r", "k"}, []string{"c"}, attrInt("axis", 1)),
				op("Reshape", "flat", []string{"c", "shape"}, []string{"f"}),
				op("LogSoftmax", "ls", []string{"f"}, []string{"y"}, attrInt("axis", axis))},
		}
		net, err := g.read(t)
		if err != nil {
			t.Fatalf("opset %d: %v", opset, err)
		}
		x := []float32{1, -2, 3, -4}
		want := logSoftmax64([]float64{1, -2, 3, -4, 1, 0, 3, 0, 7, 8})
		if got := forward(t, net, x...); !near(got, want, 1e-6) {
			t.Fatalf("opset %d: got %v, want %v", opset, got, want)
		}
		var cat *models.Node
		for i := range net.Nodes {
			if net.Nodes[i].Op == models.OpConcat {
				cat = &net.Nodes[i]
			}
		}
		if cat == nil || len(cat.Inputs) != 3 || cat.Attr.Axis != 0 || net.Nodes[len(net.Nodes)-1].Op != models.OpLogSoftmax {
			t.Fatalf("opset %d: want a concat of 3 inputs along axis 0 and log softmax at the end; got %+v", opset, net.Nodes)
		}
		e, err := models.NewEvaluator(net)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Forward(nil, x, 1); !near(got, want, 1e-6) {
			t.Fatalf("opset %d: Evaluator gives %v, want %v", opset, got, want)
		}
	}

	vec := graph{
		inputs: []*pb.ValueInfoProto{info("x", "N", 3)}, outputs: []*pb.ValueInfoProto{info("y", "N", 7)},
		inits: []*pb.TensorProto{floats("W", []int64{3, 1}, 1, 1, 1)},
		nodes: []*pb.NodeProto{op("MatMul", "sum", []string{"x", "W"}, []string{"s"}),
			op("Tanh", "t", []string{"x"}, []string{"th"}),
			op("Concat", "cat", []string{"th", "s", "x"}, []string{"y"}, attrInt("axis", -1))},
	}
	net, err := vec.read(t)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{float32(math.Tanh(0.5)), float32(math.Tanh(-1)), 0, -0.5, 0.5, -1, 0}
	if got := forward(t, net, 0.5, -1, 0); !near(got, want, 1e-7) {
		t.Fatalf("vectors: got %v, want %v", got, want)
	}
}

func TestConcatErrors(t *testing.T) {
	in := []*pb.ValueInfoProto{info("x", "N", 2, 1, 2)}
	out := []*pb.ValueInfoProto{info("y", "N", 4, 1, 2)}
	cases := map[string]struct {
		nodes []*pb.NodeProto
		inits []*pb.TensorProto
		want  string
	}{
		"batch axis": {nodes: []*pb.NodeProto{op("Concat", "c", []string{"x", "x"}, []string{"y"}, attrInt("axis", 0))},
			want: "batch axis"},
		"batched constant": {nodes: []*pb.NodeProto{op("Concat", "c", []string{"x", "k"}, []string{"y"}, attrInt("axis", 1))},
			inits: []*pb.TensorProto{floats("k", []int64{2, 2, 1, 2}, 1, 2, 3, 4, 5, 6, 7, 8)},
			want:  "batch axis of size 1"},
		"integer constant": {nodes: []*pb.NodeProto{op("Concat", "c", []string{"x", "k"}, []string{"y"}, attrInt("axis", 1))},
			inits: []*pb.TensorProto{ints("k", 1, 2)},
			want:  "integer constant"},
		"shapes": {nodes: []*pb.NodeProto{op("GlobalAveragePool", "g", []string{"x"}, []string{"p"}),
			op("Concat", "c", []string{"x", "p"}, []string{"y"}, attrInt("axis", 1))},
			want: "input 1 has sample shape [2 1 1], which differs from [2 1 2] off axis 0"},
	}
	for name, c := range cases {
		_, err := graph{inputs: in, outputs: out, nodes: c.nodes, inits: c.inits}.read(t)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "model.onnx") {
			t.Errorf("%s: error %v, want one naming the file and %q", name, err, c.want)
		}
	}
}
