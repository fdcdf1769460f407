package ntk

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/internal/detach"
	"github.com/surfscope/surfscope/models"
)

// Options tune Analyze; the zero value analyses the mean per-logit kernel without ridge at
// training sizes m/8, m/4 and m/2 with three regression trials, no initial kernel.
type Options struct {
	Kernel KernelOptions
	// Ridge is δ of the eigenlearning equation and of the kernel regressions, in kernel units.
	Ridge float64
	// TrainSizes are the training-set sizes n to predict and measure (each below m without
	// ridge); nil means m/8, m/4 and m/2.
	TrainSizes []int
	// Trials is the number of kernel regressions per size; 0 means 3, negative means none.
	Trials int
	Seed   uint64
	// WithReplacement draws each regression's training samples i.i.d. from the m samples instead
	// of n distinct ones (see Regression for why distinct is the default).
	WithReplacement bool
	// FitFrom and FitTo are the 1-based eigenvalue indices of the power-law fit (FitPowerLaw's
	// defaults for 0).
	FitFrom, FitTo int
	// Initial, when not nil, is the network at initialisation (Initial): its kernel on the same
	// samples is analysed too and compared with the trained one.
	Initial *models.Net
}

// Report is the outcome of Analyze; it marshals to JSON.
type Report struct {
	Output  string  `json:"output"`
	Samples int     `json:"samples"`
	Classes int     `json:"classes"`
	Params  int     `json:"params"`
	Ridge   float64 `json:"ridge"`
	// Sampling says how the regressions drew their training samples: "without replacement" (n
	// distinct samples) or "with replacement" (i.i.d. from the empirical measure).
	Sampling string        `json:"sampling"`
	Trained  *KernelReport `json:"trained"`
	Initial  *KernelReport `json:"initial,omitempty"`
	// RelativeChange is ‖Θ_T − Θ_0‖_F/‖Θ_0‖_F and Alignment ⟨Θ_0,Θ_T⟩/(‖Θ_0‖‖Θ_T‖), when the
	// initial kernel was computed.
	RelativeChange Number `json:"relative_change"`
	Alignment      Number `json:"alignment"`
	// Network holds the model's own measured errors and Plane a logit surface expanded in the
	// kernel's eigenfunctions (ProjectPlane); Analyze leaves both nil for the caller to fill.
	Network *NetMetrics      `json:"network,omitempty"`
	Plane   *PlaneProjection `json:"plane,omitempty"`
	Seconds float64          `json:"seconds"`
}

// KernelReport is the analysis of one kernel on the m samples.
type KernelReport struct {
	Stats KernelStats `json:"stats"`
	// Eigenvalues are the operator eigenvalues λ_i = μ_i/m, descending (Spectrum.Operator);
	// TargetPower the one-hot targets' v_i² in the same order (TargetPower).
	Eigenvalues []float64 `json:"eigenvalues"`
	TargetPower []float64 `json:"target_power"`
	// MinGram is the smallest Gram eigenvalue μ_m (round-off may make it slightly negative) and
	// MeanDiagonal the mean of Θ(x,x).
	MinGram      float64  `json:"min_gram_eigenvalue"`
	MeanDiagonal float64  `json:"mean_diagonal"`
	PowerLaw     PowerLaw `json:"power_law"`
	PowerLawErr  string   `json:"power_law_error,omitempty"`
	// TargetAlignment is the centred kernel-target alignment (TargetAlignment).
	TargetAlignment Number  `json:"target_alignment"`
	Sizes           []Point `json:"sizes"`
	EigenSeconds    float64 `json:"eigen_seconds"`

	Kernel   *mat.SymDense `json:"-"`
	Spectrum *Spectrum     `json:"-"`
}

// Point is the prediction and the measurement at one training-set size; Err says why either is
// missing.
type Point struct {
	N          int         `json:"n"`
	Prediction *Prediction `json:"prediction,omitempty"`
	Regression *Regression `json:"regression,omitempty"`
	Err        string      `json:"error,omitempty"`
}

// Analyze computes the kernel of net on the m samples in images ([m][InputSize]) with their labels,
// eigen-decomposes it, fits the power law, and for each training size predicts the test MSE of
// kernel regression by eigenlearning and measures it (KernelRegression); with opt.Initial it does
// the same for the initial network and compares the kernels. progress, if not nil, receives a stage
// ("kernel", "initial kernel", "eigen", "initial eigen", "regression") and its progress. Errors come
// from Kernel, Decompose and bad labels, or ctx; a size that cannot be predicted or measured is
// reported in its Point.
func Analyze(ctx context.Context, net *models.Net, images []float32, labels []int, opt Options, progress func(stage string, done, total int)) (*Report, error) {
	t0 := time.Now()
	m := len(labels)
	if m < 2 || len(images) != m*net.InputSize() {
		return nil, fmt.Errorf("ntk: %d values and %d labels do not make images of %d values", len(images), m, net.InputSize())
	}
	for i, l := range labels {
		if l < 0 || l >= net.Classes {
			return nil, fmt.Errorf("ntk: label %d of sample %d is not in [0,%d)", l, i, net.Classes)
		}
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	sizes := opt.TrainSizes
	if sizes == nil {
		sizes = []int{m / 8, m / 4, m / 2}
	}
	sizes = slices.Compact(slices.Sorted(slices.Values(sizes)))
	if err := checkMemory(net, m, Options{Kernel: opt.Kernel, TrainSizes: sizes, Trials: opt.Trials, Initial: opt.Initial}); err != nil {
		return nil, err
	}
	r := &Report{Output: opt.Kernel.Output.String(), Samples: m, Classes: net.Classes, Ridge: opt.Ridge,
		Sampling: WithoutReplacement, RelativeChange: Number(math.NaN()), Alignment: Number(math.NaN())}
	if opt.WithReplacement {
		r.Sampling = WithReplacement
	}
	var err error
	r.Trained, err = analyzeKernel(ctx, net, images, labels, sizes, opt, "", progress)
	if err != nil {
		return nil, err
	}
	r.Params = r.Trained.Stats.Params
	if opt.Initial != nil {
		r.Initial, err = analyzeKernel(ctx, opt.Initial, images, labels, sizes, opt, "initial ", progress)
		if err != nil {
			return nil, fmt.Errorf("initial network: %w", err)
		}
		r.RelativeChange = Number(RelativeChange(r.Initial.Kernel, r.Trained.Kernel))
		r.Alignment = Number(Alignment(r.Initial.Kernel, r.Trained.Kernel))
	}
	r.Seconds = time.Since(t0).Seconds()
	return r, nil
}

func analyzeKernel(ctx context.Context, net *models.Net, images []float32, labels []int, sizes []int, opt Options, prefix string, progress func(string, int, int)) (*KernelReport, error) {
	m := len(labels)
	K, st, err := Kernel(ctx, net, images, m, opt.Kernel, func(d, t int) { progress(prefix+"kernel", d, t) })
	if err != nil {
		return nil, err
	}
	kr := &KernelReport{Stats: st, Kernel: K}
	for i := 0; i < m; i++ {
		kr.MeanDiagonal += K.At(i, i) / float64(m)
	}
	progress(prefix+"eigen", 0, 1)
	t0 := time.Now()
	// gonum's eigen-decomposition cannot stop half-way (minutes for a few thousand samples): a
	// cancelled ctx stops the wait for it.
	kr.Spectrum, err = detach.Run(ctx, func() (*Spectrum, error) { return Decompose(K, true) })
	if err != nil {
		return nil, err
	}
	kr.EigenSeconds = time.Since(t0).Seconds()
	progress(prefix+"eigen", 1, 1)
	kr.MinGram = kr.Spectrum.Values[m-1]
	kr.Eigenvalues = kr.Spectrum.Operator()
	if kr.TargetPower, err = TargetPower(kr.Spectrum, labels, net.Classes); err != nil {
		return nil, err
	}
	kr.PowerLaw, err = FitPowerLaw(kr.Eigenvalues, opt.FitFrom, opt.FitTo)
	if err != nil {
		kr.PowerLawErr = err.Error()
	}
	ta, err := TargetAlignment(K, labels)
	if err != nil {
		return nil, err
	}
	kr.TargetAlignment = Number(ta)
	trials := opt.Trials
	if trials == 0 {
		trials = 3
	}
	for k, n := range sizes {
		p := Point{N: n}
		var errs []string
		if p.Prediction, err = Predict(kr.Eigenvalues, kr.TargetPower, n, opt.Ridge, m); err != nil {
			errs = append(errs, err.Error())
		}
		if trials > 0 {
			progress(prefix+"regression", k, len(sizes))
			p.Regression, err = KernelRegression(ctx, K, labels, net.Classes, RegressionConfig{N: n, Ridge: opt.Ridge,
				Trials: trials, Seed: opt.Seed + uint64(n), WithReplacement: opt.WithReplacement})
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				errs = append(errs, err.Error())
			}
		}
		if len(errs) > 0 {
			p.Err = fmt.Sprint(errs)
		}
		kr.Sizes = append(kr.Sizes, p)
	}
	progress(prefix+"regression", len(sizes), len(sizes))
	return kr, nil
}

// CumulativeLearnability returns Σ_{j≤i} L_j for every mode i: how much of the conserved total
// (n − δ/κ) the top i modes take.
func CumulativeLearnability(p *Prediction) []float64 {
	out := make([]float64, len(p.Learnabilities))
	t := 0.0
	for i, l := range p.Learnabilities {
		t += l
		out[i] = t
	}
	return out
}
