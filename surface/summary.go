package surface

import (
	"context"
	"fmt"

	"github.com/surfscope/surfscope/models"
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
}

// RegionSummary is the count part of a RegionMap.
type RegionSummary struct {
	Regions    int     `json:"regions"`
	Patterns   int     `json:"patterns"`
	Units      int     `json:"units"`
	Switches   int     `json:"switches"`
	SwitchRate float64 `json:"switch_rate"`
}

// SummaryOptions says which of the costlier analyses Summarize runs; nil runs none of them.
type SummaryOptions struct {
	// Net, when set, counts linear regions (skipped for nets with smooth activations).
	Net *models.Net
	// Grader, when set, measures exact input gradients (a infer.Evaluator).
	Grader InputGrader
	// Degree tunes the polynomial degree fit.
	Degree *DegreeOptions
}

// Summarize runs every analysis that applies to g: values, gradient norms and the degree always;
// curvature on planes; mirror symmetry on flip planes (probe kind "flip"); mixup linearity on
// mixup lines (kind "mixup"); linear regions and input gradients when opt asks. Errors come from
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
	var grads []float64
	var curv curvatureSamples
	for k := 0; k < g.K; k++ {
		if err := ctx.Err(); err != nil { // each class takes about a second on a 1024² plane
			return nil, err
		}
		f := g.Isometric(k)
		gn, err := GradientNorm(f)
		if err != nil {
			return nil, err
		}
		for _, v := range gn.Values {
			grads = append(grads, float64(v))
		}
		if g.NY > 1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := curv.add(f); err != nil {
				return nil, err
			}
		}
	}
	s.Gradient = Describe(grads)
	if g.NY > 1 {
		c := curv.summary()
		s.Curvature = &c
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	if s.Degree, err = PolynomialDegree(g, nil, o.Degree); err != nil {
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
		rm, err := LinearRegions(ctx, o.Net, g.Probe, nil)
		if err != nil {
			return nil, err
		}
		s.Regions = &RegionSummary{Regions: rm.Regions, Patterns: rm.Patterns, Units: rm.Units, Switches: rm.Switches, SwitchRate: rm.SwitchRate}
	}
	return s, nil
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
