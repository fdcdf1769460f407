// Package kernel holds the float32 building blocks of surfscope's engines besides matrix
// multiplication (package sgemm): im2col and its adjoint, pooling, element-wise activations with
// their derivatives, and the bias-activation-pool epilogues of a product (AVX2 assembly on amd64,
// plain Go elsewhere or with the build tag purego). The fast forward pass (models/infer), the
// Jacobians and the training graph run on them.
//
// Every function works on caller-owned slices and allocates nothing; none keeps state, so all are
// safe for concurrent use.
package kernel
