package surface

import (
	"fmt"
	"math"
)

// Derivatives holds the first and second partial derivatives of a height field z = f(s, t) over its
// grid, by finite differences on evenly spaced coordinates: second-order central differences inside,
//
//	f_s ≈ (f[i+1] − f[i−1]) / 2h,    f_ss ≈ (f[i+1] − 2f[i] + f[i−1]) / h²,
//
// and second-order one-sided differences at the edges, f_s ≈ (−3f[0] + 4f[1] − f[2]) / 2h and
// f_ss ≈ (2f[0] − 5f[1] + 4f[2] − f[3]) / h² (as numpy.gradient with edge_order=2; Fornberg,
// "Generation of finite difference formulas on arbitrarily spaced grids", Math. Comp. 1988).
// The mixed derivative f_st applies the first-derivative operator along s to f_t. All formulas are
// exact for quadratics. For a line (NY = 1) the t derivatives are nil.
type Derivatives struct {
	Fs, Ft, Fss, Fst, Ftt *Field
}

// Differentiate returns the finite-difference derivatives of f. It returns an error when an axis
// with derivatives has fewer than 3 points or uneven coordinates.
func Differentiate(f *Field) (*Derivatives, error) {
	d, err := differentiate(f)
	if err != nil {
		return nil, err
	}
	out := &Derivatives{Fs: d.field(f, d.fs), Fss: d.field(f, d.fss)}
	if d.ft != nil {
		out.Ft, out.Fst, out.Ftt = d.field(f, d.ft), d.field(f, d.fst), d.field(f, d.ftt)
	}
	return out, nil
}

// derivs are Derivatives in float64, row-major [NY][NX].
type derivs struct {
	nx, ny                int
	fs, ft, fss, fst, ftt []float64
}

func (d *derivs) field(f *Field, v []float64) *Field {
	out := NewField(f.NX, f.NY, f.Xs, f.Ys)
	for k, x := range v {
		out.Values[k] = float32(x)
	}
	return out
}

func differentiate(f *Field) (*derivs, error) {
	nx, ny := f.NX, f.NY
	hx, err := spacing(f, nx, f.X)
	if err != nil {
		return nil, fmt.Errorf("surface: derivatives along s: %v", err)
	}
	z := make([]float64, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			z[j*nx+i] = f.Z(i, j)
		}
	}
	d := &derivs{nx: nx, ny: ny}
	d.fs = applyRows(z, nx, ny, func(dst, src []float64) { diff1(dst, src, hx) })
	d.fss = applyRows(z, nx, ny, func(dst, src []float64) { diff2(dst, src, hx) })
	if ny == 1 {
		return d, nil
	}
	hy, err := spacing(f, ny, f.Y)
	if err != nil {
		return nil, fmt.Errorf("surface: derivatives along t: %v", err)
	}
	d.ft = applyCols(z, nx, ny, func(dst, src []float64) { diff1(dst, src, hy) })
	d.ftt = applyCols(z, nx, ny, func(dst, src []float64) { diff2(dst, src, hy) })
	d.fst = applyRows(d.ft, nx, ny, func(dst, src []float64) { diff1(dst, src, hx) })
	return d, nil
}

// spacing returns the step of n evenly spaced coordinates, or an error.
func spacing(f *Field, n int, coord func(int) float64) (float64, error) {
	if n < 3 {
		return 0, fmt.Errorf("%d points; finite differences need at least 3", n)
	}
	h := (coord(n-1) - coord(0)) / float64(n-1)
	if h == 0 || math.IsNaN(h) {
		return 0, fmt.Errorf("coordinates span nothing")
	}
	for i := 1; i < n; i++ {
		if math.Abs(coord(i)-coord(i-1)-h) > 1e-6*math.Abs(h) {
			return 0, fmt.Errorf("coordinates are not evenly spaced (step %d is %g, mean step %g)", i, coord(i)-coord(i-1), h)
		}
	}
	return h, nil
}

func applyRows(z []float64, nx, ny int, op func(dst, src []float64)) []float64 {
	out := make([]float64, len(z))
	for j := 0; j < ny; j++ {
		op(out[j*nx:(j+1)*nx], z[j*nx:(j+1)*nx])
	}
	return out
}

func applyCols(z []float64, nx, ny int, op func(dst, src []float64)) []float64 {
	out := make([]float64, len(z))
	col, res := make([]float64, ny), make([]float64, ny)
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			col[j] = z[j*nx+i]
		}
		op(res, col)
		for j := 0; j < ny; j++ {
			out[j*nx+i] = res[j]
		}
	}
	return out
}

// diff1 writes the first derivative of f (n ≥ 3 samples at step h) into dst.
func diff1(dst, f []float64, h float64) {
	n := len(f)
	for i := 1; i < n-1; i++ {
		dst[i] = (f[i+1] - f[i-1]) / (2 * h)
	}
	dst[0] = (-3*f[0] + 4*f[1] - f[2]) / (2 * h)
	dst[n-1] = (3*f[n-1] - 4*f[n-2] + f[n-3]) / (2 * h)
}

// diff2 writes the second derivative of f (n ≥ 3 samples at step h) into dst.
func diff2(dst, f []float64, h float64) {
	n := len(f)
	h2 := h * h
	for i := 1; i < n-1; i++ {
		dst[i] = (f[i+1] - 2*f[i] + f[i-1]) / h2
	}
	if n == 3 {
		dst[0], dst[2] = dst[1], dst[1]
		return
	}
	dst[0] = (2*f[0] - 5*f[1] + 4*f[2] - f[3]) / h2
	dst[n-1] = (2*f[n-1] - 5*f[n-2] + 4*f[n-3] - f[n-4]) / h2
}
