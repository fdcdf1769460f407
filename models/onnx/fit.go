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

// AddNormalization puts (x − mean[c]) / std[c] in front of a net trained on inputs normalised
// outside the network (torchvision's transforms.Normalize), so that it takes pixels in [0,1]
// like every surfscope net. mean and std have one value per input channel, or one for all.
// n is unchanged on error.
func AddNormalization(n *models.Net, mean, std []float32) error {
	c := n.Input[0]
	expand := func(v []float32, what string) ([]float32, error) {
		switch len(v) {
		case c:
			return append([]float32(nil), v...), nil
		case 1:
			out := make([]float32, c)
			for k := range out {
				out[k] = v[0]
			}
			return out, nil
		}
		return nil, fmt.Errorf("onnx: %d %s values for %d input channels", len(v), what, c)
	}
	m, err := expand(mean, "mean")
	if err != nil {
		return err
	}
	s, err := expand(std, "std")
	if err != nil {
		return err
	}
	if len(n.Nodes) == 0 || n.Nodes[0].Op != models.OpInput {
		return fmt.Errorf("onnx: net has no input node")
	}
	nodes := make([]models.Node, 0, len(n.Nodes)+1)
	nodes = append(nodes, n.Nodes[0], models.Node{Name: "input normalisation", Op: models.OpNormalize, Inputs: []int{0},
		Params: map[string]*models.Tensor{"mean": {Shape: []int{c}, Data: m}, "std": {Shape: []int{c}, Data: s}}})
	for _, nd := range n.Nodes[1:] {
		nd.Inputs = append([]int(nil), nd.Inputs...)
		for k := range nd.Inputs {
			nd.Inputs[k]++ // node 0 now reaches the rest through node 1
		}
		nodes = append(nodes, nd)
	}
	trial := *n
	trial.Nodes = nodes
	if err := trial.Validate(); err != nil {
		return fmt.Errorf("onnx: input normalisation: %v", err)
	}
	n.Nodes = nodes
	return nil
}
