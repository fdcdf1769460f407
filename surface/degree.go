package surface

import (
	"fmt"
	"math"
)

// Polynomial degree of a sampled function: the least-squares fit by Chebyshev polynomials of
// degree ≤ d (along a line: T_0(u) … T_d(u); over a plane the tensor product T_a(u) T_b(v) with
// a, b ≤ d), where u and v map the grid's coordinate ranges onto [−1, 1] (Trefethen,
// "Approximation Theory and Approximation Practice", SIAM 2013, ch. 3–4).
//
// The rule: the effective degree is the smallest d whose fit leaves less than Threshold (1%) of
// the variance, Σ (f − fit_d)² < Threshold · Σ (f − mean f)², pooled over the K outputs of a grid
// (sums over all outputs on both sides). A constant function has degree 0. Degrees go up to
// min(MaxDegree, ⌊(n−1)/2⌋) for n points on the shorter axis, so that a fit never interpolates the
// samples; a function that needs more gets Degree = that cap + 1 and Saturated = true.
//
// The fits are exact least squares: the Chebyshev columns are orthonormalised by classical
// Gram–Schmidt applied twice (Giraud et al., "Rounding error analysis of the classical Gram–Schmidt
// orthogonalization process", Numer. Math. 2005), whose first d+1 columns span the polynomials of
// degree ≤ d, so all degrees come from one projection; over a plane the tensor-product fit is
// Q_t Q_tᵀ Z Q_s Q_sᵀ.

// DegreeOptions tunes PolynomialDegree; the zero value means the defaults.
type DegreeOptions struct {
	MaxDegree int     // default 20
	Threshold float64 // residual variance share; default 0.01
}

// DegreeFit is the outcome of PolynomialDegree.
type DegreeFit struct {
	Degree    int  `json:"degree"`
	Saturated bool `json:"saturated,omitempty"`
	// Residual[d] is the share of variance left by the fit of degree d, for d = 0 … cap.
	Residual []float64 `json:"residual"`
}

// PolynomialDegree returns the effective Chebyshev degree of the outputs channels of g (nil means
// all K), pooled as described above. It returns an error for an axis with fewer than 3 points.
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
	return fitDegree(zs, g.NX, g.NY, opt)
}

// FieldDegree is PolynomialDegree for one height field.
func FieldDegree(f *Field, opt *DegreeOptions) (DegreeFit, error) {
	z := make([]float64, f.NX*f.NY)
	for j := 0; j < f.NY; j++ {
		for i := 0; i < f.NX; i++ {
			z[j*f.NX+i] = f.Z(i, j)
		}
	}
	return fitDegree([][]float64{z}, f.NX, f.NY, opt)
}

func fitDegree(zs [][]float64, nx, ny int, opt *DegreeOptions) (DegreeFit, error) {
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
	short := nx
	if ny > 1 {
		short = min(nx, ny)
	}
	if short < 3 {
		return DegreeFit{}, fmt.Errorf("surface: degree: %d points on an axis; the fit needs at least 3", short)
	}
	D := min(o.MaxDegree, (short-1)/2)
	qs := chebyshevBasis(nx, D)
	var qt [][]float64
	if ny > 1 {
		qt = chebyshevBasis(ny, D)
	}
	// residual[d] accumulates Σ over channels of ‖z‖² − ‖fit_d‖² = ‖z − fit_d‖² (orthonormal basis),
	// variance Σ of ‖z − mean z‖² = ‖z‖² − m_00².
	residual := make([]float64, D+1)
	variance := 0.0
	for _, z := range zs {
		sq := dot64(z, z)
		m := coefficients(z, nx, ny, qs, qt, D)
		fitted := 0.0
		for d := 0; d <= D; d++ {
			// Degree d adds the coefficients with max(a, b) = d.
			for a := 0; a <= d; a++ {
				fitted += m[a*(D+1)+d] * m[a*(D+1)+d]
				if a != d {
					fitted += m[d*(D+1)+a] * m[d*(D+1)+a]
				}
			}
			residual[d] += sq - fitted
		}
		variance += sq - m[0]*m[0]
	}
	fit := DegreeFit{Residual: make([]float64, D+1), Degree: -1}
	for d := 0; d <= D; d++ {
		if variance > 0 {
			fit.Residual[d] = math.Max(residual[d], 0) / variance
		}
		if fit.Degree < 0 && fit.Residual[d] < o.Threshold {
			fit.Degree = d
		}
	}
	if fit.Degree < 0 {
		fit.Degree, fit.Saturated = D+1, true
	}
	return fit, nil
}

// coefficients returns the (D+1)×(D+1) coefficients m[b][a] of z in the orthonormal tensor basis
// qt[b] ⊗ qs[a] (a line: m[0][a] only, the rest zero). Index b is the t degree, a the s degree.
func coefficients(z []float64, nx, ny int, qs, qt [][]float64, D int) []float64 {
	m := make([]float64, (D+1)*(D+1))
	// r[j][a] = Σ_i z[j][i] qs[a][i]
	r := make([]float64, ny*(D+1))
	for j := 0; j < ny; j++ {
		row := z[j*nx : (j+1)*nx]
		for a := 0; a <= D; a++ {
			s := 0.0
			for i, v := range row {
				s += v * qs[a][i]
			}
			r[j*(D+1)+a] = s
		}
	}
	if qt == nil {
		copy(m[:D+1], r[:D+1])
		return m
	}
	for b := 0; b <= D; b++ {
		for a := 0; a <= D; a++ {
			s := 0.0
			for j := 0; j < ny; j++ {
				s += qt[b][j] * r[j*(D+1)+a]
			}
			m[b*(D+1)+a] = s
		}
	}
	return m
}

// chebyshevBasis returns D+1 orthonormal vectors over n evenly spaced points of [−1, 1], column d
// spanning with the previous ones the polynomials of degree ≤ d.
func chebyshevBasis(n, D int) [][]float64 {
	u := make([]float64, n)
	for i := range u {
		u[i] = -1 + 2*float64(i)/float64(n-1)
	}
	q := make([][]float64, D+1)
	for d := 0; d <= D; d++ {
		v := make([]float64, n)
		for i, x := range u {
			v[i] = math.Cos(float64(d) * math.Acos(math.Max(-1, math.Min(1, x)))) // T_d(x)
		}
		for pass := 0; pass < 2; pass++ {
			for _, w := range q[:d] {
				c := dot64(v, w)
				for i := range v {
					v[i] -= c * w[i]
				}
			}
		}
		nv := math.Sqrt(dot64(v, v))
		for i := range v {
			v[i] /= nv
		}
		q[d] = v
	}
	return q
}

func dot64(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
