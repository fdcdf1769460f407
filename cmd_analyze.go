package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// analyzeMetrics lists the maps `surfscope analyze --metric` writes.
const analyzeMetrics = "margin, class, loss[:L], logit:K, prob:K, grad:K, inputgrad[:K], gauss:K, meancurv:K, k1:K, k2:K, mirror:K, mixup, regions"

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("analyze", "--model FILE --data NAME --probe SPEC [--metric NAME] [--out summary.json] [--npy map.npy] [--vts surface.vts]", stderr)
	smp := view.DefaultSampling()
	smp.Register(fs)
	metric := fs.String("metric", "margin", "map written to --npy and --vts: "+analyzeMetrics)
	out := fs.String("out", "", "JSON file for the summary of every analysis that applies")
	npy := fs.String("npy", "", ".npy file for the --metric map, [N][N] for planes, [M] for lines")
	vts := fs.String("vts", "", "VTK structured grid (.vts) of the --metric surface with the logits, for ParaView")
	regions := fs.Bool("regions", true, "count linear regions (piecewise-linear nets)")
	inputGrad := fs.Bool("inputgrad", true, "measure exact input-gradient norms")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := sampleProbe(ctx, smp, stderr)
	if err != nil {
		return err
	}
	opt := &surface.SummaryOptions{}
	if *regions {
		opt.Net = a.Net
	}
	if *inputGrad {
		opt.Grader = a.Eval
	}
	sum, err := surface.Summarize(ctx, a.Grid, opt)
	if err != nil {
		return err
	}
	m, err := metricMap(ctx, a, *metric)
	if err != nil {
		return fmt.Errorf("--metric %s: %v", *metric, err)
	}
	g := a.Grid
	if *npy != "" {
		shape := []int{g.NY, g.NX}
		if g.T == nil {
			shape = []int{g.NX}
		}
		vals := surface.FieldArray("", m).Values
		if err := surface.WriteNPY(*npy, shape, vals); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %v float32 %s map\n", *npy, shape, *metric)
	}
	if *vts != "" {
		arrays := []surface.VTKArray{surface.FieldArray(*metric, m), surface.FieldArray("class", surface.Predicted(g)),
			{Name: "logits", Components: g.K, Values: g.Values}}
		if err := surface.WriteVTS(*vts, m, arrays...); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %dx%d structured grid, height = %s\n", *vts, g.NX, g.NY, *metric)
	}
	report := struct {
		Model   string                `json:"model"`
		Data    string                `json:"data"`
		Split   string                `json:"split"`
		Probe   string                `json:"probe"`
		Anchors []projection.Anchor   `json:"anchors"`
		Summary *surface.ProbeSummary `json:"summary"`
		Metric  string                `json:"metric"`
		Map     surface.Stats         `json:"map"`
	}{smp.Model, smp.Data, smp.Split, smp.Probe, g.Probe.Anchors, sum, *metric, m.Describe()}
	if *out != "" {
		if err := writeJSON(*out, report); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *out)
	}
	printSummary(stdout, smp.Probe, sum, *metric, report.Map)
	return nil
}

// metricMap computes the map named by --metric over the probe a sampled.
func metricMap(ctx context.Context, a *view.Sampled, spec string) (*surface.Field, error) {
	g := a.Grid
	name, arg, hasArg := strings.Cut(spec, ":")
	k := -1
	if hasArg {
		v, err := strconv.Atoi(arg)
		if err != nil || v < 0 || v >= g.K {
			return nil, fmt.Errorf("class %q: want 0 to %d", arg, g.K-1)
		}
		k = v
	}
	needClass := func() error {
		if k < 0 {
			return fmt.Errorf("give a class, as %s:K", name)
		}
		return nil
	}
	switch name {
	case "margin":
		return surface.Margin(g), nil
	case "class":
		return surface.Predicted(g), nil
	case "loss":
		if k < 0 && len(a.Spec.Images) > 0 {
			k = a.Set.Labels[a.Spec.Images[0]] // the label of the probe's first image
		}
		if k < 0 {
			return nil, fmt.Errorf("the probe has no labelled first image; give loss:L")
		}
		return surface.Loss(g, k), nil
	case "logit", "prob", "grad", "gauss", "meancurv", "k1", "k2", "mirror":
		if err := needClass(); err != nil {
			return nil, err
		}
		switch name {
		case "logit":
			return g.Channel(k), nil
		case "prob":
			return surface.Probability(g, k), nil
		case "grad":
			return surface.GradientNorm(g.Isometric(k))
		case "mirror":
			return surface.MirrorDifference(g.Channel(k))
		}
		c, err := surface.Curvatures(g.Isometric(k))
		if err != nil {
			return nil, err
		}
		return map[string]*surface.Field{"gauss": c.Gaussian, "meancurv": c.Mean, "k1": c.K1, "k2": c.K2}[name], nil
	case "inputgrad":
		if k < 0 {
			k = surface.TopClass
		}
		return surface.InputGradientNorm(ctx, a.Eval, g, k)
	case "mixup":
		return surface.MixupDeviation(g)
	case "regions":
		rm, err := surface.LinearRegions(ctx, a.Net, g.Probe, nil)
		if err != nil {
			return nil, err
		}
		return rm.Labels, nil
	}
	return nil, fmt.Errorf("unknown metric %q (want %s)", spec, analyzeMetrics)
}

func printSummary(w io.Writer, probe string, s *surface.ProbeSummary, metric string, m surface.Stats) {
	fmt.Fprintf(w, "probe %s (%s, %dx%d)\n", probe, s.Kind, s.NX, s.NY)
	fmt.Fprintf(w, "  classes %d (largest %.0f%%), margin mean %.4g, confidence mean %.4g\n",
		s.Values.Classes, 100*s.Values.Largest, s.Values.Margin.Mean, s.Values.Confidence.Mean)
	fmt.Fprintf(w, "  gradient ‖∇f‖ mean %.4g median %.4g max %.4g (per unit distance, all logits)\n", s.Gradient.Mean, s.Gradient.Median, s.Gradient.Max)
	if s.InputGradient != nil {
		fmt.Fprintf(w, "  input gradient ‖∇ₓf_top‖ mean %.4g median %.4g max %.4g\n", s.InputGradient.Mean, s.InputGradient.Median, s.InputGradient.Max)
	}
	if c := s.Curvature; c != nil {
		fmt.Fprintf(w, "  curvature |H| mean %.4g, |K| mean %.4g, Hessian norm mean %.4g, saddle share %.2f\n",
			c.AbsMean.Mean, c.AbsGaussian.Mean, c.HessianNorm.Mean, c.Saddle)
	}
	if y := s.Symmetry; y != nil {
		fmt.Fprintf(w, "  mirror symmetry: odd share %.4g, mean |f(s,t)−f(−s,t)| %.4g, disagree %.2f%%\n", y.OddShare, y.MeanAbsDiff, 100*y.Disagree)
	}
	if x := s.Mixup; x != nil {
		fmt.Fprintf(w, "  mixup: mean TV %.4g, max TV %.4g, mean L2 %.4g, miss rate %.2f%% (ends %d → %d)\n", x.MeanTV, x.MaxTV, x.MeanL2, 100*x.MissRate, x.Ends[0], x.Ends[1])
	}
	sat := ""
	if s.Degree.Saturated {
		sat = " (saturated: more than the cap)"
	}
	fmt.Fprintf(w, "  effective Chebyshev degree %d%s\n", s.Degree.Degree, sat)
	if r := s.Regions; r != nil {
		fmt.Fprintf(w, "  linear regions %d, distinct activation patterns %d (%d units); %d unit switches between neighbours, %.4g per unit distance\n",
			r.Regions, r.Patterns, r.Units, r.Switches, r.SwitchRate)
	}
	fmt.Fprintf(w, "  %s map: min %.4g, median %.4g, max %.4g\n", metric, m.Min, m.Median, m.Max)
}

// writeJSON writes v as indented JSON through a temporary file.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}
