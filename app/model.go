package app

import (
	"bytes"
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
