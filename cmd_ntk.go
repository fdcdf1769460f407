package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/surface/ntk"
	"github.com/surfscope/surfscope/view"
)

// ntkConfig is what `surfscope ntk` is asked to do.
type ntkConfig struct {
	model, data, split string
	n, testN, memMiB   int
	initial            bool  // also the kernel at initialisation
	sizes              []int // nil: N/8, N/4, N/2 and the model's own training size
	opt                ntk.Options
	plane, planeOut    string // --plane probe and its .npy file
	grid, modes        int
	out, npy           string
}

func cmdNTK(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("ntk", args)
	c, err := parseNTK(args, stderr)
	if err != nil {
		return err
	}
	rep, set, probe, err := runNTK(ctx, c, stderr)
	if err != nil {
		return err
	}
	rec.Data, rec.Split = view.DataProvenance(c.data), c.split
	if err := identifyModels(&rec, c.model); err != nil {
		return err
	}
	if err := writeNTK(c, rep, probe, rec); err != nil {
		return err
	}
	printNTK(stdout, rep, set.Name, c.memMiB)
	fmt.Fprintf(stdout, "wrote %s", c.out)
	if c.npy != "" {
		fmt.Fprintf(stdout, " and %s", c.npy)
	}
	fmt.Fprintln(stdout)
	return nil
}

// parseNTK reads and checks the flags of `surfscope ntk`.
func parseNTK(args []string, stderr io.Writer) (*ntkConfig, error) {
	fs := newFlags("ntk", "--model FILE --data NAME [--n 2000] [--split test|train] [--output mean|sum|logit:K] [--ridge δ] [--plane data:I,J,K] --out ntk.json [--npy spectrum.npy]", stderr)
	c := &ntkConfig{}
	fs.StringVar(&c.model, "model", modelfile.Embedded, view.ModelUsage)
	fs.StringVar(&c.data, "data", "sample", view.DataUsage)
	fs.IntVar(&c.n, "n", 2000, "kernel samples: the first N images of the split")
	fs.StringVar(&c.split, "split", dataset.Test, "split the kernel samples come from: test (default: images the network never saw) or train")
	output := fs.String("output", "mean", "kernel of: mean (average of the per-logit kernels), sum (of the logits) or logit:K")
	fs.Float64Var(&c.opt.Ridge, "ridge", 0, "ridge δ of the eigenlearning equation and the kernel regressions, in kernel units")
	sizes := fs.String("sizes", "", "training-set sizes to predict and measure, e.g. 250,500,1000 (default N/8,N/4,N/2 and the model's own training size when below N)")
	fs.IntVar(&c.opt.Trials, "trials", 3, "kernel regressions per training size (0: none)")
	fs.BoolVar(&c.opt.WithReplacement, "with-replacement", false, "draw each regression's training samples i.i.d. from the N (repeats possible) instead of N distinct ones; see docs/METRICS.md")
	fit := fs.String("fit", "", "eigenvalue index range of the power-law fit, FROM:TO, 1-based (default 10:N/2)")
	fs.BoolVar(&c.initial, "init", true, "also analyse the kernel at initialisation (the architecture rebuilt with its recorded seed) and compare")
	fs.IntVar(&c.testN, "test-n", 0, "test images the network is scored on (0: the whole test split)")
	fs.IntVar(&c.memMiB, "mem", 1024, "memory bound for the per-sample gradients held at once, MiB; the N×N kernel and its eigen-decomposition come on top (about 48·N² bytes, 64·N² with --init), and the whole is checked against the memory cap (SURFSCOPE_MAX_MEMORY)")
	fs.Uint64Var(&c.opt.Seed, "seed", 1, "seed of the kernel regressions' training draws")
	fs.StringVar(&c.plane, "plane", "", "optional plane probe on the --split images ("+view.ProbeUsage+", not a line) whose surface of the predicted logit is expanded in the top kernel eigenfunctions")
	fs.IntVar(&c.grid, "grid", 32, "--plane: points per axis")
	fs.IntVar(&c.modes, "modes", 8, "--plane: eigenfunctions")
	fs.StringVar(&c.planeOut, "plane-out", "", "--plane: .npy file, float32 [modes+2][grid][grid]: the eigenfunctions on the plane, the logit surface, its expansion in all the modes")
	fs.StringVar(&c.out, "out", "", "JSON report to write")
	fs.StringVar(&c.npy, "npy", "", "optional .npy file: float32 [N][4], per mode i: λ_i, v_i², L_i at the largest size, λ_i at initialisation (NaN without)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.check(*output, *sizes, *fit); err != nil {
		return nil, err
	}
	return c, nil
}

// check validates the flags and fills the options the text flags describe.
func (c *ntkConfig) check(output, sizes, fit string) error {
	if c.out == "" {
		return &flagError{"--out is required"}
	}
	sel, err := ntk.ParseOutput(output)
	if err != nil {
		return fmt.Errorf("--output: %v", err)
	}
	c.opt.Kernel = ntk.KernelOptions{Output: sel, MaxBytes: int64(c.memMiB) << 20}
	if c.opt.Trials == 0 {
		c.opt.Trials = -1 // ntk.Options: 0 means the default, negative none
	}
	if fit != "" {
		lo, hi, ok := strings.Cut(fit, ":")
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || a < 1 || b < a+2 {
			return fmt.Errorf("--fit %q: want FROM:TO with 1 ≤ FROM and TO ≥ FROM+2", fit)
		}
		c.opt.FitFrom, c.opt.FitTo = a, b
	}
	if sizes != "" {
		for _, f := range strings.Split(sizes, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || v < 1 || v >= c.n {
				return fmt.Errorf("--sizes %q: %q is not a size between 1 and %d", sizes, f, c.n-1)
			}
			c.sizes = append(c.sizes, v)
		}
	}
	return nil
}

// runNTK loads the model and data and analyses the kernel: spectrum, predictions and
// measurements, the optional plane, and the network's own test errors. It returns the report,
// the split the kernel samples come from and the --plane probe (nil without one).
func runNTK(ctx context.Context, c *ntkConfig, stderr io.Writer) (*ntk.Report, *dataset.Set, *projection.Probe, error) {
	net, set, err := openModel(c.model, c.data, c.split)
	if err != nil {
		return nil, nil, nil, err
	}
	if c.n > set.Len() {
		return nil, nil, nil, fmt.Errorf("--n %d: %s has %d images", c.n, set.Name, set.Len())
	}
	if set.Classes != net.Classes {
		return nil, nil, nil, fmt.Errorf("the model has %d logits, %s has %d classes", net.Classes, set.Name, set.Classes)
	}
	trained, err := trainingImages(net)
	if err != nil {
		return nil, nil, nil, err
	}
	opt := c.opt
	opt.TrainSizes = c.sizes
	if opt.TrainSizes == nil {
		opt.TrainSizes = []int{c.n / 8, c.n / 4, c.n / 2}
		if trained > 0 && trained < c.n {
			opt.TrainSizes = append(opt.TrainSizes, trained)
		}
	}
	probe, err := c.planeProbe(net, set)
	if err != nil {
		return nil, nil, nil, err
	}
	if c.initial {
		if opt.Initial, err = ntk.Initial(net); err != nil {
			return nil, nil, nil, fmt.Errorf("%v (run with --init=false to skip the initial kernel)", err)
		}
	}
	sub := set.Head(c.n)
	pr := stagedProgress(stderr)
	t0 := time.Now()
	rep, err := ntk.Analyze(ctx, net, sub.Images, sub.Labels, opt, pr)
	if err != nil {
		return nil, nil, nil, err
	}
	if probe != nil {
		if err := memcap.Check(fmt.Sprintf("the %d points of --plane", probe.Len()), memcap.Mul(int64(probe.Len()), int64(net.InputSize()), 4)); err != nil {
			return nil, nil, nil, err
		}
		pts := make([]float32, probe.Len()*net.InputSize())
		for k, D := 0, net.InputSize(); k < probe.Len(); k++ {
			probe.Point(pts[k*D:(k+1)*D], k)
		}
		rep.Plane, err = ntk.ProjectPlane(ctx, net, rep.Trained, sub.Images, pts, probe.Len(), -1, c.modes, opt.Kernel,
			func(done, total int) { pr("plane kernel", done, total) })
		if err != nil {
			return nil, nil, nil, err
		}
	}
	if rep.Network, err = c.measureNetwork(net, trained); err != nil {
		return nil, nil, nil, err
	}
	rep.Seconds = time.Since(t0).Seconds()
	return rep, set, probe, nil
}

// trainingImages is the number of images the net was trained on, from its training record, or 0
// for a net without one (imported, or a checkpoint written before records existed).
func trainingImages(net *models.Net) (int, error) {
	r, ok, err := net.TrainedOn()
	if err != nil || !ok {
		return 0, err
	}
	return r.Images, nil
}

// planeProbe builds the --plane probe on the split's images, or returns nil without one.
func (c *ntkConfig) planeProbe(net *models.Net, set *dataset.Set) (*projection.Probe, error) {
	if c.plane == "" {
		return nil, nil
	}
	spec, err := projection.ParseSpec(c.plane)
	if err != nil {
		return nil, fmt.Errorf("--plane: %v", err)
	}
	ev, err := infer.New(net) // the adversarial plane's input gradient
	if err != nil {
		return nil, err
	}
	probe, err := surface.BuildProbe(spec, net.Input, set.Images, set.Labels, ev, projection.Sizes{Grid: c.grid})
	if err != nil {
		return nil, fmt.Errorf("--plane %s: %s: %v", c.plane, set.Name, err)
	}
	if _, ny := probe.Dims(); ny < 2 {
		return nil, fmt.Errorf("--plane %s: a line, not a plane", c.plane)
	}
	return probe, nil
}

// measureNetwork scores the net on the test split (its first --test-n images).
func (c *ntkConfig) measureNetwork(net *models.Net, trained int) (*ntk.NetMetrics, error) {
	test, err := openSplit(c.data, dataset.Test, net)
	if err != nil {
		return nil, err
	}
	if c.testN > 0 && c.testN < test.Len() {
		test = test.Head(c.testN)
	}
	met, err := ntk.MeasureNet(net, test.Images, test.Labels)
	if err != nil {
		return nil, err
	}
	met.TrainImages = trained
	return &met, nil
}

// writeNTK writes the report and the optional spectrum and plane files with provenance rec: the
// report and the spectrum with the regressions' seed, the plane file with the --plane probe's.
func writeNTK(c *ntkConfig, rep *ntk.Report, probe *projection.Probe, rec provenance.Record) error {
	if rep.Plane != nil && c.planeOut != "" {
		pr := rec
		pr.Probe, pr.Metric = c.plane, fmt.Sprintf("NTK eigenfunctions of logit %d on the plane, the logit, its expansion", rep.Plane.Logit)
		if spec, _ := projection.ParseSpec(c.plane); spec.Kind == "random" || spec.Kind == "flip" || spec.Kind == "grad" {
			pr.SetSeed(spec.Seed)
		}
		pr.SetGrid(probe.S, probe.T)
		if err := surface.WriteNPY(c.planeOut, []int{rep.Plane.Modes + 2, c.grid, c.grid}, planeLayers(rep.Plane), pr); err != nil {
			return err
		}
	}
	rec.SetSeed(c.opt.Seed)
	if c.npy != "" {
		sr := rec
		sr.Metric = "NTK spectrum: per mode λ_i, v_i², L_i, λ⁰_i"
		if err := surface.WriteNPY(c.npy, []int{c.n, 4}, spectrumColumns(rep), sr); err != nil {
			return err
		}
	}
	return writeJSON(c.out, rec, rep)
}

// planeLayers lays out the --plane-out file: each eigenfunction over the plane, the logit surface,
// its expansion.
func planeLayers(pp *ntk.PlaneProjection) []float32 {
	np := len(pp.Surface)
	out := make([]float32, 0, (pp.Modes+2)*np)
	for i := 0; i < pp.Modes; i++ {
		for p := 0; p < np; p++ {
			out = append(out, float32(pp.Eigenfunctions.At(p, i)))
		}
	}
	for _, layer := range [][]float64{pp.Surface, pp.Reconstruction} {
		for _, v := range layer {
			out = append(out, float32(v))
		}
	}
	return out
}

// spectrumColumns lays out the --npy file: per mode λ_i, v_i², L_i at the largest size, λ⁰_i.
func spectrumColumns(r *ntk.Report) []float32 {
	nan := float32(math.NaN())
	out := make([]float32, 4*r.Samples)
	t := r.Trained
	var learn []float64
	for k := len(t.Sizes) - 1; k >= 0 && learn == nil; k-- {
		if p := t.Sizes[k].Prediction; p != nil {
			learn = p.Learnabilities
		}
	}
	for i := 0; i < r.Samples; i++ {
		row := out[4*i : 4*i+4]
		row[0], row[1], row[2], row[3] = float32(t.Eigenvalues[i]), float32(t.TargetPower[i]), nan, nan
		if learn != nil {
			row[2] = float32(learn[i])
		}
		if r.Initial != nil {
			row[3] = float32(r.Initial.Eigenvalues[i])
		}
	}
	return out
}

func printNTK(w io.Writer, r *ntk.Report, data string, memMiB int) {
	st := r.Trained.Stats
	fmt.Fprintf(w, "NTK (%s) of %d images of %s, %d parameters; gradient record %.1f KB per sample, %.1f MB held (bound %d MiB), %d pass(es)\n",
		r.Output, r.Samples, data, r.Params, float64(st.RecordBytes)/1e3, float64(st.HeldBytes)/1e6, memMiB, st.Passes)
	show := func(name string, k *ntk.KernelReport) {
		s := k.Stats
		fmt.Fprintf(w, "%s kernel: gradients %.1fs, products %.1fs, eigen-decomposition %.1fs; mean Θ(x,x) %.4g, smallest Gram eigenvalue %.3g\n",
			name, s.JacobianSeconds, s.DotSeconds, k.EigenSeconds, k.MeanDiagonal, k.MinGram)
		if k.PowerLawErr != "" {
			fmt.Fprintf(w, "  power law: %s\n", k.PowerLawErr)
		} else {
			pl := k.PowerLaw
			fmt.Fprintf(w, "  spectrum power law λ_i ∝ i^-%.3f over i = %d..%d (R² %.3f); λ_1 = %.4g, centred target alignment %.3f\n",
				pl.Exponent, pl.From, pl.To, pl.R2, k.Eigenvalues[0], float64(k.TargetAlignment))
		}
		fmt.Fprintf(w, "  kernel regressions draw their training samples %s\n", r.Sampling)
		fmt.Fprintf(w, "  %6s %10s %7s %9s | %12s %12s | %12s %12s %10s\n", "n", "κ", "E₀", "ΣL", "pred MSE", "pred heldout", "KRR MSE", "KRR heldout", "KRR error")
		for _, p := range k.Sizes {
			fmt.Fprintf(w, "  %6d", p.N)
			if q := p.Prediction; q != nil {
				fmt.Fprintf(w, " %10.4g %7.3f %9.2f | %12.4f %12.4f |", q.Kappa, q.E0, q.SumL, q.TestMSE, float64(q.HeldOutMSE))
			} else {
				fmt.Fprintf(w, " %10s %7s %9s | %12s %12s |", "-", "-", "-", "-", "-")
			}
			if g := p.Regression; g != nil {
				fmt.Fprintf(w, " %12s %12.4f %9.2f%%", fmt.Sprintf("%.4f±%.4f", g.MSE, float64(g.MSEStdErr)), float64(g.HeldOutMSE), 100*float64(g.HeldOutError))
			}
			if p.Err != "" {
				fmt.Fprintf(w, "  (%s)", p.Err)
			}
			fmt.Fprintln(w)
		}
	}
	show("trained", r.Trained)
	if r.Initial != nil {
		show("initial", r.Initial)
		fmt.Fprintf(w, "kernel change ‖Θ_T − Θ_0‖/‖Θ_0‖ = %.4f, alignment ⟨Θ_0,Θ_T⟩/(‖Θ_0‖‖Θ_T‖) = %.4f\n",
			float64(r.RelativeChange), float64(r.Alignment))
	}
	if m := r.Network; m != nil {
		trained := "an unknown number of"
		if m.TrainImages > 0 {
			trained = strconv.Itoa(m.TrainImages)
		}
		fmt.Fprintf(w, "network (trained on %s images) on %d test images: softmax MSE %.4f, logit MSE %.4f, test error %.2f%%\n",
			trained, m.Images, m.SoftmaxMSE, m.LogitMSE, 100*m.Error)
	}
	if pp := r.Plane; pp != nil {
		fmt.Fprintf(w, "plane: logit %d expanded in the top %d eigenfunctions leaves a residual of", pp.Logit, pp.Modes)
		for k, v := range pp.Residual {
			fmt.Fprintf(w, " %d:%.3f", k+1, v)
		}
		fmt.Fprintln(w, " (fraction of Σf² over the plane, by modes used)")
	}
	fmt.Fprintf(w, "peak memory (resident) %s, %.1fs in all\n", peakRSS(), r.Seconds)
}

// peakRSS reads the process's peak resident memory from /proc (Linux), or says it is unknown.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
