// Package onnx imports ONNX models — typically exported from PyTorch with torch.onnx.export — as
// models.Net, so that imported networks get surfscope's forward passes, probes and analyses.
//
// Load and Read map every ONNX node onto models' node vocabulary: Gemm and MatMul (+ Add) become
// dense layers with transposes and scales folded in, Sub/Div by constants on the input become
// OpNormalize, Conv/BatchNormalization/pooling map one to one, GELU's erf expansion becomes
// OpGELU, Add and Mul of two tensors become OpAdd and OpMul (residuals, x * out, SE gates),
// Identity and inference Dropout vanish, and the shape arithmetic PyTorch writes around Reshape
// (Shape, Gather, Unsqueeze, Concat, ...) is folded to constants. Concat of data (DenseNet and
// Inception blocks) becomes OpConcat. Reshape, Squeeze, Unsqueeze, Softmax, LogSoftmax and Clip
// use models' OpReshape, OpSoftmax, OpLogSoftmax and OpClip; zero Pad becomes padding of the
// convolution or average pooling that follows (else a fixed identity depthwise convolution,
// marked by Attr.Meta).
//
// The first input dimension is the batch, which may be symbolic; the rest is the sample shape.
// Anything that cannot be mapped exactly — an operator outside Supported, an attribute the
// importer does not know, work along the batch axis, training-mode BatchNormalization or
// Dropout, a truncated file — is an error naming the file and every offending node; the
// importer never guesses. FitInput checks a model against a dataset's image shape.
//
// Conformance: the tests run ONNX's own backend node tests (Debian's libonnx-testdata) for every
// claimed operator and small PyTorch models made by testdata/make_fixtures.py.
package onnx
