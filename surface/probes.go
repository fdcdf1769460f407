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

// PCAImages is the number of a split's first images whose principal components span a PCA plane.
const PCAImages = 10000

// BuildProbe makes the probe spec names over a split: images holds its n images, [n][C·H·W] in
// shape's layout, and labels their classes (as the dataset package's Set holds them). It makes
// every kind of projection.ParseSpec: the kinds projection.Spec.Build makes (data, mixup, random,
// flip); grad:I,SEED, the adversarial plane through image I along the input gradient of the loss
// against I's label (AdversarialPlane; grader computes it and may be nil for the other kinds); and
// pca / pca:I, the plane of the two leading principal components of the first PCAImages images,
// through their mean or image I (projection.PCAPlane, seed 1). z sets the resolution and extent;
// z.Range is the half-width of random, adversarial and PCA planes. Anchors that are images are
// named "#I" so that pictures can show them. An image number out of range is an error.
func BuildProbe(spec projection.Spec, shape [3]int, images []float32, labels []int, grader InputGrader, z projection.Sizes) (*projection.Probe, error) {
	D := shape[0] * shape[1] * shape[2]
	if D <= 0 || len(images)%D != 0 || len(images)/D != len(labels) {
		return nil, fmt.Errorf("surface: probe data: %d values and %d labels are not images of shape %v", len(images), len(labels), shape)
	}
	n := len(labels)
	image := func(i int) ([]float32, error) {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("image %d is out of range: the split has %d images (0 to %d)", i, n, n-1)
		}
		return images[i*D : (i+1)*D : (i+1)*D], nil
	}
	if spec.Kind != "grad" && spec.Kind != "pca" {
		return spec.Build(shape, image, z)
	}
	if z.Grid == 0 {
		z.Grid = 64
	}
	var through []float32
	if len(spec.Images) > 0 {
		x, err := image(spec.Images[0])
		if err != nil {
			return nil, err
		}
		through = x
	}
	var p *projection.Probe
	var err error
	if spec.Kind == "grad" {
		if grader == nil {
			return nil, fmt.Errorf("surface: an adversarial plane needs a model's input gradient")
		}
		p, err = AdversarialPlane(grader, shape, through, labels[spec.Images[0]], spec.Seed, z.Grid, z.Range)
	} else {
		p, err = projection.PCAPlane(shape, images[:min(n, PCAImages)*D], through, 1, z.Grid, z.Range)
	}
	if err != nil {
		return nil, err
	}
	if through != nil && len(p.Anchors) > 0 {
		p.Anchors[0].Name = fmt.Sprintf("#%d", spec.Images[0])
	}
	return p, nil
}
