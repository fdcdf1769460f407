package surface

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/projection"
)

// Grid holds a net's outputs sampled over a probe: K values per grid point, stored row-major with
// rows along the probe's second coordinate, [NY][NX][K], as DESIGN.md fixes. A line has NY = 1.
type Grid struct {
	NX, NY, K int
	// S and T are the coordinates along the probe's axes; T is nil for a line.
	S, T []float64
	// Values holds NY·NX·K logits.
	Values []float32
	// Probe is the probe the grid was sampled on (anchors, directions), or nil.
	Probe *projection.Probe
}

// At returns value k at grid point (i, j).
func (g *Grid) At(i, j, k int) float32 { return g.Values[(j*g.NX+i)*g.K+k] }

// Point returns the K values at grid point (i, j) as a slice of Values.
func (g *Grid) Point(i, j int) []float32 {
	o := (j*g.NX + i) * g.K
	return g.Values[o : o+g.K]
}

// Shape returns the NPY shape of the grid: [NY, NX, K] for a plane and [NX, K] for a line.
func (g *Grid) Shape() []int {
	if g.T == nil {
		return []int{g.NX, g.K}
	}
	return []int{g.NY, g.NX, g.K}
}

// Channel returns a view of one output of the grid as a height field.
func (g *Grid) Channel(k int) *Field {
	if k < 0 || k >= g.K {
		panic(fmt.Sprintf("surface: channel %d of %d", k, g.K))
	}
	return &Field{NX: g.NX, NY: g.NY, Xs: g.S, Ys: g.T, Values: g.Values, Stride: g.K, Offset: k}
}

// Field is a scalar map over a grid: height Z(i, j) at coordinates (Xs[i], Ys[j]). It is what the
// renderer draws (it satisfies the renderer's Dims/Z interface) and what the analyses return.
type Field struct {
	NX, NY int
	Xs, Ys []float64
	Values []float32
	// Stride and Offset select a channel from interleaved values: Z(i,j) = Values[(j·NX+i)·Stride+Offset].
	// Stride 0 means 1.
	Stride, Offset int
}

// NewField returns a field with its own zeroed values.
func NewField(nx, ny int, x, y []float64) *Field {
	return &Field{NX: nx, NY: ny, Xs: x, Ys: y, Values: make([]float32, nx*ny)}
}

// Dims returns the number of points along each axis.
func (f *Field) Dims() (nx, ny int) { return f.NX, f.NY }

// Z returns the value at (i, j).
func (f *Field) Z(i, j int) float64 {
	s := f.Stride
	if s == 0 {
		s = 1
	}
	return float64(f.Values[(j*f.NX+i)*s+f.Offset])
}

// X returns the coordinate of column i (i itself when Xs is nil).
func (f *Field) X(i int) float64 {
	if f.Xs == nil {
		return float64(i)
	}
	return f.Xs[i]
}

// Y returns the coordinate of row j (j itself when Ys is nil).
func (f *Field) Y(j int) float64 {
	if f.Ys == nil {
		return float64(j)
	}
	return f.Ys[j]
}

// Range returns the smallest and largest finite values; both are NaN when there are none.
func (f *Field) Range() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for j := 0; j < f.NY; j++ {
		for i := 0; i < f.NX; i++ {
			v := f.Z(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}
