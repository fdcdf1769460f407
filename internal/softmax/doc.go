// Package softmax holds the numerically stable softmax, log softmax and log-sum-exp that the
// reference pass, the fast kernels, the Jacobians, training, input gradients and the surface
// analyses all use: the largest value is subtracted before exponentiating and sums run in float64,
// so no logit, however large, overflows (Goodfellow, Bengio & Courville 2016, "Deep Learning",
// §4.1).
package softmax
