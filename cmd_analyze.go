package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/detach"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// analyzeMetrics lists the maps `surfscope analyze --metric` writes.
const analyzeMetrics = "margin, class, loss[:L], logit:K, prob:K, grad:K, inputgrad[:K], gauss:K, meancurv:K, k1:K, k2:K, mirror:K, mixup, regions"

// analyzeConfig is what `surfscope analyze` is asked to do.
type analyzeConfig struct {
	sampling           view.Sampling
	metric             string // the map written to npy and vts
	out, npy, vts      string
	regions, inputGrad bool
	gateImages         int // images of the split the gate saturation is measured over
}

// analysis is a probe sampled and analysed.
type analysis struct {
	*view.Sampled
	summary *surface.ProbeSummary
	metric  *surface.Field       // the --metric map
	gates   *surface.GateSummary // over the first gateImages images of the split (nets with gates)
}

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("analyze", args)
	c, err := parseAnalyze(args, stderr)
	if err != nil {
		return err
	}
	a, err := runAnalyze(ctx, c, stderr)
	if err != nil {
		return err
	}
	rec = c.sampling.Provenance(rec, a.Model, a.Grid)
	rec.Metric = c.metric
	if err := writeAnalysis(stdout, c, a, rec); err != nil {
		return err
	}
	var gates string
	if a.gates != nil {
		gates = view.GateText(a.gates, "over the first images of "+a.Set.Name)
	}
	printSummary(stdout, c.sampling.Probe, a.summary, gates, c.metric, a.metric.Describe())
	return nil
}

// parseAnalyze reads the flags of `surfscope analyze`.
func parseAnalyze(args []string, stderr io.Writer) (*analyzeConfig, error) {
	fs := newFlags("analyze", "--model FILE --data NAME --probe SPEC [--metric NAME] [--out summary.json] [--npy map.npy] [--vts surface.vts]", stderr)
	c := &analyzeConfig{sampling: view.DefaultSampling()}
	c.sampling.Register(fs)
	fs.StringVar(&c.metric, "metric", "margin", "map written to --npy and --vts: "+analyzeMetrics)
	fs.StringVar(&c.out, "out", "", "JSON file for the summary of every analysis that applies")
	fs.StringVar(&c.npy, "npy", "", ".npy file for the --metric map, [N][N] for planes, [M] for lines")
	fs.StringVar(&c.vts, "vts", "", "VTK structured grid (.vts) of the --metric surface with the logits, for ParaView")
	fs.BoolVar(&c.regions, "regions", true, "count linear regions (piecewise-linear nets)")
	fs.BoolVar(&c.inputGrad, "inputgrad", true, "measure exact input-gradient norms")
	fs.IntVar(&c.gateImages, "gate-images", 1000, "nets with sigmoid gates: measure their saturation over the first N images of the split too (0: along the probe only)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	warnIgnored(fs, stderr, samplingIgnored(c.sampling))
	return c, nil
}

// runAnalyze samples the probe, runs every analysis that applies and computes the --metric map.
func runAnalyze(ctx context.Context, c *analyzeConfig, stderr io.Writer) (*analysis, error) {
	sm, err := sampleProbe(ctx, c.sampling, stderr)
	if err != nil {
		return nil, err
	}
	opt := &surface.SummaryOptions{}
	if c.regions {
		opt.Net = sm.Net
	}
	if c.inputGrad {
		opt.Grader = sm.Eval
	}
	opt.GateNet = sm.Net
	a := &analysis{Sampled: sm}
	// The analyses check ctx between steps of up to a second or two on a large plane; the command
	// stops waiting for them at once.
	if a.summary, err = detach.Run(ctx, func() (*surface.ProbeSummary, error) { return surface.Summarize(ctx, sm.Grid, opt) }); err != nil {
		return nil, err
	}
	if n := min(c.gateImages, sm.Set.Len()); n > 0 && len(sm.Net.Gates()) > 0 {
		if a.gates, err = surface.GateSaturation(ctx, sm.Net, sm.Set.Images, n, nil); err != nil {
			return nil, err
		}
	}
	if a.metric, err = detach.Run(ctx, func() (*surface.Field, error) { return metricMap(ctx, sm, c.metric) }); err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("--metric %s: %v", c.metric, err)
	}
	return a, nil
}

// writeAnalysis writes the map (NPY, VTK) and the JSON report that were asked for, each with
// provenance rec, saying so on w.
func writeAnalysis(w io.Writer, c *analyzeConfig, a *analysis, rec provenance.Record) error {
	g, m := a.Grid, a.metric
	if c.npy != "" {
		shape := []int{g.NY, g.NX}
		if g.T == nil {
			shape = []int{g.NX}
		}
		if err := surface.WriteNPY(c.npy, shape, surface.FieldArray("", m).Values, rec); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s: %v float32 %s map\n", c.npy, shape, c.metric)
	}
	if c.vts != "" {
		arrays := []surface.VTKArray{surface.FieldArray(c.metric, m), surface.FieldArray("class", surface.Predicted(g)),
			{Name: "logits", Components: g.K, Values: g.Values}}
		if err := surface.WriteVTS(c.vts, rec, m, arrays...); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s: %dx%d structured grid, height = %s\n", c.vts, g.NX, g.NY, c.metric)
	}
	if c.out == "" {
		return nil
	}
	s := c.sampling
	report := struct {
		Model   string                `json:"model"`
		Data    string                `json:"data"`
		Split   string                `json:"split"`
		Probe   string                `json:"probe"`
		Anchors []projection.Anchor   `json:"anchors"`
		Summary *surface.ProbeSummary `json:"summary"`
		Metric  string                `json:"metric"`
		Map     surface.Stats         `json:"map"`
		Gates   *surface.GateSummary  `json:"gates_split,omitempty"` // over the split's first images
	}{s.Model, s.Data, s.Split, s.Probe, g.Probe.Anchors, a.summary, c.metric, m.Describe(), a.gates}
	if err := writeJSON(c.out, rec, report); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s\n", c.out)
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
	case "loss":
		if k < 0 && len(a.Spec.Images) > 0 {
			k = a.Set.Labels[a.Spec.Images[0]] // the label of the probe's first image
		}
		if k < 0 {
			return nil, fmt.Errorf("the probe has no labelled first image; give loss:L")
		}
		return view.MetricField(g, name, 0, k)
	case "margin", "class":
		return view.MetricField(g, name, 0, 0)
	case "logit", "prob", "grad", "gauss", "meancurv", "k1", "k2", "mirror":
		if err := needClass(); err != nil {
			return nil, err
		}
		return view.MetricField(g, name, k, 0) // one code path with the app and render
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

// printSummary prints the probe's analyses as the app's Stats tab shows them (view.StatisticsWith
// the lines more), then the --metric map's range.
func printSummary(w io.Writer, probe string, s *surface.ProbeSummary, more, metric string, m surface.Stats) {
	fmt.Fprintf(w, "probe %s: ", probe)
	fmt.Fprint(w, view.StatisticsWith(s, more))
	fmt.Fprintf(w, "%s map: min %.4g, median %.4g, max %.4g\n", metric, m.Min, m.Median, m.Max)
}
