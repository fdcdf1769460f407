package app

import (
	"fmt"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
)

// pcaImages is the number of images of a split whose principal components span a PCA plane.
const pcaImages = 10000

// BuildProbe makes the probe spec describes over the images of set, shaped shape. Besides the
// kinds projection.Spec.Build makes, it makes grad:I,SEED — the adversarial plane through image I,
// along the input gradient of the loss against I's label computed by grader — and pca / pca:I, the
// plane of the first pcaImages images' two leading principal components, through their mean or
// image I. Anchors that are images are named "#I" so that pictures can show them.
func BuildProbe(spec projection.Spec, shape [3]int, grader surface.InputGrader, set *dataset.Set, z projection.Sizes) (*projection.Probe, error) {
	image := func(i int) ([]float32, error) {
		if i < 0 || i >= set.Len() {
			return nil, fmt.Errorf("image %d is out of range: %s has %d images (0 to %d)", i, set.Name, set.Len(), set.Len()-1)
		}
		return set.Image(i), nil
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
			return nil, fmt.Errorf("an adversarial plane needs a model")
		}
		p, err = surface.AdversarialPlane(grader, shape, through, set.Labels[spec.Images[0]], spec.Seed, z.Grid, z.Range)
	} else {
		n := min(set.Len(), pcaImages)
		p, err = projection.PCAPlane(shape, set.Images[:n*set.ImageSize()], through, 1, z.Grid, z.Range)
	}
	if err != nil {
		return nil, err
	}
	if through != nil && len(p.Anchors) > 0 {
		p.Anchors[0].Name = fmt.Sprintf("#%d", spec.Images[0])
	}
	return p, nil
}
