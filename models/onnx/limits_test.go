package onnx_test

import (
	"path/filepath"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models/onnx"
)

// Pad bombs of the hostile-input sweep (issue 20): a 200-byte ONNX file whose convolution or max
// pool pads 30000 pixels on every side asked the forward pass for 14–173 GB. The import refuses
// them through models' limits, naming the node.
func TestPadBombsAreRefused(t *testing.T) {
	pads := attrInts("pads", 30000, 30000, 30000, 30000)
	for _, c := range []struct {
		name  string
		node  *pb.NodeProto
		inits []*pb.TensorProto
	}{
		{"Conv", op("Conv", "bomb", []string{"x", "w"}, []string{"a"}, pads), []*pb.TensorProto{floats("w", []int64{1, 1, 3, 3}, make([]float32, 9)...)}},
		{"MaxPool", op("MaxPool", "bomb", []string{"x"}, []string{"a"}, pads, attrInts("kernel_shape", 2, 2)), nil},
	} {
		g := graph{inputs: []*pb.ValueInfoProto{info("x", "N", 1, 28, 28)}, outputs: []*pb.ValueInfoProto{info("y", "N", 1)},
			inits: c.inits,
			nodes: []*pb.NodeProto{c.node,
				op("GlobalAveragePool", "gap", []string{"a"}, []string{"b"}),
				op("Flatten", "flat", []string{"b"}, []string{"y"})}}
		_, err := g.read(t)
		if err == nil || !strings.Contains(err.Error(), "MaxSide") || !strings.Contains(err.Error(), "model.onnx") {
			t.Errorf("%s with pads 30000: %v", c.name, err)
		}
	}
}

// A model file whose import would not fit the memory cap is refused before it is read.
func TestLoadChecksTheMemoryCap(t *testing.T) {
	t.Setenv(memcap.EnvVar, "20kB") // the file is 17.8 kB
	_, err := onnx.Load(filepath.Join("testdata", "cnn_op17.onnx"))
	if err == nil || !strings.Contains(err.Error(), "cnn_op17.onnx: importing a") || !strings.Contains(err.Error(), memcap.EnvVar) {
		t.Fatalf("Load: %v", err)
	}
}

// A stream of unknown size (an endless one: /dev/zero) is read no further than a third of the
// memory cap.
func TestReadStopsAtAThirdOfTheMemoryCap(t *testing.T) {
	t.Setenv(memcap.EnvVar, "30MB")
	_, err := onnx.Read(endless{}, "zero.onnx")
	if err == nil || !strings.Contains(err.Error(), "zero.onnx: importing an ONNX file of more than 10 MB needs about 30 MB") {
		t.Fatalf("Read: %v", err)
	}
}

// endless reads zeros forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
