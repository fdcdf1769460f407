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
// Nodes whose parameters are constants of the graph's arithmetic rather than weights — the
// identity convolution of a Pad, the affine batch norms that stand for Mul, Sub and Neg with
// constants and for HardSigmoid, the zero-weight dense node that produces a constant tensor —
// are marked models.Node.Fixed, so that the NTK, Hessians and loss-landscape directions see the
// same parameters as PyTorch's model.parameters(): the weights and biases of Conv, Gemm and
// MatMul, the scale and bias of BatchNormalization, and PRelu's slopes.
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
