package onnx_test

import (
	"bytes"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/onnx"
)

// Small hand-built ONNX graphs for known-answer and error tests.

// info declares a float tensor; a string dimension is symbolic.
func info(name string, dims ...any) *pb.ValueInfoProto {
	var d []*pb.TensorShapeProto_Dimension
	for _, v := range dims {
		switch v := v.(type) {
		case int:
			d = append(d, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}})
		case string:
			d = append(d, &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimParam{DimParam: v}})
		}
	}
	return &pb.ValueInfoProto{Name: name, Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{TensorType: &pb.TypeProto_Tensor{
		ElemType: int32(pb.TensorProto_FLOAT), Shape: &pb.TensorShapeProto{Dim: d}}}}}
}

func floats(name string, dims []int64, v ...float32) *pb.TensorProto {
	return &pb.TensorProto{Name: name, Dims: dims, DataType: int32(pb.TensorProto_FLOAT), FloatData: v}
}

func ints(name string, v ...int64) *pb.TensorProto {
	return &pb.TensorProto{Name: name, Dims: []int64{int64(len(v))}, DataType: int32(pb.TensorProto_INT64), Int64Data: v}
}

func op(typ, name string, in, out []string, attrs ...*pb.AttributeProto) *pb.NodeProto {
	return &pb.NodeProto{OpType: typ, Name: name, Input: in, Output: out, Attribute: attrs}
}

func attrInt(name string, v int64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INT, I: v}
}

func attrFloat(name string, v float32) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_FLOAT, F: v}
}

func attrInts(name string, v ...int64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: name, Type: pb.AttributeProto_INTS, Ints: v}
}

type graph struct {
	opset   int64
	inputs  []*pb.ValueInfoProto
	outputs []*pb.ValueInfoProto
	nodes   []*pb.NodeProto
	inits   []*pb.TensorProto
}

func (g graph) bytes(t testing.TB) []byte {
	t.Helper()
	if g.opset == 0 {
		g.opset = 17
	}
	m := &pb.ModelProto{IrVersion: 8, OpsetImport: []*pb.OperatorSetIdProto{{Version: g.opset}},
		Graph: &pb.GraphProto{Name: "test", Input: g.inputs, Output: g.outputs, Node: g.nodes, Initializer: g.inits}}
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (g graph) read(t testing.TB) (*models.Net, error) {
	t.Helper()
	return onnx.Read(bytes.NewReader(g.bytes(t)), "model.onnx")
}

// forward evaluates the net on one sample.
func forward(t *testing.T, n *models.Net, x ...float32) []float32 {
	t.Helper()
	y, err := n.ForwardReference(x)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if d := float64(a[i] - b[i]); d > tol || d < -tol {
			return false
		}
	}
	return true
}
