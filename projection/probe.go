package projection

import (
	"fmt"
	"math"
)

// MaxAxis is the largest number of grid points along one axis of a probe. A 4096x4096 plane is
// 16.7 million forward passes; anything larger is almost certainly a typing mistake.
const MaxAxis = 4096

// Anchor is a named point of a probe in its own coordinates, such as the three images of a data plane.
type Anchor struct {
	Name string  // e.g. "x1", "test[17]", "flip x"
	S, T float64 // coordinates along the first and second direction
}

// Probe is an affine family of points in input space sampled on a grid:
//
//	Point(i, j) = Origin + S[i]·Dirs[0] + T[j]·Dirs[1]
//
// A line has one direction and T is nil. Every probe surfscope offers (data, random and flip planes,
// mixup lines) is of this form, which the sampler exploits: the first layer of a net is affine too.
type Probe struct {
	Kind    string // "data", "random", "flip", "mixup"
	Origin  []float32
	Dirs    [][]float32
	S, T    []float64
	Anchors []Anchor
	// Edges joins anchors by index (the triangle of a data plane: its sides are mixup lines).
	Edges [][2]int
	// Shape is the per-sample image shape [C, H, W] the points live in.
	Shape [3]int
}

// Dims returns the number of grid points along each axis; ny is 1 for a line.
func (p *Probe) Dims() (nx, ny int) {
	if len(p.Dirs) == 1 {
		return len(p.S), 1
	}
	return len(p.S), len(p.T)
}

// Len returns the number of grid points.
func (p *Probe) Len() int {
	nx, ny := p.Dims()
	return nx * ny
}

// Coef writes the coefficients of point k (row-major: k = j·nx + i) into dst, one per direction.
func (p *Probe) Coef(dst []float32, k int) {
	nx := len(p.S)
	dst[0] = float32(p.S[k%nx])
	if len(p.Dirs) > 1 {
		dst[1] = float32(p.T[k/nx])
	}
}

// Point writes point k (row-major: k = j·nx + i) into dst, which must have len(Origin) elements,
// computing in float64 and rounding once.
func (p *Probe) Point(dst []float32, k int) {
	nx := len(p.S)
	s := p.S[k%nx]
	t := 0.0
	if len(p.Dirs) > 1 {
		t = p.T[k/nx]
	}
	for d, o := range p.Origin {
		v := float64(o) + s*float64(p.Dirs[0][d])
		if len(p.Dirs) > 1 {
			v += t * float64(p.Dirs[1][d])
		}
		dst[d] = float32(v)
	}
}

// Linspace returns n evenly spaced values from lo to hi with both ends included, like numpy.linspace.
func Linspace(lo, hi float64, n int) []float64 {
	v := make([]float64, n)
	if n == 1 {
		v[0] = lo
		return v
	}
	for i := range v {
		v[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	v[n-1] = hi
	return v
}

// symmetricSpace returns n values from −r to r that are exact negatives of each other
// (v[n−1−i] == −v[i]), so that mirror symmetry about 0 can be tested without rounding error.
func symmetricSpace(r float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r * float64(2*i-(n-1)) / float64(n-1)
	}
	return v
}

func checkAxis(n int) error {
	if n < 2 || n > MaxAxis {
		return fmt.Errorf("projection: %d grid points per axis; want 2 to %d", n, MaxAxis)
	}
	return nil
}

// checkPlaneSpace returns an error when images of shape have fewer than two values: a plane
// needs two orthonormal directions, and a space of one dimension has only one.
func checkPlaneSpace(kind string, shape [3]int) error {
	if d := shape[0] * shape[1] * shape[2]; d < 2 {
		return fmt.Errorf("projection: %s plane: images of %dx%dx%d hold %d value; a plane needs at least 2", kind, shape[0], shape[1], shape[2], d)
	}
	return nil
}

func checkImages(shape [3]int, imgs ...[]float32) error {
	size := shape[0] * shape[1] * shape[2]
	if size <= 0 {
		return fmt.Errorf("projection: bad image shape %v", shape)
	}
	for k, x := range imgs {
		if len(x) != size {
			return fmt.Errorf("projection: image %d has %d values, shape %v needs %d", k+1, len(x), shape, size)
		}
		for i, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("projection: image %d has %v at %d", k+1, v, i)
			}
		}
	}
	return nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func to64(x []float32) []float64 {
	v := make([]float64, len(x))
	for i, f := range x {
		v[i] = float64(f)
	}
	return v
}

func to32(x []float64) []float32 {
	v := make([]float32, len(x))
	for i, f := range x {
		v[i] = float32(f)
	}
	return v
}

// sub returns a − b.
func sub(a, b []float64) []float64 {
	v := make([]float64, len(a))
	for i := range a {
		v[i] = a[i] - b[i]
	}
	return v
}

// axpy sets y += alpha·x.
func axpy(alpha float64, x, y []float64) {
	for i := range x {
		y[i] += alpha * x[i]
	}
}

func scale(alpha float64, x []float64) {
	for i := range x {
		x[i] *= alpha
	}
}
