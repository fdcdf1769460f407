package onnx_test

import (
	"math"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/onnx"
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
		e, err := infer.New(net)
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

// The DenseNet fixture through the affine plane shortcut and InputGrad: the probe agrees with
// explicit points (|diff| ≤ 1e-5·max(1, |logit|)), and the gradient of a log-probability
// matches central differences of ForwardReference along the plane direction.
func TestDenseFixtureProbeAndGradient(t *testing.T) {
	net, err := onnx.Load("testdata/dense_op17.onnx")
	if err != nil {
		t.Fatal(err)
	}
	e, err := infer.New(net)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := readNpy(t, "inputs_cifar.npy")
	D := net.InputSize()
	x0 := x[:D]
	dirs := [][]float32{make([]float32, D), make([]float32, D)}
	for i := range x0 {
		dirs[0][i] = x[D+i] - x0[i]
		dirs[1][i] = x[2*D+i] - x0[i]
	}
	coef := []float32{0, 0, 1, 0, 0, 1, 0.3, 0.6, -0.2, 1.1}
	pts := make([]float32, 5*D)
	for k := range 5 {
		for i := range D {
			pts[k*D+i] = x0[i] + coef[2*k]*dirs[0][i] + coef[2*k+1]*dirs[1][i]
		}
	}
	want := e.Forward(nil, pts, 5)
	got := e.ForwardAffine(nil, x0, dirs, coef, 5)
	for k := range want {
		if d := math.Abs(float64(got[k] - want[k])); d > 1e-5*math.Max(1, math.Abs(float64(want[k]))) {
			t.Fatalf("logit %d: plane shortcut %v, explicit point %v", k, got[k], want[k])
		}
	}
	g := e.InputGrad(nil, x0, 1, 3, nil)
	dot := 0.0
	for i, d := range dirs[0] {
		dot += float64(g[i]) * float64(d)
	}
	// ReLU and max-pool kinks spoil large steps, float32 logits small ones: one of the steps
	// must agree within 2e-3·max(1, |difference|).
	var diffs []float64
	for _, h := range []float64{1e-3, 3e-4} {
		step := func(s float64) float64 {
			p := make([]float32, D)
			for i := range p {
				p[i] = float32(float64(x0[i]) + s*float64(dirs[0][i]))
			}
			y, err := net.ForwardReference(p)
			if err != nil {
				t.Fatal(err)
			}
			return float64(y[3])
		}
		fd := (step(h) - step(-h)) / (2 * h)
		if math.Abs(dot-fd) <= 2e-3*math.Max(1, math.Abs(fd)) {
			return
		}
		diffs = append(diffs, fd)
	}
	t.Errorf("directional derivative of log p[3]: gradient %v, central differences (h = 1e-3, 3e-4) %v", dot, diffs)
}
