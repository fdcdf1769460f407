package surface

import (
	"fmt"

	"github.com/surfscope/surfscope/projection"
)

// AdversarialPlane returns the gradient plane (projection.GradientPlane) through image x whose
// first direction is the input gradient of the cross-entropy loss against label — the direction in
// which the loss grows fastest, the fast gradient method's adversarial direction — computed by e
// (a infer.Evaluator). seed draws the second direction; n and r are as GradientPlane takes them.
func AdversarialPlane(e InputGrader, shape [3]int, x []float32, label int, seed uint64, n int, r float64) (*projection.Probe, error) {
	if len(x) != e.InputSize() {
		return nil, fmt.Errorf("surface: adversarial plane: the image has %d values, the net takes %d", len(x), e.InputSize())
	}
	if nc, ok := e.(interface{ NumClasses() int }); ok && (label < 0 || label >= nc.NumClasses()) {
		return nil, fmt.Errorf("surface: adversarial plane: label %d of %d classes", label, nc.NumClasses())
	}
	g := e.InputGrad(nil, x, 1, -1, []int{label})
	p, err := projection.GradientPlane(shape, x, g, seed, n, r)
	if err != nil {
		return nil, err
	}
	p.Kind = "adversarial"
	return p, nil
}
