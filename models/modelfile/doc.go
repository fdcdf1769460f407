// Package modelfile opens the model files surfscope is given: its own safetensors checkpoints, ONNX
// files (by their .onnx extension) and the embedded default model (named "embedded", or ""). It also
// fits a net to the images of a dataset (Fit), so that an ONNX MLP exported with flat [N,784] inputs
// takes [1,28,28] images.
//
// It lives beside models rather than in it because it imports both models and models/onnx (which
// imports models), and the embedded model in assets/defaultmodel.
package modelfile
