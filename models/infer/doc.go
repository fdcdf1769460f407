// Package infer is surfscope's fast forward pass: New compiles a models.Net into an Evaluator that
// runs batches of samples in float32 (batch norms folded into the layer before them, activations
// and 2×2 max pools fused into the convolution that feeds them, convolutions as im2col + sgemm on
// OpenBLAS, or pure Go with the build tag noblas), on every core, with memory bounded whatever the
// batch.
//
// It owns three things besides Forward: the exact plane shortcut (Evaluator.Affine,
// ForwardAffine), which evaluates the layers that are affine in the input once per probe instead
// of once per point; input gradients (Evaluator.InputGrad) of a logit or of the cross-entropy
// loss, by backpropagation through the same compiled plan; and the standard plane workloads that
// time it (BenchPlane, PlaneWorkloadNet, SgemmPeak), which the bench command runs beside PyTorch.
//
// Every result is tested against models.Net.ForwardReference and against finite differences.
package infer
