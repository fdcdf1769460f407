package surface

import (
	"fmt"
	"math"
)

// Polynomial degree of a sampled function: the least-squares fit by polynomials of total degree
// ≤ d in the plane's coordinates (along a line: T_0(u) … T_d(u); over a plane the products
// T_a(u) T_b(v) with a + b ≤ d, which span exactly the polynomials of total degree ≤ d, so the
// degree does not depend on how the plane's axes are turned), where u and v map the grid's
// coordinate ranges onto [−1, 1] (Trefethen, "Approximation Theory and Approximation Practice",
// SIAM 2013, ch. 3–4).
//
// The rule: the effective degree is the smallest d whose fit leaves less than Threshold (1%) of
// the variance, Σ (f − fit_d)² < Threshold · Σ (f − mean f)², pooled over the K outputs of a grid
// (sums over all outputs on both sides). A constant function has degree 0. Degrees go up to the
// cap min(MaxDegree, max(1, ⌊n/4⌋)) for n points on the shorter axis, about four samples per
// degree, so that the fit neither interpolates the samples nor mistakes an aliased oscillation for
// a polynomial; a function that needs more gets Degree = cap + 1 and Saturated = true.
//
// Aliasing guard. Samples cannot tell a function from its aliases, so the degree is checked at a
// second resolution:
//   - half resolution: the fit is repeated on every other sample (⌈n/2⌉ per axis, cap
//     min(cap, ⌊(⌈n/2⌉−1)/2⌋)); content between half and full Nyquist (sin(60x) on 21 points of
//     [0, 1]) changes the degree there;
//   - half the step, when the function can be evaluated (DegreeOptions.OffGrid; Summarize supplies
//     it from the net): the fit of degree d is compared with the function at the centres of the
//     grid cells; an oscillation already aliased on the grid (sin(60x) on 21 points of [−1, 1],
//     sample for sample equal to sin(−2.83x), a smooth cubic at 1%) misses them by far more than
//     the rule allows (more than 5 × Threshold of the variance).
//
// A disagreement is a miss by more than 5 × Threshold (at the half resolution's fit of the full
// degree, the full resolution's fit of the half degree, or between the samples); near the
// threshold the degree may differ by one between resolutions without any aliasing. Either
// disagreement sets Aliased: the function varies faster than the grid resolves, and Degree
// is reported as saturated (cap + 1) with GridDegree keeping what the samples alone suggested.
// Without OffGrid an alias that the grid and its half both see identically cannot be detected.
//
// The fits are exact least squares: the Chebyshev columns are orthonormalised by classical
// Gram–Schmidt applied twice (Giraud et al., "Rounding error analysis of the classical Gram–Schmidt
// orthogonalization process", Numer. Math. 2005), whose first d+1 columns span the polynomials of
// degree ≤ d, so all degrees come from one projection: the coefficients m[b][a] of Z in the
// orthonormal product basis q_b(v) q_a(u), of which the total-degree-d fit keeps a + b ≤ d.

// DegreeOptions tunes PolynomialDegree; the zero value means the defaults.
type DegreeOptions struct {
	MaxDegree int     // default 20
	Threshold float64 // residual variance share; default 0.01
	// OffGrid, when not nil, evaluates the function at points (s, t) of the grid's plane (t = 0
	// on a line) and returns K values per point, every output of the grid in order; the aliasing
	// guard uses it at the centres of the grid cells.
	OffGrid func(points [][2]float64) ([]float32, error)
}

// DegreeFit is the outcome of PolynomialDegree.
type DegreeFit struct {
	Degree int `json:"degree"`
	// Saturated says the function needs more than the cap (Degree = Cap + 1).
	Saturated bool `json:"saturated,omitempty"`
	Cap       int  `json:"cap"`
	// Aliased says the fit at a second resolution disagreed (see the package text): the function
	// varies faster than the grid resolves. Degree is then Cap + 1 and GridDegree the degree the
	// grid's samples alone gave.
	Aliased    bool `json:"aliased,omitempty"`
	GridDegree int  `json:"grid_degree"`
	// HalfDegree is the degree fitted on every other sample (−1 when the grid is too small).
	HalfDegree int `json:"half_degree"`
	// OffGridResidual is the share of the variance the degree-GridDegree fit leaves at the cell
	// centres, when OffGrid was given and the grid degree was below the cap.
	OffGridResidual *float64 `json:"off_grid_residual,omitempty"`
	// Residual[d] is the share of variance left by the fit of degree d, for d = 0 … Cap.
	Residual []float64 `json:"residual"`
}

// PolynomialDegree returns the effective degree of the outputs channels of g (nil means all K),
// pooled as described above. It returns an error for an axis with fewer than 3 points, and
// OffGrid's error.
func PolynomialDegree(g *Grid, channels []int, opt *DegreeOptions) (DegreeFit, error) {
	if channels == nil {
		for k := 0; k < g.K; k++ {
			channels = append(channels, k)
		}
	}
	zs := make([][]float64, len(channels))
	for c, k := range channels {
		checkClass(g, k)
		z := make([]float64, g.NX*g.NY)
		for q := range z {
			z[q] = float64(g.Values[q*g.K+k])
		}
		zs[c] = z
	}
	d := degreeData{zs: zs, nx: g.NX, ny: g.NY, s: g.S, t: g.T, channels: channels, k: g.K}
	return d.fit(opt)
}

// FieldDegree is PolynomialDegree for one height field (no off-grid check: a field cannot be
// evaluated between its points).
func FieldDegree(f *Field, opt *DegreeOptions) (DegreeFit, error) {
	z := make([]float64, f.NX*f.NY)
	xs, ys := make([]float64, f.NX), []float64(nil)
	for i := range xs {
		xs[i] = f.X(i)
	}
	if f.NY > 1 {
		ys = make([]float64, f.NY)
		for j := range ys {
			ys[j] = f.Y(j)
		}
	}
	for j := 0; j < f.NY; j++ {
		for i := 0; i < f.NX; i++ {
			z[j*f.NX+i] = f.Z(i, j)
		}
	}
	var o DegreeOptions
	if opt != nil {
		o = *opt
	}
	o.OffGrid = nil
	d := degreeData{zs: [][]float64{z}, nx: f.NX, ny: f.NY, s: xs, t: ys, channels: []int{0}, k: 1}
	return d.fit(&o)
}

// degreeData is what a degree fit reads: the channels' values row-major on an nx×ny grid with
// coordinates s, t (t nil on a line), and which of k outputs they are.
type degreeData struct {
	zs       [][]float64
	nx, ny   int
	s, t     []float64
	channels []int
	k        int
}

func (d *degreeData) fit(opt *DegreeOptions) (DegreeFit, error) {
	var o DegreeOptions
	if opt != nil {
		o = *opt
	}
	if o.MaxDegree <= 0 {
		o.MaxDegree = 20
	}
	if o.Threshold <= 0 {
		o.Threshold = 0.01
	}
	short := d.nx
	if d.ny > 1 {
		short = min(d.nx, d.ny)
	}
	if short < 3 {
		return DegreeFit{}, fmt.Errorf("surface: degree: %d points on an axis; the fit needs at least 3", short)
	}
	D := min(o.MaxDegree, max(1, short/4))
	ls := leastSquares(d.zs, d.nx, d.ny, D)
	fit := DegreeFit{Cap: D, Residual: ls.residual, HalfDegree: -1}
	fit.Degree, fit.Saturated = ls.degree(o.Threshold)
	fit.GridDegree = fit.Degree
	if half := (short + 1) / 2; half >= 4 {
		h := d.everyOther()
		hf := leastSquares(h.zs, h.nx, h.ny, min(D, (half-1)/2))
		fit.HalfDegree, _ = hf.degree(o.Threshold)
		fit.Aliased = disagree(ls, hf, fit.Degree, fit.HalfDegree, o.Threshold)
	}
	if o.OffGrid != nil && !fit.Saturated {
		share, err := d.offGridResidual(ls, fit.Degree, o.OffGrid)
		if err != nil {
			return DegreeFit{}, err
		}
		fit.OffGridResidual = &share
		if share > aliasFactor*o.Threshold {
			fit.Aliased = true
		}
	}
	if fit.Aliased {
		fit.Degree, fit.Saturated = D+1, true
	}
	return fit, nil
}

// aliasFactor is how far beyond the threshold a second fit must miss before the two disagree:
// near the threshold the degree may differ by one between resolutions without any aliasing.
const aliasFactor = 5

// disagree reports whether the fits at full and half resolution (degrees d and dh) contradict each
// other: the half-resolution fit leaves more than aliasFactor × threshold at degree d, or the
// full-resolution fit does at the lower degree dh.
func disagree(full, half *fitted, d, dh int, threshold float64) bool {
	if d <= half.D && half.residual[d] > aliasFactor*threshold {
		return true
	}
	return dh < d && full.residual[dh] > aliasFactor*threshold
}

// everyOther returns the data on the samples of even index along each axis.
func (d *degreeData) everyOther() *degreeData {
	h := &degreeData{nx: (d.nx + 1) / 2, ny: 1, channels: d.channels, k: d.k}
	if d.ny > 1 {
		h.ny = (d.ny + 1) / 2
	}
	for _, z := range d.zs {
		hz := make([]float64, 0, h.nx*h.ny)
		for j := 0; j < d.ny; j += 2 {
			for i := 0; i < d.nx; i += 2 {
				hz = append(hz, z[j*d.nx+i])
			}
		}
		h.zs = append(h.zs, hz)
	}
	return h
}

// fitted holds the least-squares projections of some channels onto the orthonormal bases.
type fitted struct {
	D        int
	bs, bt   *chebyshev // bt nil on a line
	coef     [][]float64
	residual []float64 // share of the pooled variance left at each total degree 0 … D
	variance float64   // pooled Σ ‖z − mean z‖²
	points   int
}

func leastSquares(zs [][]float64, nx, ny, D int) *fitted {
	f := &fitted{D: D, bs: newChebyshev(nx, D), points: nx * ny}
	if ny > 1 {
		f.bt = newChebyshev(ny, D)
	}
	// residual accumulates Σ over channels of ‖z‖² − ‖fit_d‖² = ‖z − fit_d‖² (orthonormal
	// basis), the variance Σ of ‖z − mean z‖² = ‖z‖² − m_00².
	residual := make([]float64, D+1)
	for _, z := range zs {
		sq := dot64(z, z)
		m := f.coefficients(z, nx, ny)
		f.coef = append(f.coef, m)
		fittedSq := 0.0
		for d := 0; d <= D; d++ {
			for a := 0; a <= d; a++ { // the coefficients of total degree a + b = d
				if b := d - a; b == 0 || f.bt != nil {
					fittedSq += m[b*(D+1)+a] * m[b*(D+1)+a]
				}
			}
			residual[d] += sq - fittedSq
		}
		f.variance += sq - m[0]*m[0]
	}
	f.residual = make([]float64, D+1)
	for d := range residual {
		if f.variance > 0 {
			f.residual[d] = math.Max(residual[d], 0) / f.variance
		}
	}
	return f
}

// degree applies the rule: the smallest degree leaving less than threshold, or D+1 (saturated).
func (f *fitted) degree(threshold float64) (int, bool) {
	for d, r := range f.residual {
		if r < threshold {
			return d, false
		}
	}
	return f.D + 1, true
}

// coefficients returns the (D+1)×(D+1) coefficients m[b][a] of z in the orthonormal product
// basis qt[b] ⊗ qs[a] (a line: m[0][a] only, the rest zero). Index b is the t degree, a the s degree.
func (f *fitted) coefficients(z []float64, nx, ny int) []float64 {
	D, qs := f.D, f.bs.q
	m := make([]float64, (D+1)*(D+1))
	// r[j][a] = Σ_i z[j][i] qs[a][i]
	r := make([]float64, ny*(D+1))
	for j := 0; j < ny; j++ {
		row := z[j*nx : (j+1)*nx]
		for a := 0; a <= D; a++ {
			r[j*(D+1)+a] = dot64(row, qs[a])
		}
	}
	if f.bt == nil {
		copy(m[:D+1], r[:D+1])
		return m
	}
	for b := 0; b <= D; b++ {
		for a := 0; a <= D; a++ {
			s := 0.0
			for j := 0; j < ny; j++ {
				s += f.bt.q[b][j] * r[j*(D+1)+a]
			}
			m[b*(D+1)+a] = s
		}
	}
	return m
}

func dot64(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
