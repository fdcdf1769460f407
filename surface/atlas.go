package surface

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/surfscope/surfscope/internal/shard"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// AtlasConfig says which probes an atlas samples; zero values mean the defaults.
type AtlasConfig struct {
	Planes int // data planes through three random images (default 100; negative: none)
	Lines  int // mixup lines between two random images of different labels (default 100; negative: none)
	Flips  int // flip planes of random images (default 0: none)
	// Randoms are random planes through random images (projection.RandomPlane: two Gaussian
	// directions of the image's norm, coordinates in [−RandomRange, RandomRange], default 0.5);
	// default 0: none. They are drawn after every other probe, so adding them leaves the others as
	// they were.
	Randoms     int
	RandomRange float64
	Grid        int // points per axis of a plane (default 32)
	Points      int // points along a line (default 101)
	Seed        uint64
	// Regions counts linear regions on every probe (piecewise-linear nets only; about one more
	// forward pass per point and ReLU layer); Exact counts them exactly as well on MLPs.
	Regions, Exact bool
	// InputGradient measures exact input gradients on every plane (one backward pass per point).
	InputGradient bool
	Degree        *DegreeOptions
}

// Atlas is the distribution of every summary of Summarize over many probes of one model: for each
// metric, the statistics (mean, quartiles, …) of its value over the probes. Metric names are
// "plane.*" (data planes), "random.*" (random planes), "line.*" (mixup lines) and "flip.*" (flip
// planes, and the model's flip consistency over the whole split); AtlasMetrics lists and explains
// them.
type Atlas struct {
	Model   string           `json:"model"`
	Probes  map[string]int   `json:"probes"`
	Metrics map[string]Stats `json:"metrics"`
	// Values holds each metric's value on every probe, in the order the probes were drawn (the
	// same seed draws the same probes for every model of a dataset, so the i-th values of two
	// models come from the same probe): what comparisons between models test.
	Values map[string]ProbeValues `json:"values,omitempty"`
	Flip   FlipConsistency        `json:"flip"`
	// Gates is the saturation of every gate over the split's images (nets with gates).
	Gates  *GateSummary `json:"gates,omitempty"`
	Config AtlasConfig  `json:"config"`
}

// ProbeValues are a metric's values over probes; NaN (a probe where the metric is undefined) is
// written as null in JSON.
type ProbeValues []float64

// MarshalJSON writes the values with null for NaN and infinities (encoding/json rejects them).
func (v ProbeValues) MarshalJSON() ([]byte, error) {
	out := make([]*float64, len(v))
	for i := range v {
		if !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) {
			out[i] = &v[i]
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes (null as NaN).
func (v *ProbeValues) UnmarshalJSON(b []byte) error {
	var in []*float64
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*v = make(ProbeValues, len(in))
	for i, p := range in {
		(*v)[i] = math.NaN()
		if p != nil {
			(*v)[i] = *p
		}
	}
	return nil
}

// AtlasMetric is one metric an atlas can hold: its key (in JSON), its plain name (in tables)
// and, in docs/METRICS.md, the section whose keys line lists the key explains it.
type AtlasMetric struct{ Name, Label string }

// AtlasMetrics lists every metric an atlas can hold, in display order. Each is a per-probe value
// (its distribution over the probes is what the atlas keeps), except flip.agreement,
// flip.abs_delta and split.* (one value for the whole split). The gate metrics appear for nets
// with sigmoid gates (models.Net.Gates).
var AtlasMetrics = []AtlasMetric{
	{"plane.classes", "predicted classes on the plane"},
	{"plane.margin", "margin (top − runner-up logit), mean"},
	{"plane.grad", "plane gradient norm of the logits, mean"},
	{"plane.input_grad", "exact gradient norm ‖∇ₓ f_top‖, mean"},
	{"plane.abs_H", "|mean curvature| of the logit surfaces, mean"},
	{"plane.abs_K", "|Gaussian curvature| of the logit surfaces, mean"},
	{"plane.hessian", "plane Hessian norm ‖∇²f‖_F, mean"},
	{"plane.saddle", "saddle points (K < 0), share"},
	{"plane.degree", "polynomial degree (total, 1% rule)"},
	{"plane.degree_aliased", "degree under-resolved by the grid, share of planes"},
	{"plane.regions_exact", "linear regions (exact)"},
	{"plane.patterns", "linear regions (distinct patterns, lower bound)"},
	{"plane.components", "linear regions (connected components, multiplicative nets)"},
	{"plane.regions_saturated", "region count saturated by the grid, share of planes"},
	{"plane.switch_rate", "unit switches per unit distance"},
	{"random.classes", "random planes: predicted classes"},
	{"random.margin", "random planes: margin, mean"},
	{"random.grad", "random planes: plane gradient norm, mean"},
	{"random.input_grad", "random planes: exact gradient norm, mean"},
	{"random.abs_H", "random planes: |mean curvature|, mean"},
	{"random.abs_K", "random planes: |Gaussian curvature|, mean"},
	{"random.hessian", "random planes: plane Hessian norm, mean"},
	{"random.saddle", "random planes: saddle points, share"},
	{"random.degree", "random planes: polynomial degree"},
	{"random.degree_aliased", "random planes: degree under-resolved, share"},
	{"random.regions_exact", "random planes: linear regions (exact)"},
	{"random.patterns", "random planes: linear regions (distinct patterns)"},
	{"random.components", "random planes: linear regions (connected components)"},
	{"random.regions_saturated", "random planes: region count saturated, share"},
	{"random.switch_rate", "random planes: unit switches per unit distance"},
	{"random.gate_low", "random planes: gate outputs < 0.05, share"},
	{"random.gate_high", "random planes: gate outputs > 0.95, share"},
	{"line.grad", "gradient |df/ds| along the line, mean"},
	{"line.tv", "mixup: total variation from the blend, mean"},
	{"line.tv_max", "mixup: total variation from the blend, max"},
	{"line.l2", "mixup: L2 distance from the blend, mean"},
	{"line.miss", "mixup: points predicting neither end's class, share"},
	{"line.degree", "polynomial degree along the line (1% rule)"},
	{"line.degree_aliased", "degree under-resolved by the line's points, share of lines"},
	{"line.pieces_exact", "linear pieces (exact)"},
	{"line.patterns", "linear pieces (distinct patterns, lower bound)"},
	{"line.components", "linear pieces (connected runs, multiplicative nets)"},
	{"line.pieces_saturated", "piece count saturated by the points, share of lines"},
	{"line.pieces", "linear pieces (1 + unit switches)"},
	{"flip.odd_share", "odd share of the centred logits' variance"},
	{"flip.abs_diff", "mirror difference |f̃(s,t) − f̃(−s,t)| of centred logits, mean"},
	{"flip.disagree", "points predicting differently from their mirror, share"},
	{"flip.agreement", "split images with pred(x) = pred(flip x), share"},
	{"flip.abs_delta", "|f̃(x) − f̃(flip x)| of centred logits over the split, mean"},
	{"plane.gate_low", "gate outputs < 0.05 on the plane, share"},
	{"plane.gate_high", "gate outputs > 0.95 on the plane, share"},
	{"line.gate_low", "gate outputs < 0.05 along the line, share"},
	{"line.gate_high", "gate outputs > 0.95 along the line, share"},
	{"split.gate_low", "gate outputs < 0.05 over the split's images, share"},
	{"split.gate_high", "gate outputs > 0.95 over the split's images, share"},
}

// BuildAtlas samples the probes cfg asks for from the labelled images (the split the probes are
// drawn from, [N,C,H,W] with N labels), summarises each, and gathers the distributions. The same
// seed gives the same probes. progress, when not nil, gets the probes done so far. It stops with
// ctx's error when ctx is cancelled. It is MergeAtlasParts of the one part BuildAtlasPart builds
// with the zero Shard.
func BuildAtlas(ctx context.Context, net *models.Net, images []float32, labels []int, cfg *AtlasConfig, progress func(done, total int)) (*Atlas, error) {
	p, err := BuildAtlasPart(ctx, net, images, labels, cfg, shard.Shard{}, progress)
	if err != nil {
		return nil, err
	}
	return MergeAtlasParts([]*AtlasPart{p})
}

// withDefaults returns cfg (nil: the zero config) with its defaults filled in.
func (cfg *AtlasConfig) withDefaults() AtlasConfig {
	var c AtlasConfig
	if cfg != nil {
		c = *cfg
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
		*v = max(*v, 0)
	}
	def(&c.Planes, 100)
	def(&c.Lines, 100)
	def(&c.Flips, 0)
	def(&c.Randoms, 0)
	def(&c.Grid, 32)
	if !(c.RandomRange > 0) {
		c.RandomRange = 0.5
	}
	def(&c.Points, 101)
	return c
}

// BuildAtlasPart is BuildAtlas's work for share sh of the probes: every probe is drawn (so that the
// random stream is the unsharded run's), but only those sh owns are sampled and summarised, and the
// measurement over the whole split belongs to the shard that owns the item after the last probe.
// progress gets the shard's items done so far.
func BuildAtlasPart(ctx context.Context, net *models.Net, images []float32, labels []int, cfg *AtlasConfig, sh shard.Shard,
	progress func(done, total int)) (*AtlasPart, error) {
	c := cfg.withDefaults()
	D := net.InputSize()
	N := len(labels)
	if N < 3 || len(images) != N*D {
		return nil, fmt.Errorf("surface: atlas: %d values and %d labels do not make at least 3 images of %d values", len(images), N, D)
	}
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	img := func(i int) []float32 { return images[i*D : (i+1)*D] }
	rng := rand.New(rand.NewPCG(c.Seed, 0xa71a5))
	r := &atlasRun{ctx: ctx, ev: ev, opt: atlasSummaryOptions(net, ev, &c), sh: sh, progress: progress,
		part: &AtlasPart{Model: net.Arch["arch"], Shard: sh, Config: c}}
	if r.opt.Net != nil {
		if r.regions, err = NewRegionCounter(net); err != nil {
			return nil, err
		}
	}
	for k := range c.Planes + c.Lines + c.Flips + c.Randoms + 1 {
		if sh.Owns(k) {
			r.total++
		}
	}
	err = r.probes("plane", c.Planes, func() (*projection.Probe, error) {
		i, j, k := distinct3(rng, N)
		return projection.DataPlane(net.Input, img(i), img(j), img(k), c.Grid, 0.1)
	}, func(add func(string, float64), s *ProbeSummary) { addPlane(add, "plane.", s) })
	if err != nil {
		return nil, err
	}
	err = r.probes("line", c.Lines, func() (*projection.Probe, error) {
		i, j := differentLabels(rng, labels)
		return projection.MixupLine(net.Input, img(i), img(j), c.Points, 0, 1)
	}, addLine)
	if err != nil {
		return nil, err
	}
	err = r.probes("flip", c.Flips, func() (*projection.Probe, error) {
		return projection.FlipPlane(net.Input, img(rng.IntN(N)), rng.Uint64(), c.Grid, 0.1)
	}, func(add func(string, float64), s *ProbeSummary) {
		add("flip.odd_share", s.Symmetry.OddShare)
		add("flip.abs_diff", s.Symmetry.MeanAbsDiff)
		add("flip.disagree", s.Symmetry.Disagree)
	})
	if err != nil {
		return nil, err
	}
	err = r.probes("random", c.Randoms, func() (*projection.Probe, error) {
		return projection.RandomPlane(net.Input, img(rng.IntN(N)), rng.Uint64(), c.Grid, c.RandomRange, 0)
	}, func(add func(string, float64), s *ProbeSummary) { addPlane(add, "random.", s) })
	if err != nil {
		return nil, err
	}
	if sh.Owns(r.item) {
		if r.part.Split, err = measureSplit(ctx, ev, net, images, labels, r.opt.GateNet != nil); err != nil {
			return nil, err
		}
		r.part.Split.Index = r.item
		r.step()
	}
	return r.part, nil
}

// atlasSummaryOptions are the summaries an atlas asks of every probe.
func atlasSummaryOptions(net *models.Net, ev *infer.Evaluator, c *AtlasConfig) *SummaryOptions {
	opt := &SummaryOptions{Degree: c.Degree, Eval: ev, NoExact: !c.Exact}
	if c.Regions && PiecewiseLinear(net) {
		opt.Net = net
	}
	if c.InputGradient {
		opt.Grader = ev
	}
	if len(net.Gates()) > 0 {
		opt.GateNet = net
	}
	return opt
}

// measureSplit measures the model's flip consistency over the whole split, and the gates'
// saturation when gates is set.
func measureSplit(ctx context.Context, ev *infer.Evaluator, net *models.Net, images []float32, labels []int, gates bool) (*SplitRecord, error) {
	r := &SplitRecord{}
	var err error
	if r.Flip, err = MeasureFlipConsistency(ctx, ev, net.Input, images, labels); err != nil {
		return nil, err
	}
	r.add("flip.agreement", r.Flip.Agreement)
	r.add("flip.abs_delta", r.Flip.MeanAbsDelta)
	if gates {
		if r.Gates, err = GateSaturation(ctx, net, images, len(labels), nil); err != nil {
			return nil, err
		}
		addGates(r.add, "split.", r.Gates)
	}
	return r, nil
}

// addLine records a mixup line's summaries.
func addLine(add func(string, float64), s *ProbeSummary) {
	add("line.grad", s.Gradient.Mean)
	add("line.tv", s.Mixup.MeanTV)
	add("line.tv_max", s.Mixup.MaxTV)
	add("line.l2", s.Mixup.MeanL2)
	add("line.miss", s.Mixup.MissRate)
	add("line.degree", float64(s.Degree.Degree))
	add("line.degree_aliased", b2f(s.Degree.Aliased))
	if r := s.Regions; r != nil {
		addRegions(add, "line.", "pieces_exact", r)
		add("line.pieces", float64(1+r.Switches))
	}
	addGates(add, "line.", s.Gates)
}

// addPlane records a plane's summaries under prefix ("plane." for data planes, "random." for
// random planes).
func addPlane(add func(string, float64), prefix string, s *ProbeSummary) {
	add(prefix+"classes", float64(s.Values.Classes))
	add(prefix+"margin", s.Values.Margin.Mean)
	add(prefix+"grad", s.Gradient.Mean)
	add(prefix+"abs_H", s.Curvature.AbsMean.Mean)
	add(prefix+"abs_K", s.Curvature.AbsGaussian.Mean)
	add(prefix+"hessian", s.Curvature.HessianNorm.Mean)
	add(prefix+"saddle", s.Curvature.Saddle)
	add(prefix+"degree", float64(s.Degree.Degree))
	add(prefix+"degree_aliased", b2f(s.Degree.Aliased))
	if s.InputGradient != nil {
		add(prefix+"input_grad", s.InputGradient.Mean)
	}
	if r := s.Regions; r != nil {
		addRegions(add, prefix, "regions_exact", r)
		add(prefix+"switch_rate", r.SwitchRate)
	}
	addGates(add, prefix, s.Gates)
}

// addRegions records a probe's region counts under prefix: the exact count (as exact), the
// distinct patterns, the components where the regions may be non-convex, and whether the grid's
// count saturated.
func addRegions(add func(string, float64), prefix, exact string, r *RegionSummary) {
	if r.Exact != nil {
		add(prefix+exact, float64(r.Exact.Regions))
	}
	add(prefix+"patterns", float64(r.Patterns))
	if !r.Convex {
		add(prefix+"components", float64(r.Components))
	}
	if prefix == "line." {
		add("line.pieces_saturated", b2f(r.Saturated))
	} else {
		add(prefix+"regions_saturated", b2f(r.Saturated))
	}
}

// addGates records the pooled gate saturation under prefix (gate_low, gate_high), when measured.
func addGates(add func(string, float64), prefix string, g *GateSummary) {
	if g != nil {
		add(prefix+"gate_low", g.Low)
		add(prefix+"gate_high", g.High)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// distinct3 draws three different indices below n (n ≥ 3).
func distinct3(rng *rand.Rand, n int) (int, int, int) {
	i := rng.IntN(n)
	j := rng.IntN(n - 1)
	if j >= i {
		j++
	}
	k := rng.IntN(n)
	for k == i || k == j {
		k = rng.IntN(n)
	}
	return i, j, k
}

// differentLabels draws two indices whose labels differ (any two when every label is the same).
func differentLabels(rng *rand.Rand, labels []int) (int, int) {
	n := len(labels)
	i := rng.IntN(n)
	if slices.Max(labels) == slices.Min(labels) {
		j := rng.IntN(n - 1)
		if j >= i {
			j++
		}
		return i, j
	}
	for {
		j := rng.IntN(n)
		if labels[j] != labels[i] {
			return i, j
		}
	}
}
