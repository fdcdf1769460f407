// Package graph translates a models.Net into a gorgonia expression graph for a fixed batch size,
// in training mode (batch statistics, the cross-entropy loss against target distributions and the
// symbolic gradients of every trained tensor) or in inference mode (logits only). Each layer is a
// gorgonia op wrapping a kernel whose memory graph owns and reuses from step to step (see
// layerKernel); a Store holds the parameters every graph built from it shares.
//
// It is package train's engine and nothing else's.
package graph
