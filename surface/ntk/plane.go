package ntk

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// Eigenfunctions evaluates the top k kernel eigenfunctions at new points x_p by the Nyström
// extension φ_i(x) = (√m/μ_i) Σ_s Θ(x, x_s) u_i[s] (Williams & Seeger 2001, "Using the Nyström
// method to speed up kernel machines"), which gives back φ_i(x_s) = √m·u_i[s] at the m kernel
// samples — the eigenfunctions orthonormal under their empirical measure. cross holds Θ(x_p, x_s)
// (np×m); s must hold eigenvectors. It returns np×k, or an error for a mode whose eigenvalue is
// not positive or mismatched sizes.
func Eigenfunctions(cross mat.Matrix, s *Spectrum, k int) (*mat.Dense, error) {
	np, m := cross.Dims()
	if s.Vectors == nil || len(s.Values) != m {
		return nil, fmt.Errorf("ntk: eigenfunctions: a cross kernel over %d samples against a spectrum of %d (vectors %v)", m, len(s.Values), s.Vectors != nil)
	}
	if k < 1 || k > m {
		return nil, fmt.Errorf("ntk: eigenfunctions: %d modes of %d", k, m)
	}
	if !(s.Values[k-1] > 0) {
		return nil, fmt.Errorf("ntk: eigenfunctions: eigenvalue %d is %g", k, s.Values[k-1])
	}
	var phi mat.Dense
	phi.Mul(cross, s.Vectors.Slice(0, m, 0, k))
	sq := math.Sqrt(float64(m))
	for i := 0; i < k; i++ {
		f := sq / s.Values[i]
		for p := 0; p < np; p++ {
			phi.Set(p, i, f*phi.At(p, i))
		}
	}
	return &phi, nil
}

// Coefficients returns a_i = ⟨f, φ_i⟩ = u_iᵀ f(X)/√m, i < k: the projection of a function known at
// the m kernel samples onto the top k eigenfunctions in L² of their empirical measure. It panics if
// f does not have m values or s has no eigenvectors.
func Coefficients(s *Spectrum, f []float64, k int) []float64 {
	m := len(s.Values)
	if len(f) != m || s.Vectors == nil {
		panic(fmt.Sprintf("ntk: Coefficients: %d values for %d samples", len(f), m))
	}
	fv := mat.NewVecDense(m, f)
	out := make([]float64, k)
	for i := range out {
		out[i] = mat.Dot(s.Vectors.ColView(i), fv) / math.Sqrt(float64(m))
	}
	return out
}

// PlaneProjection is a logit of the network over a plane of points, expanded in the top kernel
// eigenfunctions: f_k(x) = Σ_{i≤k} a_i φ_i(x) with a_i = ⟨f, φ_i⟩ taken on the kernel samples.
type PlaneProjection struct {
	Modes        int       `json:"modes"`
	Logit        int       `json:"logit"`
	Coefficients []float64 `json:"coefficients"`
	// Residual[k−1] is Σ_p (f(x_p) − f_k(x_p))²/Σ_p f(x_p)² over the plane's points, k = 1..Modes:
	// how much of the surface the top k modes leave unexplained.
	Residual []float64 `json:"residual"`
	// Eigenfunctions holds φ_i(x_p) (points × Modes); Surface f(x_p) and Reconstruction f_Modes(x_p).
	Eigenfunctions *mat.Dense `json:"-"`
	Surface        []float64  `json:"-"`
	Reconstruction []float64  `json:"-"`
}

// ProjectPlane expands logit of net over the np points ([np][InputSize]) in the top modes of the
// kernel k analysed on samples ([m][InputSize], the same samples, net and output as k): it computes
// the cross kernel Θ(points, samples) within opt's memory bound, the Nyström eigenfunctions, the
// coefficients of the logit from its values on the samples and the residual by number of modes.
// logit < 0 means the class the net predicts at the middle point. Errors are CrossKernel's and
// Eigenfunctions'.
func ProjectPlane(ctx context.Context, net *models.Net, k *KernelReport, samples, points []float32, np, logit, modes int, opt KernelOptions, progress func(done, total int)) (*PlaneProjection, error) {
	m := len(k.Eigenvalues)
	if k.Spectrum == nil || k.Spectrum.Vectors == nil {
		return nil, fmt.Errorf("ntk: plane projection needs the kernel's eigenvectors")
	}
	modes = min(modes, m)
	if err := memcap.Check(fmt.Sprintf("the cross-kernel of %d plane points and %d samples", np, m),
		memcap.Mul(int64(np), int64(m+modes+1), 8)); err != nil {
		return nil, fmt.Errorf("ntk: %w", err)
	}
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	D, C := ev.InputSize(), ev.NumClasses()
	if np < 1 || len(points) < np*D || len(samples) < m*D {
		return nil, fmt.Errorf("ntk: plane projection: %d point values for %d points, %d sample values for %d samples", len(points), np, len(samples), m)
	}
	zp := ev.Forward(nil, points, np)
	if logit < 0 {
		mid := zp[(np/2)*C : (np/2+1)*C]
		logit = 0
		for c, v := range mid {
			if v > mid[logit] {
				logit = c
			}
		}
	}
	if logit >= C {
		return nil, fmt.Errorf("ntk: plane projection: logit %d of %d", logit, C)
	}
	cross, _, err := CrossKernel(ctx, net, points, np, samples, m, opt, progress)
	if err != nil {
		return nil, err
	}
	phi, err := Eigenfunctions(cross, k.Spectrum, modes)
	if err != nil {
		return nil, err
	}
	zs := ev.Forward(nil, samples, m)
	fs := make([]float64, m)
	for s := range fs {
		fs[s] = float64(zs[s*C+logit])
	}
	pp := &PlaneProjection{Modes: modes, Logit: logit, Coefficients: Coefficients(k.Spectrum, fs, modes),
		Eigenfunctions: phi, Surface: make([]float64, np), Reconstruction: make([]float64, np), Residual: make([]float64, modes)}
	norm := 0.0
	for p := range pp.Surface {
		pp.Surface[p] = float64(zp[p*C+logit])
		norm += pp.Surface[p] * pp.Surface[p]
	}
	for i := 0; i < modes; i++ {
		res := 0.0
		for p := range pp.Reconstruction {
			pp.Reconstruction[p] += pp.Coefficients[i] * phi.At(p, i)
			d := pp.Surface[p] - pp.Reconstruction[p]
			res += d * d
		}
		pp.Residual[i] = res / norm
	}
	return pp, nil
}
