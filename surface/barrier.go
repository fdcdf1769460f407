package surface

import "fmt"

// Barrier is the height of the loss and error barriers on a model line θ_a + λ(θ_b − θ_a): the
// largest excess of the loss (of the error, 1 − accuracy) over the straight line between the
// endpoints' values, B = max over λ ∈ [0, 1] of L(λ) − ((1 − λ)·L(0) + λ·L(1)), at least 0 (the
// endpoints count). Two nets are linearly mode connected when both are near 0 (Frankle et al.,
// "Linear mode connectivity and the lottery ticket hypothesis", ICML 2020, measure the error
// barrier against the endpoints' mean; Entezari et al., "The role of permutation invariance in
// linear mode connectivity of neural networks", ICLR 2022, against the straight line, as here).
type Barrier struct {
	Loss        float64    `json:"loss"`
	LossLambda  float64    `json:"loss_lambda"` // where the loss excess is largest
	Error       float64    `json:"error"`
	ErrorLambda float64    `json:"error_lambda"`
	EndLoss     [2]float64 `json:"end_loss"` // L(0), L(1)
	EndError    [2]float64 `json:"end_error"`
}

// LineBarrier computes the barriers of a model line from its grid (ModelLine; points outside
// [0, 1] are ignored) and the grid of its two endpoints, ModelLine at λ = 0 and 1 evaluated the
// same way. It returns an error when ends does not hold exactly λ = 0 and 1.
func LineBarrier(line, ends *Grid) (Barrier, error) {
	if ends.NX != 2 || ends.NY != 1 || ends.S[0] != 0 || ends.S[1] != 1 {
		return Barrier{}, fmt.Errorf("surface: barrier: the endpoints' grid has λ = %v, want [0 1]", ends.S)
	}
	var b Barrier
	for e := 0; e < 2; e++ {
		b.EndLoss[e] = float64(ends.At(e, 0, LandscapeLoss))
		b.EndError[e] = 1 - float64(ends.At(e, 0, LandscapeAccuracy))
	}
	for i, lambda := range line.S {
		if lambda < 0 || lambda > 1 {
			continue
		}
		loss := float64(line.At(i, 0, LandscapeLoss)) - ((1-lambda)*b.EndLoss[0] + lambda*b.EndLoss[1])
		if loss > b.Loss {
			b.Loss, b.LossLambda = loss, lambda
		}
		errExcess := 1 - float64(line.At(i, 0, LandscapeAccuracy)) - ((1-lambda)*b.EndError[0] + lambda*b.EndError[1])
		if errExcess > b.Error {
			b.Error, b.ErrorLambda = errExcess, lambda
		}
	}
	return b, nil
}
