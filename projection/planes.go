package projection

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// DataPlane returns the plane through images x1, x2, x3 of Somepalli et al., "Can Neural Nets
// Learn the Same Model Twice? Investigating Reproducibility and Double Descent from the Decision
// Boundary Perspective" (CVPR 2022):
//
//	e1 = (x2−x1)/‖x2−x1‖,  w = (x3−x1) − ((x3−x1)·e1) e1,  e2 = w/‖w‖.
//
// The images sit at (0,0), (‖x2−x1‖,0) and ((x3−x1)·e1, ‖w‖). The grid spans their bounding box
// widened by margin times its width and height on each side (margin < 0 means the default 0.1),
// n points per axis with both ends included. Point(i,j) = x1 + S[i] e1 + T[j] e2.
// It returns an error if the images are identical or collinear.
func DataPlane(shape [3]int, x1, x2, x3 []float32, n int, margin float64) (*Probe, error) {
	if err := checkImages(shape, x1, x2, x3); err != nil {
		return nil, err
	}
	if err := checkAxis(n); err != nil {
		return nil, err
	}
	if margin < 0 {
		margin = 0.1
	}
	a, b, c := to64(x1), to64(x2), to64(x3)
	e1 := sub(b, a)
	d12 := norm(e1)
	if d12 == 0 {
		return nil, fmt.Errorf("projection: data plane: images 1 and 2 are identical")
	}
	scale(1/d12, e1)
	w := sub(c, a)
	d13 := norm(w)
	p := dot(w, e1)
	axpy(-p, e1, w)
	h := norm(w)
	// float32 images carry relative rounding of ~1e-7: a height below 1e-5 of the sides is a line.
	if h <= 1e-5*math.Max(d12, d13) {
		return nil, fmt.Errorf("projection: data plane: the three images are collinear")
	}
	scale(1/h, w)
	lo, hi := math.Min(0, p), math.Max(d12, p)
	mw, mh := margin*(hi-lo), margin*h
	return &Probe{
		Kind:    "data",
		Origin:  append([]float32(nil), x1...),
		Dirs:    [][]float32{to32(e1), to32(w)},
		S:       Linspace(lo-mw, hi+mw, n),
		T:       Linspace(-mh, h+mh, n),
		Anchors: []Anchor{{Name: "x1", S: 0, T: 0}, {Name: "x2", S: d12, T: 0}, {Name: "x3", S: p, T: h}},
		Edges:   [][2]int{{0, 1}, {1, 2}, {2, 0}},
		Shape:   shape,
	}, nil
}

// RandomPlane returns a plane through x0 spanned by two Gaussian directions drawn from seed,
// orthonormalised by Gram–Schmidt and scaled to length scale (scale ≤ 0 means ‖x0‖, as in the
// design). Coordinates run over [−r, r] on both axes with n points each (r ≤ 0 means 1).
func RandomPlane(shape [3]int, x0 []float32, seed uint64, n int, r, scaleTo float64) (*Probe, error) {
	if err := checkImages(shape, x0); err != nil {
		return nil, err
	}
	if err := checkPlaneSpace("random", shape); err != nil {
		return nil, err
	}
	if err := checkAxis(n); err != nil {
		return nil, err
	}
	if r <= 0 {
		r = 1
	}
	o := to64(x0)
	if scaleTo <= 0 {
		scaleTo = norm(o)
		if scaleTo == 0 {
			return nil, fmt.Errorf("projection: random plane: the image is all zeros; give a scale")
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	u, v := gaussian(rng, len(o)), gaussian(rng, len(o))
	scale(1/norm(u), u)
	axpy(-dot(v, u), u, v)
	scale(1/norm(v), v)
	scale(scaleTo, u)
	scale(scaleTo, v)
	return &Probe{
		Kind:    "random",
		Origin:  append([]float32(nil), x0...),
		Dirs:    [][]float32{to32(u), to32(v)},
		S:       symmetricSpace(r, n),
		T:       symmetricSpace(r, n),
		Anchors: []Anchor{{Name: "x0"}},
		Shape:   shape,
	}, nil
}

// FlipPlane returns the plane that separates image x into its mirror-symmetric and antisymmetric
// parts under a horizontal flip (reversing the W axis): c = (x + flip x)/2, a = (x − flip x)/2,
// e1 = a/‖a‖ and e2 a flip-invariant unit direction (r + flip r for a Gaussian r drawn from seed,
// orthonormalised against e1). The origin is c; x sits at (‖a‖, 0) and flip x at (−‖a‖, 0).
// A flip-invariant function gives a surface mirror-symmetric about s = 0, and the s coordinates are
// exact negatives of each other so that |f(s,t) − f(−s,t)| is measured without rounding error.
// Both axes span [−(1+margin)‖a‖, (1+margin)‖a‖] (margin < 0 means 0.1). It returns an error for
// an image that is already mirror-symmetric.
func FlipPlane(shape [3]int, x []float32, seed uint64, n int, margin float64) (*Probe, error) {
	if err := checkImages(shape, x); err != nil {
		return nil, err
	}
	if err := checkAxis(n); err != nil {
		return nil, err
	}
	if margin < 0 {
		margin = 0.1
	}
	xs := to64(x)
	fx := Flip(shape, xs)
	c, a := make([]float64, len(xs)), make([]float64, len(xs))
	for i := range xs {
		c[i] = (xs[i] + fx[i]) / 2
		a[i] = (xs[i] - fx[i]) / 2
	}
	na := norm(a)
	if na <= 1e-9*math.Max(norm(c), 1) {
		return nil, fmt.Errorf("projection: flip plane: the image is mirror-symmetric (no antisymmetric part)")
	}
	scale(1/na, a)
	rng := rand.New(rand.NewPCG(seed, 0xf11b))
	r := gaussian(rng, len(xs))
	fr := Flip(shape, r)
	for i := range r {
		r[i] += fr[i]
	}
	axpy(-dot(r, a), a, r)
	scale(1/norm(r), r)
	R := (1 + margin) * na
	return &Probe{
		Kind:    "flip",
		Origin:  to32(c),
		Dirs:    [][]float32{to32(a), to32(r)},
		S:       symmetricSpace(R, n),
		T:       symmetricSpace(R, n),
		Anchors: []Anchor{{Name: "x", S: na}, {Name: "flip x", S: -na}},
		Edges:   [][2]int{{0, 1}},
		Shape:   shape,
	}, nil
}

// MixupLine returns the line x(λ) = (1−λ) xi + λ xj of mixup (Zhang et al., "mixup: Beyond
// Empirical Risk Minimization", ICLR 2018) at m values of λ from lo to hi with both ends included
// ([0, 1] when lo == hi; an extended range such as [−0.5, 1.5] shows the function beyond the pair).
func MixupLine(shape [3]int, xi, xj []float32, m int, lo, hi float64) (*Probe, error) {
	if err := checkImages(shape, xi, xj); err != nil {
		return nil, err
	}
	if err := checkAxis(m); err != nil {
		return nil, err
	}
	if lo == hi {
		lo, hi = 0, 1
	}
	if lo > hi {
		return nil, fmt.Errorf("projection: mixup line: range [%g, %g] is empty", lo, hi)
	}
	d := make([]float32, len(xi))
	moves := false
	for k := range d {
		d[k] = xj[k] - xi[k]
		moves = moves || d[k] != 0
	}
	if !moves {
		return nil, fmt.Errorf("projection: mixup line: the two images are identical (a line of length zero)")
	}
	return &Probe{
		Kind:    "mixup",
		Origin:  append([]float32(nil), xi...),
		Dirs:    [][]float32{d},
		S:       Linspace(lo, hi, m),
		Anchors: []Anchor{{Name: "xi", S: 0}, {Name: "xj", S: 1}},
		Edges:   [][2]int{{0, 1}},
		Shape:   shape,
	}, nil
}

// Flip returns the image x of shape [C,H,W] mirrored horizontally (the W axis reversed).
func Flip[T float32 | float64](shape [3]int, x []T) []T {
	out := make([]T, len(x))
	w := shape[2]
	for row := 0; row < len(x)/w; row++ {
		for k := 0; k < w; k++ {
			out[row*w+k] = x[row*w+w-1-k]
		}
	}
	return out
}

func gaussian(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}
