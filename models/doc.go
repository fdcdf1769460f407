// Package models owns surfscope's one representation of a network, Net: a graph of nodes (dense,
// conv, batch norm, pooling, activations, add and multiply merges, concatenations, softmax and
// log softmax) with float32 parameters. Training (with gorgonia), checkpoints, ONNX import and the
// fast batched forward pass all read and write it; training supports the ops its architectures
// use and refuses the others (clip, softmax, log softmax, concat) with an error.
//
// Images enter a Net in pixel space, float32 in [0,1], laid out [C,H,W] per sample; a net that
// wants normalised inputs carries an OpNormalize node, so every probe works on raw pixels.
package models
