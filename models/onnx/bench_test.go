package onnx_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/surfscope/surfscope/models/onnx"
)

// BenchmarkRead measures importing the PyTorch fixtures from memory.
func BenchmarkRead(b *testing.B) {
	for _, name := range []string{"mlp_op17", "cnn_unfolded_op17", "resnet_op17", "extras_op11"} {
		data, err := os.ReadFile("testdata/" + name + ".onnx")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := onnx.Read(bytes.NewReader(data), name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
