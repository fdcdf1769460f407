package projection

import (
	"fmt"
	"math/rand/v2"
)

// GradientPlane returns the plane through image x0 spanned by e1 = g/‖g‖, the direction of a
// gradient g at x0 — for the input gradient of the loss, the direction of the fast gradient method's
// adversarial step (Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial Examples",
// ICLR 2015) — and e2, a Gaussian direction drawn from seed and orthonormalised against e1
// (Gram–Schmidt). x0 sits at (0, 0); both axes span [−r, r] in distances of input space (r ≤ 0
// means ‖x0‖, the extent of a random plane), n points each. It returns an error for a zero gradient.
func GradientPlane(shape [3]int, x0, g []float32, seed uint64, n int, r float64) (*Probe, error) {
	if err := checkImages(shape, x0, g); err != nil {
		return nil, err
	}
	if err := checkPlaneSpace("gradient", shape); err != nil {
		return nil, err
	}
	if err := checkAxis(n); err != nil {
		return nil, err
	}
	e1 := to64(g)
	ng := norm(e1)
	if ng == 0 {
		return nil, fmt.Errorf("projection: gradient plane: the gradient is zero; there is no steepest direction")
	}
	scale(1/ng, e1)
	if r <= 0 {
		r = norm(to64(x0))
		if r == 0 {
			return nil, fmt.Errorf("projection: gradient plane: the image is all zeros; give a range")
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x96ad))
	e2 := gaussian(rng, len(e1))
	for pass := 0; pass < 2; pass++ {
		axpy(-dot(e2, e1), e1, e2)
	}
	scale(1/norm(e2), e2)
	return &Probe{
		Kind:    "gradient",
		Origin:  append([]float32(nil), x0...),
		Dirs:    [][]float32{to32(e1), to32(e2)},
		S:       symmetricSpace(r, n),
		T:       symmetricSpace(r, n),
		Anchors: []Anchor{{Name: "x0"}},
		Shape:   shape,
	}, nil
}
