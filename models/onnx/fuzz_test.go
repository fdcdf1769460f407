package onnx_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/models/internal/nettest"
	"github.com/surfscope/surfscope/models/onnx"
)

// FuzzRead feeds arbitrary bytes to Read: it must return an error or a valid net, never panic,
// and a net it returns must run.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"cnn_op17.onnx", "mlp_op11.onnx", "extras_op11.onnx", "dense_op11.onnx"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(graph{inputs: []*pb.ValueInfoProto{info("x", "N", 2, 3)}, outputs: []*pb.ValueInfoProto{info("y", "N", 6)},
		inits: []*pb.TensorProto{ints("s", 0, -1)},
		nodes: []*pb.NodeProto{op("Reshape", "r", []string{"x", "s"}, []string{"y"})}}.bytes(f))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := onnx.Read(bytes.NewReader(data), "fuzz.onnx")
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
			return
		}
		shapes, err := net.Shapes()
		if err != nil {
			t.Fatalf("Read returned an invalid net: %v", err)
		}
		if nettest.ForwardCost(net, shapes) > 1e7 { // keep each run fast
			return
		}
		if _, err := net.ForwardReference(make([]float32, net.InputSize())); err != nil {
			t.Fatalf("forward pass of an imported net: %v", err)
		}
	})
}
