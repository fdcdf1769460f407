package app

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/surfscope/surfscope/assets/defaultmodel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/onnx"
)

// LoadModel reads a surfscope checkpoint or an ONNX file (by its .onnx extension); "" means the
// embedded default model, an MLP trained to 100% accuracy on the embedded MNIST sample.
func LoadModel(path string) (*models.Net, error) {
	switch {
	case path == "":
		return models.Decode(bytes.NewReader(defaultmodel.Safetensors))
	case strings.EqualFold(filepath.Ext(path), ".onnx"):
		return onnx.Load(path)
	}
	return models.Load(path)
}

// FitData checks that net takes the images of a split shaped [C,H,W] = shape. An imported ONNX
// net whose input is the same values in another shape (an MLP exported with [N,784] inputs) is
// adapted to take the images; any other mismatch is an error naming both shapes.
func FitData(net *models.Net, shape [3]int, dataName string) error {
	if net.Input == shape {
		return nil
	}
	if net.Arch["arch"] == "onnx" {
		if err := onnx.FitInput(net, shape); err != nil {
			return fmt.Errorf("%s: %w", dataName, err)
		}
		return nil
	}
	return fmt.Errorf("the model takes %dx%dx%d images, %s has %dx%dx%d",
		net.Input[0], net.Input[1], net.Input[2], dataName, shape[0], shape[1], shape[2])
}
