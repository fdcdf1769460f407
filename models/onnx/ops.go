package onnx

import (
	"sort"

	"github.com/surfscope/surfscope/models"
)

// opFunc translates one node: it reads n.in and n.attrs and sets n.out.
type opFunc func(b *builder, n *node) error

// handlers translate ops with at least one data input; folds evaluate ops whose inputs are all
// constants. An op type in either table is supported.
var handlers, folds map[string]opFunc

func init() {
	binaryOps := []string{"Add", "Sub", "Mul", "Div"}
	handlers = map[string]opFunc{
		"Gemm":               gemm,
		"MatMul":             matmul,
		"Conv":               conv,
		"BatchNormalization": batchNorm,
		"MaxPool":            pool,
		"AveragePool":        pool,
		"GlobalAveragePool":  globalPool,
		"GlobalMaxPool":      globalPool,
		"ReduceMean":         reduceMean,
		"Relu":               activation(models.OpReLU),
		"LeakyRelu":          activation(models.OpLeakyReLU),
		"Sigmoid":            activation(models.OpSigmoid),
		"Tanh":               activation(models.OpTanh),
		"Gelu":               activation(models.OpGELU),
		"Erf":                erfOp,
		"Clip":               clip,
		"HardSigmoid":        hardSigmoid,
		"HardSwish":          hardSigmoid,
		"PRelu":              prelu,
		"Softmax":            softmax,
		"LogSoftmax":         softmax,
		"Concat":             concatData,
		"Neg":                neg,
		"Flatten":            flattenData,
		"Reshape":            reshapeData,
		"Squeeze":            squeezeData,
		"Unsqueeze":          unsqueezeData,
		"Transpose":          transposeData,
		"Identity":           alias,
		"Dropout":            alias,
		"Cast":               alias,
		"Shape":              shapeOf,
		"Pad":                padData,
	}
	folds = map[string]opFunc{
		"Constant":        foldConstant,
		"ConstantOfShape": foldConstantOfShape,
		"Gather":          foldGather,
		"Concat":          foldConcat,
		"Slice":           foldSlice,
		"Neg":             foldNeg,
		"Flatten":         foldReshape,
		"Reshape":         foldReshape,
		"Squeeze":         foldReshape,
		"Unsqueeze":       foldReshape,
		"Transpose":       foldTranspose,
		"Identity":        alias,
		"Dropout":         alias,
		"Cast":            foldCast,
		"Shape":           shapeOf,
	}
	for _, op := range binaryOps {
		handlers[op] = arithmetic
		folds[op] = foldBinary
	}
}

// Supported returns the ONNX operator types the importer maps, sorted. Limits (each reported as
// an error naming the node when a model exceeds it):
//   - the batch is the first axis of the input, and no op may work along it;
//   - Gemm and MatMul need a constant weight and one row per sample (no transA);
//   - Conv, MaxPool, AveragePool work on [C,H,W] or [C,L] samples; pooling is not dilated,
//     AveragePool counts the padding (count_include_pad=1, or no pads), ceil_mode only where it
//     adds no window that lies in the padding (max) or adds none at all (average);
//   - BatchNormalization in inference mode; Dropout only in inference (or with ratio 0);
//   - Add, Sub, Mul, Div take a constant of any broadcastable shape, or two data tensors for Add,
//     Sub and Mul; Div only by a constant without zeros;
//   - Erf only inside GELU's expansion x·½·(1 + erf(x/√2)); Gelu only its exact form;
//   - HardSigmoid, HardSwish and PRelu (a constant slope) are composed of affine, clip, relu,
//     add and mul nodes;
//   - Softmax and LogSoftmax along the last sample axis of size > 1 (opset ≥ 13) or flattened
//     from its axis on (opset < 13); ReduceMean over trailing sample axes;
//   - Concat of data along any sample axis (not the batch); a constant input must have the
//     sample rank (and a batch axis of size 1) and becomes a dense node with zero weights;
//   - Reshape, Flatten, Squeeze, Unsqueeze keep the batch first; Transpose of data only where
//     it moves size-1 axes; Pad only zero padding of the spatial axes;
//   - Constant, ConstantOfShape, Gather, Concat, Slice, Cast and Shape fold constants (shape
//     arithmetic); of data, only Concat, Shape and Cast to float are supported.
func Supported() []string {
	seen := map[string]bool{}
	var ops []string
	for _, m := range []map[string]opFunc{handlers, folds} {
		for op := range m {
			if !seen[op] {
				seen[op] = true
				ops = append(ops, op)
			}
		}
	}
	sort.Strings(ops)
	return ops
}
