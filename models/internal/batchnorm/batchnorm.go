// Package batchnorm turns an inference batch norm (models.OpBatchNorm with its running statistics)
// into the per-channel affine map it is, for the engines that fold it into a neighbouring layer or
// evaluate it directly: the fast forward pass, the Jacobians and the frozen loss gradient.
package batchnorm

import (
	"math"

	"github.com/surfscope/surfscope/models"
)

// Affine returns batch norm nd as y = scale[c]·x + shift[c] per channel c, in float64:
// scale = gamma/√(var + eps) and shift = beta − mean·scale.
func Affine(nd *models.Node) (scale, shift []float64) {
	p := nd.Params
	eps := float64(nd.Attr.Epsilon())
	c := len(p["gamma"].Data)
	scale, shift = make([]float64, c), make([]float64, c)
	for k := range scale {
		s := float64(p["gamma"].Data[k]) / math.Sqrt(float64(p["var"].Data[k])+eps)
		scale[k] = s
		shift[k] = float64(p["beta"].Data[k]) - float64(p["mean"].Data[k])*s
	}
	return scale, shift
}
