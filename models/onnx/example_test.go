package onnx_test

import (
	"fmt"
	"log"

	"github.com/surfscope/surfscope/models/onnx"
)

// Load maps a PyTorch export onto surfscope's node vocabulary: input normalisation (Sub, Div),
// the flatten PyTorch writes as Shape/Gather/Unsqueeze/Concat/Reshape, Gemm and MatMul+Add as
// dense layers, and GELU's erf expansion as one node.
func ExampleLoad() {
	net, err := onnx.Load("testdata/mlp_op17.onnx")
	if err != nil {
		log.Fatal(err)
	}
	shapes, err := net.Shapes()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("input", net.Input, "classes", net.NumClasses())
	for i, nd := range net.Nodes {
		fmt.Println(i, nd.Op, shapes[i], nd.Inputs)
	}
	// Output:
	// input [1 28 28] classes 10
	// 0 input [1 28 28] []
	// 1 normalize [1 28 28] [0]
	// 2 flatten [784] [1]
	// 3 dense [16] [2]
	// 4 gelu [16] [3]
	// 5 dense [16] [4]
	// 6 tanh [16] [5]
	// 7 dense [16] [6]
	// 8 sigmoid [16] [7]
	// 9 dense [10] [8]
}
