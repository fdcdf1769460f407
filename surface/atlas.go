package surface

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// AtlasConfig says which probes an atlas samples; zero values mean the defaults.
type AtlasConfig struct {
	Planes int // data planes through three random images (default 100; negative: none)
	Lines  int // mixup lines between two random images of different labels (default 100; negative: none)
	Flips  int // flip planes of random images (default 0: none)
	Grid   int // points per axis of a plane (default 32)
	Points int // points along a line (default 101)
	Seed   uint64
	// Regions counts linear regions on every probe (piecewise-linear nets only; about one more
	// forward pass per point and ReLU layer).
	Regions bool
	// InputGradient measures exact input gradients on every plane (one backward pass per point).
	InputGradient bool
	Degree        *DegreeOptions
}

// Atlas is the distribution of every summary of Summarize over many probes of one model: for each
// metric, the statistics (mean, quartiles, …) of its value over the probes. Metric names are
// "plane.*" (data planes), "line.*" (mixup lines) and "flip.*" (flip planes, and the model's flip
// consistency over the whole split); AtlasMetrics lists and explains them.
type Atlas struct {
	Model   string           `json:"model"`
	Probes  map[string]int   `json:"probes"`
	Metrics map[string]Stats `json:"metrics"`
	Flip    FlipConsistency  `json:"flip"`
	Config  AtlasConfig      `json:"config"`
}

// AtlasMetrics names and explains every metric an atlas can hold, in display order.
var AtlasMetrics = []struct{ Name, Meaning string }{
	{"plane.classes", "predicted classes on the plane"},
	{"plane.margin", "mean top-minus-runner-up logit"},
	{"plane.grad", "mean plane-gradient norm of the logits (per unit distance)"},
	{"plane.input_grad", "mean exact input-gradient norm of the top logit"},
	{"plane.abs_H", "mean |mean curvature| of the logit surfaces"},
	{"plane.abs_K", "mean |Gaussian curvature| of the logit surfaces"},
	{"plane.hessian", "mean Frobenius norm of the plane Hessian"},
	{"plane.saddle", "share of points with K < 0"},
	{"plane.degree", "effective tensor Chebyshev degree (1% rule)"},
	{"plane.regions", "connected linear regions on the grid (saturates at grid² points)"},
	{"plane.patterns", "distinct activation patterns on the grid"},
	{"plane.switch_rate", "unit switches per unit distance along the grid lines"},
	{"line.grad", "mean |df/ds| of the logits along the line (per unit distance)"},
	{"line.tv", "mean total-variation distance from the linear blend"},
	{"line.tv_max", "largest total-variation distance from the blend"},
	{"line.l2", "mean Euclidean distance from the blend"},
	{"line.miss", "share of interior points predicting neither endpoint's class"},
	{"line.degree", "effective Chebyshev degree along the line"},
	{"line.regions", "linear pieces along the line (saturates at the points)"},
	{"line.pieces", "1 + unit switches along the line (pieces, not saturating)"},
	{"flip.odd_share", "share of the logits' variance that is odd in s"},
	{"flip.abs_diff", "mean |f(s,t) − f(−s,t)|"},
	{"flip.disagree", "share of points predicting differently from their mirror"},
	{"flip.agreement", "share of split images with pred(x) = pred(flip x)"},
	{"flip.abs_delta", "mean |f(x) − f(flip x)| over the split"},
}

// BuildAtlas samples the probes cfg asks for from the labelled images (the split the probes are
// drawn from, [N,C,H,W] with N labels), summarises each, and gathers the distributions. The same
// seed gives the same probes. progress, when not nil, gets the probes done so far. It stops with
// ctx's error when ctx is cancelled.
func BuildAtlas(ctx context.Context, net *models.Net, images []float32, labels []int, cfg *AtlasConfig, progress func(done, total int)) (*Atlas, error) {
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
	def(&c.Grid, 32)
	def(&c.Points, 101)
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
	opt := &SummaryOptions{Degree: c.Degree}
	if c.Regions && PiecewiseLinear(net) {
		opt.Net = net
	}
	if c.InputGradient {
		opt.Grader = ev
	}
	a := &Atlas{Model: net.Arch["arch"], Probes: map[string]int{}, Metrics: map[string]Stats{}, Config: c}
	values := map[string][]float64{}
	total := c.Planes + c.Lines + c.Flips + 1
	done := 0
	step := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	run := func(kind string, count int, build func() (*projection.Probe, error), record func(s *ProbeSummary)) error {
		for n := 0; n < count; n++ {
			var p *projection.Probe
			var err error
			for try := 0; try < 20; try++ {
				if p, err = build(); err == nil {
					break
				}
			}
			if err != nil {
				return fmt.Errorf("surface: atlas: %s probe %d: %v", kind, n, err)
			}
			g, err := Sample(ctx, ev, p, nil, nil)
			if err != nil {
				return err
			}
			s, err := Summarize(ctx, g, opt)
			if err != nil {
				return err
			}
			record(s)
			a.Probes[kind]++
			step()
		}
		return nil
	}
	add := func(name string, v float64) { values[name] = append(values[name], v) }
	err = run("plane", c.Planes, func() (*projection.Probe, error) {
		i, j, k := distinct3(rng, N)
		return projection.DataPlane(net.Input, img(i), img(j), img(k), c.Grid, 0.1)
	}, func(s *ProbeSummary) {
		add("plane.classes", float64(s.Values.Classes))
		add("plane.margin", s.Values.Margin.Mean)
		add("plane.grad", s.Gradient.Mean)
		add("plane.abs_H", s.Curvature.AbsMean.Mean)
		add("plane.abs_K", s.Curvature.AbsGaussian.Mean)
		add("plane.hessian", s.Curvature.HessianNorm.Mean)
		add("plane.saddle", s.Curvature.Saddle)
		add("plane.degree", float64(s.Degree.Degree))
		if s.InputGradient != nil {
			add("plane.input_grad", s.InputGradient.Mean)
		}
		if s.Regions != nil {
			add("plane.regions", float64(s.Regions.Regions))
			add("plane.patterns", float64(s.Regions.Patterns))
			add("plane.switch_rate", s.Regions.SwitchRate)
		}
	})
	if err != nil {
		return nil, err
	}
	err = run("line", c.Lines, func() (*projection.Probe, error) {
		i, j := differentLabels(rng, labels)
		p, err := projection.MixupLine(net.Input, img(i), img(j), c.Points, 0, 1)
		return p, err
	}, func(s *ProbeSummary) {
		add("line.grad", s.Gradient.Mean)
		add("line.tv", s.Mixup.MeanTV)
		add("line.tv_max", s.Mixup.MaxTV)
		add("line.l2", s.Mixup.MeanL2)
		add("line.miss", s.Mixup.MissRate)
		add("line.degree", float64(s.Degree.Degree))
		if s.Regions != nil {
			add("line.regions", float64(s.Regions.Regions))
			add("line.pieces", float64(1+s.Regions.Switches))
		}
	})
	if err != nil {
		return nil, err
	}
	err = run("flip", c.Flips, func() (*projection.Probe, error) {
		return projection.FlipPlane(net.Input, img(rng.IntN(N)), rng.Uint64(), c.Grid, 0.1)
	}, func(s *ProbeSummary) {
		add("flip.odd_share", s.Symmetry.OddShare)
		add("flip.abs_diff", s.Symmetry.MeanAbsDiff)
		add("flip.disagree", s.Symmetry.Disagree)
	})
	if err != nil {
		return nil, err
	}
	if a.Flip, err = MeasureFlipConsistency(ctx, ev, net.Input, images, labels); err != nil {
		return nil, err
	}
	add("flip.agreement", a.Flip.Agreement)
	add("flip.abs_delta", a.Flip.MeanAbsDelta)
	step()
	for name, v := range values {
		a.Metrics[name] = Describe(v)
	}
	return a, nil
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
