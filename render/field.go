package render

import "fmt"

// Field is a grid of heights: nx columns along x by ny rows along y, Z(i, j)
// at column i and row j. NaN and ±Inf values are gaps in the surface.
//
// A Field may also have coordinates, found by type assertion:
//
//	X(i int) float64 // x of column i; default i
//	Y(j int) float64 // y of row j; default j
//
// Coordinates must be finite; they need not be evenly spaced.
// This is the shape of gonum/plot's GridXYZ.
type Field interface {
	Dims() (nx, ny int)
	Z(i, j int) float64
}

type xCoords interface{ X(i int) float64 }
type yCoords interface{ Y(j int) float64 }

// fieldX returns the x coordinate of column i.
func fieldX(f Field, i int) float64 {
	if x, ok := f.(xCoords); ok {
		return x.X(i)
	}
	return float64(i)
}

// fieldY returns the y coordinate of row j.
func fieldY(f Field, j int) float64 {
	if y, ok := f.(yCoords); ok {
		return y.Y(j)
	}
	return float64(j)
}

// Grid is a Field held in memory: Values[j*NX+i] is the value at column i,
// row j (row-major, rows along y, as surfscope's grids and NPY files are).
// Xs and Ys, when not nil, are the coordinates of the columns and rows.
type Grid struct {
	NX, NY int
	Values []float64
	Xs, Ys []float64
}

// Dims returns NX, NY.
func (g *Grid) Dims() (nx, ny int) { return g.NX, g.NY }

// Z returns Values[j*NX+i].
func (g *Grid) Z(i, j int) float64 { return g.Values[j*g.NX+i] }

// X returns Xs[i], or i when Xs is nil.
func (g *Grid) X(i int) float64 {
	if g.Xs == nil {
		return float64(i)
	}
	return g.Xs[i]
}

// Y returns Ys[j], or j when Ys is nil.
func (g *Grid) Y(j int) float64 {
	if g.Ys == nil {
		return float64(j)
	}
	return g.Ys[j]
}

// Check reports an error when the slices do not match NX and NY.
func (g *Grid) Check() error {
	switch {
	case g.NX < 0 || g.NY < 0:
		return fmt.Errorf("render: grid dims %dx%d", g.NX, g.NY)
	case len(g.Values) != g.NX*g.NY:
		return fmt.Errorf("render: grid %dx%d has %d values", g.NX, g.NY, len(g.Values))
	case g.Xs != nil && len(g.Xs) != g.NX:
		return fmt.Errorf("render: grid has %d columns but %d x coordinates", g.NX, len(g.Xs))
	case g.Ys != nil && len(g.Ys) != g.NY:
		return fmt.Errorf("render: grid has %d rows but %d y coordinates", g.NY, len(g.Ys))
	}
	return nil
}
