package surface

import (
	"fmt"
	"math"
)

// Curvature holds the curvature maps of the graph surface z = f(s, t) of a height field, from the
// finite-difference derivatives of Differentiate (do Carmo, "Differential Geometry of Curves and
// Surfaces", §3-3, Monge patch):
//
//	K = (f_ss f_tt − f_st²) / (1 + f_s² + f_t²)²
//	H = ((1 + f_t²) f_ss − 2 f_s f_t f_st + (1 + f_s²) f_tt) / (2 (1 + f_s² + f_t²)^{3/2})
//	k1, k2 = H ± sqrt(H² − K)
//
// K is the Gaussian curvature, H the mean curvature (positive where the surface bends upwards, like
// f = s² + t²) and k1 ≥ k2 the principal curvatures. Curvature is not invariant under rescaling
// of z alone, so compare fields of the same kind (logits with logits) at the same coordinates.
type Curvature struct {
	Gaussian, Mean, K1, K2 *Field
}

// Curvatures returns the curvature maps of f, a plane (NY ≥ 3). Errors are those of Differentiate.
func Curvatures(f *Field) (*Curvature, error) {
	if f.NY < 3 {
		return nil, fmt.Errorf("surface: curvature needs a plane, the field has %d row(s)", f.NY)
	}
	d, err := differentiate(f)
	if err != nil {
		return nil, err
	}
	n := len(d.fs)
	gk, hk, k1, k2 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range n {
		gk[k], hk[k], k1[k], k2[k] = curvatureAt(d.fs[k], d.ft[k], d.fss[k], d.fst[k], d.ftt[k])
	}
	return &Curvature{Gaussian: d.field(f, gk), Mean: d.field(f, hk), K1: d.field(f, k1), K2: d.field(f, k2)}, nil
}

// curvatureAt returns K, H, k1 and k2 from the derivatives at one point.
func curvatureAt(fs, ft, fss, fst, ftt float64) (K, H, k1, k2 float64) {
	w := 1 + fs*fs + ft*ft
	K = (fss*ftt - fst*fst) / (w * w)
	H = ((1+ft*ft)*fss - 2*fs*ft*fst + (1+fs*fs)*ftt) / (2 * math.Pow(w, 1.5))
	r := math.Sqrt(math.Max(H*H-K, 0)) // H² − K ≥ 0 in exact arithmetic
	return K, H, H + r, H - r
}

// CurvatureSummary summarises a height field's second-order shape over its grid.
type CurvatureSummary struct {
	// AbsGaussian and AbsMean describe |K| and |H| over the grid; MaxPrincipal max(|k1|, |k2|).
	AbsGaussian  Stats `json:"abs_gaussian"`
	AbsMean      Stats `json:"abs_mean"`
	MaxPrincipal Stats `json:"max_principal"`
	// HessianNorm describes the Frobenius norm of the plane Hessian, sqrt(f_ss² + 2 f_st² + f_tt²).
	HessianNorm Stats `json:"hessian_norm"`
	// Saddle is the share of grid points with K < 0 (saddle-shaped), among those with K ≠ 0.
	Saddle float64 `json:"saddle_share"`
}

// SummarizeCurvature returns the curvature summary of f (a plane).
func SummarizeCurvature(f *Field) (CurvatureSummary, error) {
	var c curvatureSamples
	if err := c.add(f); err != nil {
		return CurvatureSummary{}, err
	}
	return c.summary(), nil
}

// curvatureSamples pools the per-point curvature values of several height fields.
type curvatureSamples struct {
	ag, am, mp, hn []float64
	neg, nonzero   int
}

func (c *curvatureSamples) add(f *Field) error {
	d, err := differentiate(f)
	if err != nil {
		return err
	}
	if d.ft == nil {
		return fmt.Errorf("surface: curvature needs a plane, the field has %d row(s)", f.NY)
	}
	for k := range d.fs {
		K, H, k1, k2 := curvatureAt(d.fs[k], d.ft[k], d.fss[k], d.fst[k], d.ftt[k])
		c.ag = append(c.ag, math.Abs(K))
		c.am = append(c.am, math.Abs(H))
		c.mp = append(c.mp, math.Max(math.Abs(k1), math.Abs(k2)))
		c.hn = append(c.hn, math.Sqrt(d.fss[k]*d.fss[k]+2*d.fst[k]*d.fst[k]+d.ftt[k]*d.ftt[k]))
		if K != 0 {
			c.nonzero++
			if K < 0 {
				c.neg++
			}
		}
	}
	return nil
}

func (c *curvatureSamples) summary() CurvatureSummary {
	s := CurvatureSummary{AbsGaussian: Describe(c.ag), AbsMean: Describe(c.am), MaxPrincipal: Describe(c.mp), HessianNorm: Describe(c.hn)}
	if c.nonzero > 0 {
		s.Saddle = float64(c.neg) / float64(c.nonzero)
	}
	return s
}
