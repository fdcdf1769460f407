// Package jacobian computes per-sample gradients of a net's outputs with respect to its
// parameters: for each sample and each seed vector over the logits, the gradient of their inner
// product with respect to every weight, bias and batch-norm scale and shift. New prepares a
// models.Net; Jacobian.Compute fills a Batch, which keeps dense layers' gradients factored
// (δ ⊗ a) so that Batch.Dot forms blocks of the empirical neural tangent kernel without ever
// building a per-sample dense gradient (Jacot, Gabriel & Hongler 2018; Novak et al. 2022).
//
// The pass is per sample, in float32 with float64 transcendental functions, batch norm in
// inference mode. Its results are tested against central differences of
// models.Net.ForwardReference.
package jacobian
