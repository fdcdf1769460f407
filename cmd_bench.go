package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/surface"
)

// benchResult is one line of the standard workload format of shared/bench/WORKLOADS.md.
type benchResult struct {
	impl, workload, unit string
	metric               float64
}

func (r benchResult) String() string {
	return fmt.Sprintf("impl=%s workload=%s metric=%.6g unit=%s", r.impl, r.workload, r.metric, r.unit)
}

// higherIsBetter says whether a larger metric of this unit is faster.
func higherIsBetter(unit string) bool { return strings.HasSuffix(unit, "/s") }

// benchTargets are the speed targets of the issues, as surfscope/PyTorch speed-ups.
var benchTargets = map[string]float64{"mlp-plane": 5, "cnn-plane": 2, "mlp-train": 1, "cnn-train": 0.5, "landscape": 2}

// workload runs one standard workload and returns its lines.
type workload func(ctx context.Context, stderr io.Writer) ([]benchResult, error)

func benchWorkloads(grid int) map[string]workload {
	plane := func(name string) workload {
		return func(ctx context.Context, stderr io.Writer) ([]benchResult, error) {
			b, err := infer.BenchPlaneDetail(ctx, name, grid)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(stderr, "%s: %d points in %.2fs, %.1f GFLOP/s of the whole net (%.1f executed with the plane shortcut)\n",
				name, b.Points, b.Seconds, b.NetGFLOPs, b.ExecGFLOPs)
			return []benchResult{{"surfscope", name, "points/s", b.PointsPerSec}}, nil
		}
	}
	return map[string]workload{
		"mlp-plane": plane("mlp-plane"),
		"cnn-plane": plane("cnn-plane"),
		"landscape": func(ctx context.Context, stderr io.Writer) ([]benchResult, error) {
			train, err := dataset.Open(dataset.MNIST, dataset.Train)
			if err != nil {
				return nil, err
			}
			set := train.Head(2000)
			sec, err := surface.BenchLandscape(ctx, nil, set.Images, set.Labels, 51)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(stderr, "landscape: 51x51 parameter plane, loss on 2,000 MNIST images in %.2fs\n", sec)
			return []benchResult{{"surfscope", "landscape", "s", sec}}, nil
		},
	}
}

// benchConfig is what `surfscope bench` is asked to do.
type benchConfig struct {
	workloads      []string
	all            map[string]workload
	python, script string // the PyTorch reference
	grid           int
}

func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	gflops, blas := infer.SgemmPeak(512, time.Second)
	fmt.Fprintf(stdout, "machine: sgemm peak %.1f GFLOP/s (%s)\n", gflops, blas)
	ours := map[string]benchResult{}
	for _, n := range c.workloads {
		res, err := c.all[n](ctx, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		for _, r := range res {
			fmt.Fprintln(stdout, r)
			ours[r.workload] = r
		}
	}
	theirs, err := runReference(ctx, c.python, c.script, c.workloads, c.grid, stderr)
	if err != nil {
		fmt.Fprintf(stdout, "no PyTorch reference: %v\n", err)
		return nil
	}
	printRatios(stdout, c.workloads, ours, theirs)
	return nil
}

// parseBench reads the flags of `surfscope bench`.
func parseBench(args []string, stderr io.Writer) (*benchConfig, error) {
	fs := newFlags("bench", "[--workloads mlp-plane,cnn-plane] [--reference PATH] [--grid 256]", stderr)
	c := &benchConfig{}
	names := fs.String("workloads", "mlp-plane,cnn-plane,landscape", "comma-separated workloads of shared/bench/WORKLOADS.md")
	fs.StringVar(&c.script, "reference", filepath.Join("..", "shared", "bench", "torch_reference.py"), "PyTorch reference script (skipped if absent)")
	fs.StringVar(&c.python, "python", "/usr/bin/python3", "Python with Debian's python3-torch")
	fs.IntVar(&c.grid, "grid", 256, "plane workloads: points per axis")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	c.all = benchWorkloads(c.grid)
	for _, n := range strings.Split(*names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if c.all[n] == nil {
			return nil, fmt.Errorf("unknown workload %q", n)
		}
		c.workloads = append(c.workloads, n)
	}
	return c, nil
}

// printRatios prints the reference's line and surfscope's speed-up over it for each workload,
// against the issues' targets.
func printRatios(w io.Writer, names []string, ours, theirs map[string]benchResult) {
	for _, n := range names {
		o, ok1 := ours[n]
		t, ok2 := theirs[n]
		if !ok1 || !ok2 || o.unit != t.unit || o.metric <= 0 || t.metric <= 0 {
			continue
		}
		fmt.Fprintln(w, t)
		speedup := o.metric / t.metric
		if !higherIsBetter(o.unit) {
			speedup = t.metric / o.metric
		}
		verdict := ""
		if target, ok := benchTargets[n]; ok {
			verdict = fmt.Sprintf(" (target ≥%gx: %s)", target, map[bool]string{true: "met", false: "NOT met"}[speedup >= target])
		}
		fmt.Fprintf(w, "ratio workload=%s surfscope/pytorch speed-up=%.2fx%s\n", n, speedup, verdict)
	}
}

// runReference runs the PyTorch reference script for the workloads and parses its lines.
func runReference(ctx context.Context, python, script string, names []string, grid int, stderr io.Writer) (map[string]benchResult, error) {
	if _, err := os.Stat(script); err != nil {
		return nil, err
	}
	if _, err := exec.LookPath(python); err != nil {
		return nil, err
	}
	args := []string{script, "--threads", "2", "--grid", strconv.Itoa(grid), "--workloads", strings.Join(names, ",")}
	if dir, err := dataset.MNISTDir(); err == nil {
		args = append(args, "--mnist", dir)
	}
	cmd := exec.CommandContext(ctx, python, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %w", script, err)
	}
	res := map[string]benchResult{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if r, ok := parseBenchLine(sc.Text()); ok {
			res[r.workload] = r
		}
	}
	return res, nil
}

// parseBenchLine reads "impl=I workload=W metric=V unit=U".
func parseBenchLine(line string) (benchResult, bool) {
	var r benchResult
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "impl":
			r.impl = v
		case "workload":
			r.workload = v
		case "unit":
			r.unit = v
		case "metric":
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return r, false
			}
			r.metric = x
		}
	}
	return r, r.impl != "" && r.workload != "" && r.unit != ""
}
