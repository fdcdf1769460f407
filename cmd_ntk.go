package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/surface/ntk"
	"github.com/surfscope/surfscope/view"
)

func cmdNTK(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ntk", "--model FILE --data NAME [--n 2000] [--split test|train] [--output mean|sum|logit:K] [--ridge δ] [--plane data:I,J,K] --out ntk.json [--npy spectrum.npy]", stderr)
	model := fs.String("model", modelfile.Embedded, "surfscope checkpoint or ONNX file; \"embedded\" is the built-in model")
	data := fs.String("data", "sample", "dataset: mnist, fashion, cifar10, cifar100, sample, or a folder")
	n := fs.Int("n", 2000, "kernel samples: the first N images of the split")
	split := fs.String("split", "test", "split the kernel samples come from: test (default: images the network never saw) or train")
	output := fs.String("output", "mean", "kernel of: mean (average of the per-logit kernels), sum (of the logits) or logit:K")
	ridge := fs.Float64("ridge", 0, "ridge δ of the eigenlearning equation and the kernel regressions, in kernel units")
	sizes := fs.String("sizes", "", "training-set sizes to predict and measure, e.g. 250,500,1000 (default N/8,N/4,N/2 and the model's own training size when below N)")
	trials := fs.Int("trials", 3, "kernel regressions per training size (0: none)")
	fit := fs.String("fit", "", "eigenvalue index range of the power-law fit, FROM:TO, 1-based (default 10:N/2)")
	initial := fs.Bool("init", true, "also analyse the kernel at initialisation (the architecture rebuilt with its recorded seed) and compare")
	testN := fs.Int("test-n", 0, "test images the network is scored on (0: the whole test split)")
	memMiB := fs.Int("mem", 1024, "memory bound for per-sample gradients held at once, MiB")
	seed := fs.Uint64("seed", 1, "seed of the kernel regressions' training draws")
	plane := fs.String("plane", "", "optional plane probe on the --split images ("+view.ProbeUsage+", not a line) whose surface of the predicted logit is expanded in the top kernel eigenfunctions")
	grid := fs.Int("grid", 32, "--plane: points per axis")
	modes := fs.Int("modes", 8, "--plane: eigenfunctions")
	planeOut := fs.String("plane-out", "", "--plane: .npy file, float32 [modes+2][grid][grid]: the eigenfunctions on the plane, the logit surface, its expansion in all the modes")
	out := fs.String("out", "", "JSON report to write")
	npy := fs.String("npy", "", "optional .npy file: float32 [N][4], per mode i: λ_i, v_i², L_i at the largest size, λ_i at initialisation (NaN without)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required")
	}
	outSel, err := ntk.ParseOutput(*output)
	if err != nil {
		return fmt.Errorf("--output: %v", err)
	}
	if *n < 2 {
		return fmt.Errorf("--n %d: want at least 2 samples", *n)
	}
	if *ridge < 0 || math.IsNaN(*ridge) || math.IsInf(*ridge, 0) {
		return fmt.Errorf("--ridge %v: want a finite value ≥ 0", *ridge)
	}
	if *plane != "" && (*grid < 2 || *modes < 1) {
		return fmt.Errorf("--grid %d, --modes %d: want a grid of at least 2 and at least 1 mode", *grid, *modes)
	}
	if *memMiB < 1 {
		return fmt.Errorf("--mem %d: want at least 1 MiB", *memMiB)
	}
	opt := ntk.Options{Kernel: ntk.KernelOptions{Output: outSel, MaxBytes: int64(*memMiB) << 20},
		Ridge: *ridge, Trials: *trials, Seed: *seed}
	if *trials == 0 {
		opt.Trials = -1
	}
	if *fit != "" {
		lo, hi, ok := strings.Cut(*fit, ":")
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || a < 1 || b < a+2 {
			return fmt.Errorf("--fit %q: want FROM:TO with 1 ≤ FROM and TO ≥ FROM+2", *fit)
		}
		opt.FitFrom, opt.FitTo = a, b
	}
	net, err := modelfile.Load(*model)
	if err != nil {
		return err
	}
	set, err := openSplit(*data, *split, net)
	if err != nil {
		return err
	}
	if *n > set.Len() {
		return fmt.Errorf("--n %d: %s has %d images", *n, set.Name, set.Len())
	}
	if set.Classes != net.Classes {
		return fmt.Errorf("the model has %d logits, %s has %d classes", net.Classes, set.Name, set.Classes)
	}
	trainSize := trainedOn(net)
	if *sizes != "" {
		for _, f := range strings.Split(*sizes, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || v < 1 || v >= *n {
				return fmt.Errorf("--sizes %q: %q is not a size between 1 and %d", *sizes, f, *n-1)
			}
			opt.TrainSizes = append(opt.TrainSizes, v)
		}
	} else {
		opt.TrainSizes = []int{*n / 8, *n / 4, *n / 2}
		if trainSize > 0 && trainSize < *n {
			opt.TrainSizes = append(opt.TrainSizes, trainSize)
		}
	}
	var probe *projection.Probe
	if *plane != "" {
		spec, err := projection.ParseSpec(*plane)
		if err != nil {
			return fmt.Errorf("--plane: %v", err)
		}
		ev, err := infer.New(net) // the adversarial plane's input gradient
		if err != nil {
			return err
		}
		if probe, err = surface.BuildProbe(spec, net.Input, set.Images, set.Labels, ev, projection.Sizes{Grid: *grid}); err != nil {
			return fmt.Errorf("--plane %s: %s: %v", *plane, set.Name, err)
		}
		if _, ny := probe.Dims(); ny < 2 {
			return fmt.Errorf("--plane %s: a line, not a plane", *plane)
		}
	}
	if *initial {
		if opt.Initial, err = ntk.Initial(net); err != nil {
			return fmt.Errorf("%v (run with --init=false to skip the initial kernel)", err)
		}
	}
	sub := set.Head(*n)
	p := &progress{w: stderr}
	stage := ""
	t0 := time.Now()
	rep, err := ntk.Analyze(ctx, net, sub.Images, sub.Labels, opt, func(s string, done, total int) {
		if s != stage {
			stage, p.what, p.last = s, s, time.Time{}
		}
		p.update(done, total)
	})
	if err != nil {
		return err
	}
	if probe != nil {
		D := net.InputSize()
		pts := make([]float32, probe.Len()*D)
		for k := 0; k < probe.Len(); k++ {
			probe.Point(pts[k*D:(k+1)*D], k)
		}
		p.what, p.last = "plane kernel", time.Time{}
		rep.Plane, err = ntk.ProjectPlane(ctx, net, rep.Trained, sub.Images, pts, probe.Len(), -1, *modes, opt.Kernel, p.update)
		if err != nil {
			return err
		}
		if *planeOut != "" {
			if err := surface.WriteNPY(*planeOut, []int{rep.Plane.Modes + 2, *grid, *grid}, planeLayers(rep.Plane)); err != nil {
				return err
			}
		}
	}
	test, err := openSplit(*data, dataset.Test, net)
	if err != nil {
		return err
	}
	if *testN > 0 && *testN < test.Len() {
		test = test.Head(*testN)
	}
	met, err := ntk.MeasureNet(net, test.Images, test.Labels)
	if err != nil {
		return err
	}
	met.TrainImages = trainSize
	rep.Network = &met
	rep.Seconds = time.Since(t0).Seconds()
	if err := writeJSON(*out, rep); err != nil {
		return err
	}
	if *npy != "" {
		if err := surface.WriteNPY(*npy, []int{*n, 4}, spectrumColumns(rep)); err != nil {
			return err
		}
	}
	printNTK(stdout, rep, set.Name, *memMiB)
	fmt.Fprintf(stdout, "wrote %s", *out)
	if *npy != "" {
		fmt.Fprintf(stdout, " and %s", *npy)
	}
	fmt.Fprintln(stdout)
	return nil
}

// trainedOn reads the training-set size train records in Meta["dataset"] ("mnist/train (10000
// images)"), or 0.
func trainedOn(net *models.Net) int {
	m := regexp.MustCompile(`\((\d+) images\)`).FindStringSubmatch(net.Meta["dataset"])
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(m[1])
	return v
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
		fmt.Fprintf(w, "  %6s %10s %7s %9s | %12s %12s | %12s %12s %10s\n", "n", "κ", "E₀", "ΣL", "pred MSE", "pred heldout", "KRR MSE", "KRR heldout", "KRR error")
		for _, p := range k.Sizes {
			fmt.Fprintf(w, "  %6d", p.N)
			if q := p.Prediction; q != nil {
				fmt.Fprintf(w, " %10.4g %7.3f %9.2f | %12.4f %12.4f |", q.Kappa, q.E0, q.SumL, q.TestMSE, float64(q.HeldOutMSE))
			} else {
				fmt.Fprintf(w, " %10s %7s %9s | %12s %12s |", "-", "-", "-", "-", "-")
			}
			if g := p.Regression; g != nil {
				fmt.Fprintf(w, " %12.4f %12.4f %9.2f%%", g.MSE, float64(g.HeldOutMSE), 100*float64(g.HeldOutError))
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
