package modelfile

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/surfscope/surfscope/assets/defaultmodel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/onnx"
)

// Embedded is the name of the embedded default model: an MLP 784-128-128-10 trained to 100%
// accuracy on the embedded MNIST sample (assets/defaultmodel). Load also takes "" for it.
const Embedded = "embedded"

// IsEmbedded reports whether path names the embedded default model ("" or "embedded").
func IsEmbedded(path string) bool { return path == "" || path == Embedded }

// Load reads the model path names: the embedded default model for "" or "embedded", an ONNX file
// when the name ends in .onnx (any case), else a surfscope checkpoint. Errors name the file and
// what is wrong with it.
func Load(path string) (*models.Net, error) {
	switch {
	case IsEmbedded(path):
		return models.Decode(bytes.NewReader(defaultmodel.Safetensors))
	case strings.EqualFold(filepath.Ext(path), ".onnx"):
		return onnx.Load(path)
	}
	return models.Load(path)
}

// Describe names the model path names for messages: "the embedded model" or the path itself.
func Describe(path string) string {
	if IsEmbedded(path) {
		return "the embedded model"
	}
	return path
}

// Fit checks that net takes the images of a split shaped [C,H,W] = shape; data names the split in
// errors. An imported ONNX net whose input is the same values in another shape (an MLP exported
// with [N,784] inputs) is adapted to take the images; any other mismatch is an error naming both
// shapes, and net is then unchanged.
func Fit(net *models.Net, shape [3]int, data string) error {
	if net.Input == shape {
		return nil
	}
	if net.Arch["arch"] == "onnx" {
		if err := onnx.FitInput(net, shape); err != nil {
			return fmt.Errorf("%s: %w", data, err)
		}
		return nil
	}
	return fmt.Errorf("the model takes %dx%dx%d images, %s has %dx%dx%d",
		net.Input[0], net.Input[1], net.Input[2], data, shape[0], shape[1], shape[2])
}
