package onnx

import (
	"fmt"

	"github.com/surfscope/surfscope/models"
)

// FitInput makes an imported net take samples of the given [C,H,W] shape (a dataset's image
// shape), or returns an error naming both shapes. The net accepts the shape when it is already
// its input shape, or when the values are as many and every node that reads the input only
// flattens or reshapes it (an MLP exported with [N,784] inputs takes [1,28,28] images, whose
// values it reads in the same C-order). n is unchanged on error.
func FitInput(n *models.Net, shape [3]int) error {
	if n.Input == shape {
		return nil
	}
	if shape[0]*shape[1]*shape[2] != n.InputSize() {
		return fmt.Errorf("onnx: the model takes samples of shape %v, the data has shape %v", n.Input, shape)
	}
	for i := 1; i < len(n.Nodes); i++ {
		nd := &n.Nodes[i]
		for _, in := range nd.Inputs {
			if in == 0 && nd.Op != models.OpFlatten && nd.Op != models.OpReshape && nd.Op != models.OpDense {
				return fmt.Errorf("onnx: the model takes samples of shape %v, the data has shape %v (node %q reads them as %v)",
					n.Input, shape, nd.Name, nd.Op)
			}
		}
	}
	old := n.Input
	n.Input = shape
	if err := n.Validate(); err != nil {
		n.Input = old
		return fmt.Errorf("onnx: the model does not take samples of shape %v: %v", shape, err)
	}
	return nil
}
