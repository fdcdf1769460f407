package onnx_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/onnx"
)

func TestMatMulAddReluKnownAnswer(t *testing.T) {
	g := graph{
		inputs:  []*pb.ValueInfoProto{info("x", "N", 2)},
		outputs: []*pb.ValueInfoProto{info("y", "N", 3)},
		inits:   []*pb.TensorProto{floats("W", []int64{2, 3}, 1, 2, 3, 4, 5, 6), floats("b", []int64{3}, 0.5, -10, 0)},
		nodes: []*pb.NodeProto{op("MatMul", "mm", []string{"x", "W"}, []string{"xw"}),
			op("Add", "bias", []string{"xw", "b"}, []string{"z"}), op("Relu", "relu", []string{"z"}, []string{"y"})},
	}
	net, err := g.read(t)
	if err != nil {
		t.Fatal(err)
	}
	// [1 1]·W = [5 7 9]; + b = [5.5 −3 9]; relu.
	if got, want := forward(t, net, 1, 1), []float32{5.5, 0, 9}; !near(got, want, 0) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if len(net.Nodes) != 4 || net.Nodes[2].Op != models.OpDense || net.Nodes[2].Params["bias"] == nil {
		t.Errorf("want input, flatten, dense with the bias folded in, relu; got %+v", net.Nodes)
	}
}

var geluWant = []float32{0.8413447, -0.15865526, 0, 1.9544997} // x·Φ(x) at 1, −1, 0, 2

func TestGeluOpKnownAnswer(t *testing.T) {
	g := graph{opset: 20,
		inputs: []*pb.ValueInfoProto{info("x", "N", 4)}, outputs: []*pb.ValueInfoProto{info("y", "N", 4)},
		nodes: []*pb.NodeProto{op("Gelu", "gelu", []string{"x"}, []string{"y"})}}
	net, err := g.read(t)
	if err != nil {
		t.Fatal(err)
	}
	if got := forward(t, net, 1, -1, 0, 2); !near(got, geluWant, 1e-6) {
		t.Fatalf("got %v, want %v", got, geluWant)
	}
}

// TensorFlow-style exporters write 0.5·x first; the pattern must still become one GELU node.
func TestGeluPatternHalfFirst(t *testing.T) {
	g := graph{
		inputs: []*pb.ValueInfoProto{info("x", "N", 4)}, outputs: []*pb.ValueInfoProto{info("y", "N", 4)},
		inits: []*pb.TensorProto{floats("half", nil, 0.5), floats("one", nil, 1), floats("rsqrt2", nil, float32(1/math.Sqrt2))},
		nodes: []*pb.NodeProto{op("Mul", "h", []string{"half", "x"}, []string{"hx"}),
			op("Mul", "s", []string{"x", "rsqrt2"}, []string{"xs"}), op("Erf", "erf", []string{"xs"}, []string{"e"}),
			op("Add", "p", []string{"one", "e"}, []string{"pe"}), op("Mul", "y", []string{"hx", "pe"}, []string{"y"})},
	}
	net, err := g.read(t)
	if err != nil {
		t.Fatal(err)
	}
	if got := forward(t, net, 1, -1, 0, 2); !near(got, geluWant, 1e-6) {
		t.Fatalf("got %v, want %v", got, geluWant)
	}
	if last := net.Nodes[len(net.Nodes)-1]; len(net.Nodes) != 3 || last.Op != models.OpGELU {
		t.Errorf("want input, flatten, gelu; got %d nodes ending in %s", len(net.Nodes), last.Op)
	}
}

func TestClipBothOpsetForms(t *testing.T) {
	old := graph{opset: 6,
		inputs: []*pb.ValueInfoProto{info("x", "N", 4)}, outputs: []*pb.ValueInfoProto{info("y", "N", 4)},
		nodes: []*pb.NodeProto{op("Clip", "c", []string{"x"}, []string{"y"}, attrFloat("min", -1), attrFloat("max", 0.5))}}
	current := graph{
		inputs: []*pb.ValueInfoProto{info("x", "N", 4)}, outputs: []*pb.ValueInfoProto{info("y", "N", 4)},
		inits: []*pb.TensorProto{floats("lo", nil, -1), floats("hi", nil, 0.5)},
		nodes: []*pb.NodeProto{op("Clip", "c", []string{"x", "lo", "hi"}, []string{"y"})}}
	for _, g := range []graph{old, current} {
		net, err := g.read(t)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := forward(t, net, -3, 0.25, 2, -0.5), []float32{-1, 0.25, 0.5, -0.5}; !near(got, want, 0) {
			t.Fatalf("opset %d: got %v, want %v", g.opset, got, want)
		}
	}
}

// Constants broadcast along the channel become per-channel affine nodes, along other axes
// per-element ones; data minus data becomes an addition of the negation.
func TestArithmeticBroadcasting(t *testing.T) {
	g := graph{
		inputs: []*pb.ValueInfoProto{info("x", "N", 2, 1, 2)}, outputs: []*pb.ValueInfoProto{info("y", "N", 2, 1, 2)},
		inits: []*pb.TensorProto{floats("perC", []int64{1, 2, 1, 1}, 10, 100), floats("perW", []int64{2}, 1, -1),
			floats("zero", []int64{1}, 0)},
		nodes: []*pb.NodeProto{op("Mul", "m", []string{"x", "perC"}, []string{"a"}), // x·[10,100] per channel
			op("Sub", "s", []string{"perW", "a"}, []string{"b"}), // [1,−1] − a along W
			op("Sub", "d", []string{"b", "x"}, []string{"c"}),    // − x
			op("Add", "z", []string{"c", "zero"}, []string{"y"})},
	}
	net, err := g.read(t)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{1, 2, 3, 4}
	want := []float32{1 - 10 - 1, -1 - 20 - 2, 1 - 300 - 3, -1 - 400 - 4}
	if got := forward(t, net, x...); !near(got, want, 1e-5) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestReadListsEveryUnsupportedOperator(t *testing.T) {
	g := graph{
		inputs: []*pb.ValueInfoProto{info("x", "N", 4)}, outputs: []*pb.ValueInfoProto{info("y", "N", 4)},
		inits: []*pb.TensorProto{floats("two", nil, 2)},
		nodes: []*pb.NodeProto{op("Elu", "e1", []string{"x"}, []string{"a"}), op("Pow", "p1", []string{"a", "two"}, []string{"b"}),
			op("Relu", "r", []string{"b"}, []string{"c"}), op("Pow", "p2", []string{"c", "two"}, []string{"d"}),
			{OpType: "Gelu", Domain: "com.microsoft", Name: "ms", Input: []string{"d"}, Output: []string{"y"}}},
	}
	_, err := g.read(t)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"onnx: model.onnx: unsupported operators:", `Elu ("e1")`, `Pow ("p1", "p2")`, `com.microsoft.Gelu ("ms")`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "Relu") {
		t.Errorf("error %q names a supported op", err)
	}
}

func TestReadErrors(t *testing.T) {
	in := []*pb.ValueInfoProto{info("x", "N", 4)}
	out := []*pb.ValueInfoProto{info("y", "N", 4)}
	relu := []*pb.NodeProto{op("Relu", "r", []string{"x"}, []string{"y"})}
	intInput := info("x", "N", 4)
	intInput.Type.GetTensorType().ElemType = int32(pb.TensorProto_INT64)
	external := floats("c", []int64{4})
	external.DataLocation = pb.TensorProto_EXTERNAL
	for name, c := range map[string]struct {
		g    graph
		want string
	}{
		"two inputs":   {graph{inputs: []*pb.ValueInfoProto{info("x", "N", 4), info("z", "N", 4)}, outputs: out, nodes: relu}, `2 data inputs`},
		"two outputs":  {graph{inputs: in, outputs: []*pb.ValueInfoProto{info("y", "N", 4), info("x", "N", 4)}, nodes: relu}, `2 outputs`},
		"symbolic H":   {graph{inputs: []*pb.ValueInfoProto{info("x", "N", 3, "H", 8)}, outputs: out, nodes: relu}, `sample dimension 1 is symbolic ("H")`},
		"int input":    {graph{inputs: []*pb.ValueInfoProto{intInput}, outputs: out, nodes: relu}, `element type INT64`},
		"future opset": {graph{opset: 99, inputs: in, outputs: out, nodes: relu}, `opset 99`},
		"missing name": {graph{inputs: in, outputs: out, nodes: []*pb.NodeProto{op("Relu", "r", []string{"q"}, []string{"y"})}}, `input "q" is not produced`},
		"per-batch constant": {graph{inputs: in, outputs: out, inits: []*pb.TensorProto{floats("c", []int64{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)},
			nodes: []*pb.NodeProto{op("Add", "a", []string{"x", "c"}, []string{"y"})}}, `varies along the batch axis`},
		"reshape mixes batch": {graph{inputs: in, outputs: []*pb.ValueInfoProto{info("y", 2, "M")}, inits: []*pb.TensorProto{ints("s", 2, -1)},
			nodes: []*pb.NodeProto{op("Reshape", "rs", []string{"x", "s"}, []string{"y"})}}, `mixes the batch dimension`},
		"division by zero": {graph{inputs: in, outputs: out, inits: []*pb.TensorProto{floats("c", []int64{4}, 1, 0, 1, 1)},
			nodes: []*pb.NodeProto{op("Div", "d", []string{"x", "c"}, []string{"y"})}}, `contains zero`},
		"unknown attribute": {graph{inputs: in, outputs: out, nodes: []*pb.NodeProto{op("Relu", "r", []string{"x"}, []string{"y"}, attrInt("fancy", 1))}},
			`node "r" (Relu): attribute fancy not supported`},
		"training batch norm": {graph{inputs: []*pb.ValueInfoProto{info("x", "N", 1, 2, 2)}, outputs: []*pb.ValueInfoProto{info("y", "N", 1, 2, 2)},
			inits: []*pb.TensorProto{floats("s", []int64{1}, 1), floats("b", []int64{1}, 0), floats("m", []int64{1}, 0), floats("v", []int64{1}, 1)},
			nodes: []*pb.NodeProto{op("BatchNormalization", "bn", []string{"x", "s", "b", "m", "v"}, []string{"y"}, attrInt("training_mode", 1))}}, `eval mode`},
		"external data": {graph{inputs: in, outputs: out, inits: []*pb.TensorProto{external},
			nodes: []*pb.NodeProto{op("Add", "a", []string{"x", "c"}, []string{"y"})}}, `external file`},
		"short data": {graph{inputs: in, outputs: out, inits: []*pb.TensorProto{floats("c", []int64{4}, 1, 2)},
			nodes: []*pb.NodeProto{op("Add", "a", []string{"x", "c"}, []string{"y"})}}, `has 2 values, want 4`},
		"wrong output shape": {graph{inputs: in, outputs: []*pb.ValueInfoProto{info("y", "N", 5)}, nodes: relu}, `declares [? 5]`},
		"dilated pool": {graph{inputs: []*pb.ValueInfoProto{info("x", "N", 1, 4, 4)}, outputs: []*pb.ValueInfoProto{info("y", "N", 1, 2, 2)},
			nodes: []*pb.NodeProto{op("MaxPool", "mp", []string{"x"}, []string{"y"}, attrInts("kernel_shape", 2, 2), attrInts("dilations", 2, 2))}}, `dilated pooling`},
	} {
		_, err := c.g.read(t)
		t.Logf("%s: %v", name, err)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "onnx: model.onnx: ") {
			t.Errorf("%s: error %v, want one starting onnx: model.onnx: and containing %q", name, err, c.want)
		}
	}
}

func TestReadTruncatedAndCorrupt(t *testing.T) {
	data, err := os.ReadFile("testdata/cnn_op17.onnx")
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{0, 1, 2, 10, 100, 1000, len(data) / 3, len(data) / 2, len(data) - 100, len(data) - 20, len(data) - 1} {
		if _, err := onnx.Read(bytes.NewReader(data[:cut]), "cnn.onnx"); err == nil || !strings.HasPrefix(err.Error(), "onnx: cnn.onnx: ") {
			t.Errorf("truncated to %d of %d bytes: error %v", cut, len(data), err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		bad := append([]byte(nil), data...)
		for range 4 {
			bad[r.IntN(len(bad))] = byte(r.IntN(256))
		}
		net, err := onnx.Read(bytes.NewReader(bad), "cnn.onnx")
		if err == nil {
			if err := net.Validate(); err != nil { // corrupted weights may still parse; the net must be valid
				t.Fatalf("corrupt file gave an invalid net: %v", err)
			}
		}
	}
	if _, err := onnx.Load("testdata/no-such-model.onnx"); err == nil || !strings.Contains(err.Error(), "no-such-model.onnx") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestFitInput(t *testing.T) {
	flat := graph{inputs: []*pb.ValueInfoProto{info("x", "N", 784)}, outputs: []*pb.ValueInfoProto{info("y", "N", 2)},
		inits: []*pb.TensorProto{floats("W", []int64{784, 2}, make([]float32, 1568)...)},
		nodes: []*pb.NodeProto{op("MatMul", "mm", []string{"x", "W"}, []string{"y"})}}
	net, err := flat.read(t)
	if err != nil {
		t.Fatal(err)
	}
	if net.Input != [3]int{784, 1, 1} {
		t.Fatalf("input %v, want [784 1 1]", net.Input)
	}
	if err := onnx.FitInput(net, [3]int{1, 28, 28}); err != nil || net.Input != [3]int{1, 28, 28} {
		t.Fatalf("flat MLP does not take 28x28 images: %v", err)
	}
	cnn, err := onnx.Load("testdata/cnn_op17.onnx")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range [][3]int{{1, 28, 28}, {3, 16, 64}} {
		if err := onnx.FitInput(cnn, s); err == nil || cnn.Input != [3]int{3, 32, 32} {
			t.Errorf("CNN for 3x32x32 accepted %v (input now %v)", s, cnn.Input)
		}
	}
}

func TestAddNormalization(t *testing.T) {
	g := graph{inputs: []*pb.ValueInfoProto{info("x", "N", 2, 1, 1)}, outputs: []*pb.ValueInfoProto{info("y", "N", 2, 1, 1)},
		nodes: []*pb.NodeProto{op("Relu", "r", []string{"x"}, []string{"y"})}}
	net, err := g.read(t)
	if err != nil {
		t.Fatal(err)
	}
	if err := onnx.AddNormalization(net, []float32{0.5, 0.25}, []float32{0.5, 2}); err != nil {
		t.Fatal(err)
	}
	// relu((1 − 0.5)/0.5) = 1, relu((0 − 0.25)/2) = 0
	if got := forward(t, net, 1, 0); !near(got, []float32{1, 0}, 0) || net.Nodes[1].Op != models.OpNormalize {
		t.Fatalf("got %v (nodes %+v)", got, net.Nodes)
	}
	for _, bad := range [][2][]float32{{{1, 2, 3}, {1}}, {{0}, {0}}} {
		before := len(net.Nodes)
		if err := onnx.AddNormalization(net, bad[0], bad[1]); err == nil || len(net.Nodes) != before {
			t.Errorf("mean %v std %v: error %v, %d nodes", bad[0], bad[1], err, len(net.Nodes))
		}
	}
}

// A model exported without a dynamic batch has the batch size written into its reshape targets.
func TestStaticBatchReshape(t *testing.T) {
	for _, target := range [][]int64{{2, -1}, {-1, 6}, {0, 6}, {2, 3, 2}} {
		out := info("y", 2, 6)
		if len(target) == 3 {
			out = info("y", 2, 3, 2)
		}
		g := graph{inputs: []*pb.ValueInfoProto{info("x", 2, 2, 3)}, outputs: []*pb.ValueInfoProto{out},
			inits: []*pb.TensorProto{ints("s", target...)},
			nodes: []*pb.NodeProto{op("Reshape", "r", []string{"x", "s"}, []string{"y"})}}
		net, err := g.read(t)
		if err != nil {
			t.Fatalf("target %v: %v", target, err)
		}
		if got := forward(t, net, 1, 2, 3, 4, 5, 6); !near(got, []float32{1, 2, 3, 4, 5, 6}, 0) || net.NumClasses() != 6 {
			t.Fatalf("target %v: got %v", target, got)
		}
	}
}

// Zero padding merges into the convolution that reads it, unless something in between (a bias
// added to the padded map) makes the border non-zero.
func TestPadMerging(t *testing.T) {
	for _, bias := range []bool{false, true} {
		g := graph{inputs: []*pb.ValueInfoProto{info("x", "N", 1, 1, 1)}, outputs: []*pb.ValueInfoProto{info("y", "N", 1, 3, 3)},
			inits: []*pb.TensorProto{ints("pads", 0, 0, 1, 1, 0, 0, 1, 1), floats("w", []int64{1, 1, 1, 1}, 2), floats("one", []int64{1}, 1)},
			nodes: []*pb.NodeProto{op("Pad", "pad", []string{"x", "pads"}, []string{"p"}),
				op("Identity", "id", []string{"p"}, []string{"q"}), op("Conv", "conv", []string{"q", "w"}, []string{"y"})}}
		want := []float32{0, 0, 0, 0, 10, 0, 0, 0, 0}
		if bias {
			g.nodes[1] = op("Add", "add", []string{"p", "one"}, []string{"q"})
			want = []float32{2, 2, 2, 2, 12, 2, 2, 2, 2}
		}
		net, err := g.read(t)
		if err != nil {
			t.Fatal(err)
		}
		if got := forward(t, net, 5); !near(got, want, 0) {
			t.Fatalf("bias %v: got %v, want %v", bias, got, want)
		}
		if merged := len(net.Nodes) == 2; merged == bias {
			t.Errorf("bias %v: %d nodes; the padding should merge only without the bias", bias, len(net.Nodes))
		}
	}
}
