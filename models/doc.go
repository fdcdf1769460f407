// Package models owns surfscope's one representation of a network, Net: a graph of nodes (dense,
// conv, batch norm, pooling, activations, add and multiply merges, concatenations, softmax and
// log softmax) with float32 parameters. It is the vocabulary the engines share, and only that:
// the ops and their shape rules (Net.Shapes), the architectures training builds (NewMLP, NewCNN,
// NewResNet), checkpoints (Save, Load, Encode, Decode) and ForwardReference, the slow, obviously
// correct forward pass every fast path is tested against.
//
// The engines live in packages of their own:
//   - models/infer evaluates nets fast, in batches, and on planes (the affine shortcut), and takes
//     input gradients;
//   - models/jacobian takes per-sample parameter gradients (the neural tangent kernel);
//   - models/train trains nets with gorgonia and gives the gradient of the training loss;
//   - models/onnx imports ONNX files onto a Net.
//
// Images enter a Net in pixel space, float32 in [0,1], laid out [C,H,W] per sample; a net that
// wants normalised inputs carries an OpNormalize node, so every probe works on raw pixels.
package models
