package projection

import (
	"fmt"
	"strconv"
	"strings"
)

// Spec is a probe described by text, as the command line and the app's "copy command" write it:
//
//	data:I,J,K     the data plane through images I, J and K
//	mixup:I,J      the mixup line from image I to image J
//	random:I,SEED  a random plane through image I
//	flip:I,SEED    the flip plane of image I
//	grad:I,SEED    the adversarial plane through image I (the loss gradient and a random direction)
//	pca, pca:I     the plane of the split's two leading principal components, through its mean or image I
//
// Image numbers are 0-based positions in a dataset split. Build makes the first four; grad and pca
// need the net's gradient or the whole split and are made by surface.BuildProbe, which makes every kind.
type Spec struct {
	Kind   string
	Images []int
	Seed   uint64
}

// ParseSpec parses the text form of a probe.
func ParseSpec(s string) (Spec, error) {
	if s == "pca" {
		return Spec{Kind: "pca"}, nil
	}
	kind, args, ok := strings.Cut(s, ":")
	if !ok {
		return Spec{}, fmt.Errorf("probe %q: want data:I,J,K, mixup:I,J, random:I,SEED or flip:I,SEED", s)
	}
	parts := strings.Split(args, ",")
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseUint(strings.TrimSpace(p), 10, 64)
		if err != nil {
			return Spec{}, fmt.Errorf("probe %q: %q is not a non-negative integer", s, p)
		}
		nums[i] = v
	}
	want := map[string]int{"data": 3, "mixup": 2, "random": 2, "flip": 2, "grad": 2, "pca": 1}[kind]
	if want == 0 {
		return Spec{}, fmt.Errorf("probe %q: unknown kind %q (data, mixup, random, flip, grad, pca)", s, kind)
	}
	if len(nums) != want {
		return Spec{}, fmt.Errorf("probe %q: %s takes %d numbers, got %d", s, kind, want, len(nums))
	}
	sp := Spec{Kind: kind}
	nImages := want
	if kind == "random" || kind == "flip" || kind == "grad" {
		nImages = 1
		sp.Seed = nums[1]
	}
	for _, v := range nums[:nImages] {
		if v > 1<<31 {
			return Spec{}, fmt.Errorf("probe %q: image %d out of range", s, v)
		}
		sp.Images = append(sp.Images, int(v))
	}
	if kind == "data" && (sp.Images[0] == sp.Images[1] || sp.Images[1] == sp.Images[2] || sp.Images[0] == sp.Images[2]) {
		return Spec{}, fmt.Errorf("probe %q: a data plane needs three different images", s)
	}
	if kind == "mixup" && sp.Images[0] == sp.Images[1] {
		return Spec{}, fmt.Errorf("probe %q: a mixup line needs two different images (from image %d to itself it has length zero)", s, sp.Images[0])
	}
	return sp, nil
}

// String returns the text form ParseSpec reads.
func (s Spec) String() string {
	var nums []string
	for _, i := range s.Images {
		nums = append(nums, strconv.Itoa(i))
	}
	if s.Kind == "random" || s.Kind == "flip" || s.Kind == "grad" {
		nums = append(nums, strconv.FormatUint(s.Seed, 10))
	}
	if len(nums) == 0 {
		return s.Kind
	}
	return s.Kind + ":" + strings.Join(nums, ",")
}

// Sizes sets the resolution and extent of the probe a Spec builds; zero values mean the defaults.
type Sizes struct {
	Grid   int     // points per axis of a plane (default 64)
	Points int     // points along a line (default 101)
	Margin float64 // data and flip planes (default 0.1; negative means 0)
	Range  float64 // random planes: coordinates in [−Range, Range] (default 1)
	Lo, Hi float64 // mixup lines: λ from Lo to Hi (default 0 to 1)
}

// Build makes the probe. image returns image i of the split (an error for an index out of range).
func (s Spec) Build(shape [3]int, image func(i int) ([]float32, error), z Sizes) (*Probe, error) {
	if z.Grid == 0 {
		z.Grid = 64
	}
	if z.Points == 0 {
		z.Points = 101
	}
	switch {
	case z.Margin == 0:
		z.Margin = 0.1
	case z.Margin < 0:
		z.Margin = 0
	}
	imgs := make([][]float32, len(s.Images))
	for k, i := range s.Images {
		x, err := image(i)
		if err != nil {
			return nil, err
		}
		imgs[k] = x
	}
	var p *Probe
	var err error
	switch s.Kind {
	case "data":
		p, err = DataPlane(shape, imgs[0], imgs[1], imgs[2], z.Grid, z.Margin)
	case "mixup":
		p, err = MixupLine(shape, imgs[0], imgs[1], z.Points, z.Lo, z.Hi)
	case "random":
		p, err = RandomPlane(shape, imgs[0], s.Seed, z.Grid, z.Range, 0)
	case "flip":
		p, err = FlipPlane(shape, imgs[0], s.Seed, z.Grid, z.Margin)
	case "grad", "pca":
		return nil, fmt.Errorf("projection: %s probes need the net's gradient or the whole split; Build does not make them", s.Kind)
	default:
		return nil, fmt.Errorf("projection: unknown probe kind %q", s.Kind)
	}
	if err != nil {
		return nil, err
	}
	for k, i := range s.Images {
		if k < len(p.Anchors) {
			p.Anchors[k].Name = fmt.Sprintf("#%d", i)
		}
	}
	if s.Kind == "flip" {
		p.Anchors[1].Name = fmt.Sprintf("flip #%d", s.Images[0])
	}
	return p, nil
}
