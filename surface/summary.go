package surface

import (
	"context"
	"fmt"
	"runtime"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

// ProbeSummary collects the analyses that apply to one sampled probe. Derivatives are taken in
// input-space distances (Grid.Isometric) and pooled over all K logits: Gradient describes
// ‖∇f_k‖ over every grid point and every class k, Curvature likewise.
type ProbeSummary struct {
	Kind   string       `json:"kind"`
	NX     int          `json:"nx"`
	NY     int          `json:"ny"`
	Values ValueSummary `json:"values"`
	// Gradient is the plane gradient norm (|df/ds| on a line) of each logit per unit distance.
	Gradient Stats `json:"gradient"`
	// InputGradient is ‖∇ₓ f_top(x)‖, the exact input gradient of the predicted class's logit.
	InputGradient *Stats            `json:"input_gradient,omitempty"`
	Curvature     *CurvatureSummary `json:"curvature,omitempty"` // planes
	Symmetry      *SymmetrySummary  `json:"symmetry,omitempty"`  // flip planes
	Mixup         *MixupSummary     `json:"mixup,omitempty"`     // mixup lines
	Degree        DegreeFit         `json:"degree"`
	Regions       *RegionSummary    `json:"regions,omitempty"` // piecewise-linear nets
	Gates         *GateSummary      `json:"gates,omitempty"`   // nets with sigmoid gates, at the probe's points
}

// RegionSummary is what a probe says about the linear regions it meets (see LinearRegions and
// ExactRegions for which count means what).
type RegionSummary struct {
	// Count is the headline number of regions; Basis says which count it is: "exact" (ExactRegions,
	// MLPs), "distinct patterns" (a lower bound: regions smaller than the grid step are missed) or
	// "connected components" (nets with multiplicative merges, whose regions may be non-convex).
	Count int    `json:"count"`
	Basis string `json:"basis"`
	// Exact is the exact count on the probe's rectangle (segment), for MLPs.
	Exact *ExactPartition `json:"exact,omitempty"`
	// Patterns and Components are the grid's counts; Convex says Patterns counts regions.
	Patterns   int  `json:"patterns"`
	Components int  `json:"components"`
	Convex     bool `json:"convex"`
	// Saturated says the grid's count equals the number of grid points.
	Saturated  bool    `json:"saturated"`
	Units      int     `json:"units"`
	Switches   int     `json:"switches"`
	SwitchRate float64 `json:"switch_rate"`
}

// Region count bases, RegionSummary.Basis.
const (
	BasisExact      = "exact"
	BasisPatterns   = "distinct patterns"
	BasisComponents = "connected components"
)

// SummaryOptions says which of the costlier analyses Summarize runs; nil runs none of them.
type SummaryOptions struct {
	// Net, when set, counts linear regions (skipped for nets with smooth activations), exactly as
	// well for MLPs (ExactRegionsSupported) unless NoExact.
	Net     *models.Net
	NoExact bool
	// Regions, when set with Net, is the grid probe's region map already counted
	// (RegionCounter.SampleRegions), used instead of counting again.
	Regions *RegionMap
	// Grader, when set, measures exact input gradients (a infer.Evaluator).
	Grader InputGrader
	// Eval, when set, evaluates the net between the grid points for the degree's aliasing guard
	// (DegreeOptions.OffGrid); nil means Grader when it can evaluate the net too (Forwarder).
	Eval Forwarder
	// Degree tunes the polynomial degree fit.
	Degree *DegreeOptions
	// GateNet, when set, measures the saturation of its gates (models.Net.Gates) at every point
	// of the probe (GateSaturationOnProbe); a net without gates is skipped.
	GateNet *models.Net
}

// Summarize runs every analysis that applies to g: values, gradient norms and the degree always;
// curvature on planes; mirror symmetry on flip planes (probe kind "flip"); mixup linearity on
// mixup lines (kind "mixup"); linear regions, input gradients and gate saturation when opt asks. Errors come from
// the analyses (too few points, a cancelled ctx).
func Summarize(ctx context.Context, g *Grid, opt *SummaryOptions) (*ProbeSummary, error) {
	var o SummaryOptions
	if opt != nil {
		o = *opt
	}
	s := &ProbeSummary{NX: g.NX, NY: g.NY, Values: SummarizeValues(g)}
	kind := ""
	if g.Probe != nil {
		kind = g.Probe.Kind
	}
	s.Kind = kind
	if err := summarizeSmoothness(ctx, g, s); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	if s.Degree, err = PolynomialDegree(g, nil, o.degreeOptions(ctx, g)); err != nil {
		return nil, err
	}
	switch kind {
	case "flip":
		sym, err := SummarizeSymmetry(g)
		if err != nil {
			return nil, err
		}
		s.Symmetry = &sym
	case "mixup":
		m, err := SummarizeMixup(g)
		if err != nil {
			return nil, err
		}
		s.Mixup = &m
	}
	if o.Grader != nil {
		if g.Probe == nil {
			return nil, fmt.Errorf("surface: summary: input gradients need the grid's probe")
		}
		f, err := InputGradientNorm(ctx, o.Grader, g, TopClass)
		if err != nil {
			return nil, err
		}
		st := f.Describe()
		s.InputGradient = &st
	}
	if o.Net != nil && g.Probe != nil && PiecewiseLinear(o.Net) {
		if s.Regions, err = summarizeRegions(ctx, o.Net, g.Probe, o.Regions, !o.NoExact); err != nil {
			return nil, err
		}
	}
	if o.GateNet != nil && g.Probe != nil && len(o.GateNet.Gates()) > 0 {
		if s.Gates, err = GateSaturationOnProbe(ctx, o.GateNet, g.Probe); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// summarizeSmoothness fills s's gradient-norm distribution and, on a plane, its curvature, over
// every class's isometric surface.
func summarizeSmoothness(ctx context.Context, g *Grid, s *ProbeSummary) error {
	var grads []float64
	var curv curvatureSamples
	for k := 0; k < g.K; k++ {
		if err := ctx.Err(); err != nil { // each class takes about a second on a 1024² plane
			return err
		}
		f := g.Isometric(k)
		gn, err := GradientNorm(f)
		if err != nil {
			return err
		}
		for _, v := range gn.Values {
			grads = append(grads, float64(v))
		}
		if g.NY > 1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := curv.add(f); err != nil {
				return err
			}
		}
	}
	s.Gradient = Describe(grads)
	if g.NY > 1 {
		c := curv.summary()
		s.Curvature = &c
	}
	return nil
}

// summarizeRegions counts the regions of net on probe p on the grid (unless rm already holds
// them) and, when exact is set and the net is an MLP, exactly.
func summarizeRegions(ctx context.Context, net *models.Net, p *projection.Probe, rm *RegionMap, exact bool) (*RegionSummary, error) {
	var err error
	if rm == nil {
		if rm, err = LinearRegions(ctx, net, p, nil); err != nil {
			return nil, err
		}
	}
	r := &RegionSummary{Count: rm.Count(), Basis: BasisPatterns, Patterns: rm.Patterns, Components: rm.Components,
		Convex: rm.Convex, Saturated: rm.Saturated, Units: rm.Units, Switches: rm.Switches, SwitchRate: rm.SwitchRate}
	if !rm.Convex {
		r.Basis = BasisComponents
	}
	if exact && ExactRegionsSupported(net) == nil {
		if r.Exact, err = ExactRegions(ctx, net, p, nil); err != nil {
			return nil, err
		}
		r.Count, r.Basis = r.Exact.Regions, BasisExact
	}
	return r, nil
}

// degreeOptions returns the degree fit's options with the off-grid evaluation of the aliasing
// guard filled in from Eval (or Grader) and the grid's probe, when both are there.
func (o *SummaryOptions) degreeOptions(ctx context.Context, g *Grid) *DegreeOptions {
	var d DegreeOptions
	if o.Degree != nil {
		d = *o.Degree
	}
	ev := o.Eval
	if ev == nil {
		ev, _ = o.Grader.(Forwarder)
	}
	if d.OffGrid == nil && ev != nil && g.Probe != nil {
		d.OffGrid = func(points [][2]float64) ([]float32, error) { return evaluateOnProbe(ctx, ev, g.Probe, points) }
	}
	return &d
}

// evaluateOnProbe evaluates f at the points (s, t) of probe p, p.Origin + s·Dirs[0] + t·Dirs[1]
// (in float64, rounded once), K values per point.
func evaluateOnProbe(ctx context.Context, f Forwarder, p *projection.Probe, points [][2]float64) ([]float32, error) {
	D := len(p.Origin)
	if D != f.InputSize() {
		return nil, fmt.Errorf("surface: probe points have %d values, the net takes %d", D, f.InputSize())
	}
	// Chunks of several of the evaluator's work units (64 points or a power-of-two fraction),
	// which run in parallel; each unit's points are the same as with chunks of 64.
	chunk := 64 * max(4, 2*runtime.GOMAXPROCS(0))
	x := make([]float32, chunk*D)
	var out, buf []float32
	for lo := 0; lo < len(points); lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(chunk, len(points)-lo)
		for q := 0; q < n; q++ {
			st := points[lo+q]
			for d, o := range p.Origin {
				v := float64(o) + st[0]*float64(p.Dirs[0][d])
				if len(p.Dirs) > 1 {
					v += st[1] * float64(p.Dirs[1][d])
				}
				x[q*D+d] = float32(v)
			}
		}
		buf = f.Forward(buf, x[:n*D], n)
		out = append(out, buf[:n*f.NumClasses()]...)
	}
	return out, nil
}

// PiecewiseLinear reports whether LinearRegions applies to net: it has ReLU, leaky ReLU, clip or
// max-pool units and no smooth activation (a softmax or log-softmax at the very end is allowed).
// Within one activation region such a net is linear in its input, unless an OpMul multiplies two
// input-dependent values (multiplicative shortcuts): then it is a polynomial there, and the regions
// are activation regions rather than linear pieces.
func PiecewiseLinear(net *models.Net) bool {
	units := false
	for i, nd := range net.Nodes {
		switch nd.Op {
		case models.OpReLU, models.OpLeakyReLU, models.OpClip, models.OpMaxPool:
			units = true
		case models.OpSigmoid, models.OpTanh, models.OpGELU:
			return false
		case models.OpSoftmax, models.OpLogSoftmax:
			if i != len(net.Nodes)-1 {
				return false
			}
		}
	}
	return units
}
