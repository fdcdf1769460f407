// Package defaultmodel embeds the model surfscope opens when it is given none: an MLP
// 784-128-128-10 (ReLU) trained with Adam until it classifies all 4,000 images of the embedded MNIST
// sample correctly. `go generate` remakes it from the sample with surfscope's own training code.
package defaultmodel

import _ "embed"

//go:generate go run ./gen -out mlp.safetensors

// Safetensors is the checkpoint, in surfscope's safetensors format.
//
//go:embed mlp.safetensors
var Safetensors []byte
