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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models/infer"
)

// benchResult is one line of the standard workload format of shared/bench/WORKLOADS.md.
type benchResult struct {
	impl, workload, unit string
	metric               float64
	extra                []string // further key=value fields, as the reference prints them
	peakRSSMB            float64  // 0 when not measured
}

func (r benchResult) String() string {
	s := fmt.Sprintf("impl=%s workload=%s metric=%.6g unit=%s", r.impl, r.workload, r.metric, r.unit)
	if len(r.extra) > 0 {
		s += " " + strings.Join(r.extra, " ")
	}
	if r.peakRSSMB > 0 && !strings.Contains(s, "peak_rss_mb=") {
		s += fmt.Sprintf(" peak_rss_mb=%.0f", r.peakRSSMB)
	}
	return s
}

// higherIsBetter says whether a larger metric of this unit is faster.
func higherIsBetter(unit string) bool { return strings.HasSuffix(unit, "/s") }

// benchConfig is what `surfscope bench` is asked to do.
type benchConfig struct {
	workloads      []string
	python, script string // the PyTorch reference; script "" for none
	grid, threads  int
	isolate        bool   // each workload in a process of its own
	workdir        string // where training workloads leave their nets for the absolute workloads
}

// cmdBench runs each workload, then the reference's workload right after it, and prints both
// lines and their ratio; a table of every ratio against its target ends the run.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	if !c.isolate {
		runtime.GOMAXPROCS(c.threads)
	}
	if c.isolate || c.script != "" { // not in a child of an isolated run
		gflops, blas := infer.SgemmPeak(512, time.Second)
		fmt.Fprintf(stdout, "machine: sgemm peak %.1f GFLOP/s (%s), %d threads\n", gflops, blas, c.threads)
	}
	if c.workdir == "" {
		if c.workdir, err = os.MkdirTemp("", "surfscope-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(c.workdir)
	}
	theirs := map[string]benchResult{}
	var rows []benchRow
	for _, n := range c.workloads {
		load := loadAverage()
		o, err := c.runOurs(ctx, n, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		fmt.Fprintln(stdout, o)
		if _, abs := absoluteTargets[n]; abs {
			row := newBenchRow(n, o, benchResult{})
			row.load = load
			fmt.Fprintln(stdout, row.line())
			rows = append(rows, row)
			continue
		}
		ref := referenceName(n)
		t, ok := theirs[ref]
		if !ok && c.script != "" {
			if t, err = c.runReference(ctx, ref, stderr); err != nil {
				fmt.Fprintf(stdout, "no PyTorch reference for %s: %v\n", n, err)
				rows = append(rows, failedReferenceRow(n, o, load, err))
				continue
			}
			theirs[ref], ok = t, true
		}
		if ok {
			fmt.Fprintln(stdout, t)
			row := newBenchRow(n, o, t)
			row.load = load
			fmt.Fprintln(stdout, row.line())
			rows = append(rows, row)
		}
	}
	if len(rows) > 0 {
		printBenchTable(stdout, rows)
	}
	return nil
}

// parseBench reads the flags of `surfscope bench`.
func parseBench(args []string, stderr io.Writer) (*benchConfig, error) {
	fs := newFlags("bench", "[--workloads all|NAME,...] [--threads 2] [--grid 256] [--reference PATH]", stderr)
	c := &benchConfig{}
	names := fs.String("workloads", "all", "comma-separated workloads of shared/bench/WORKLOADS.md, or all: "+strings.Join(benchWorkloadNames, ","))
	fs.StringVar(&c.script, "reference", filepath.Join("..", "shared", "bench", "torch_reference.py"), "PyTorch reference script (\"\" or absent: none)")
	fs.StringVar(&c.python, "python", "/usr/bin/python3", "Python with Debian's python3-torch")
	fs.IntVar(&c.grid, "grid", 256, "plane workloads: points per axis")
	fs.IntVar(&c.threads, "threads", 2, "threads of both surfscope (GOMAXPROCS) and the reference (--threads)")
	fs.BoolVar(&c.isolate, "isolate", true, "run each workload in a process of its own (its own peak RSS, no state carried over)")
	fs.StringVar(&c.workdir, "workdir", "", "folder where training workloads leave their nets for the atlas and app workloads (default: a temporary one, removed at the end)")
	fs.IntVar(&benchAtlasProbes, "atlas-probes", 100, "atlas workloads: data planes, mixup lines and flip planes, each (the issue's 100)")
	if err := parse(fs, args, map[string]flagRule{"threads": between(1, 1024), "atlas-probes": between(1, 100000)}); err != nil {
		return nil, err
	}
	if *names == "all" {
		*names = strings.Join(benchWorkloadNames, ",")
	}
	for _, n := range strings.Split(*names, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !slicesContains(benchWorkloadNames, n) {
			return nil, fmt.Errorf("unknown workload %q (want all or some of %s)", n, strings.Join(benchWorkloadNames, ","))
		}
		c.workloads = append(c.workloads, n)
	}
	if c.script != "" {
		if _, err := os.Stat(c.script); err != nil {
			fmt.Fprintf(stderr, "bench: no PyTorch reference (%v): surfscope's figures only\n", err)
			c.script = ""
		}
	}
	return c, nil
}

// loadAverage returns the machine's 1-minute load average as /proc/loadavg says it, or "?": the
// ratios of a run on a machine loaded far beyond its cores are not the ratios of an idle one
// (PyTorch's OpenMP threads spin at their barriers).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// runOurs runs workload n, in a child process of this executable when c.isolate (GOMAXPROCS set to
// c.threads there, and the child's peak RSS recorded), else in this process.
func (c *benchConfig) runOurs(ctx context.Context, n string, stderr io.Writer) (benchResult, error) {
	if !c.isolate {
		r, err := runBenchWorkload(ctx, n, c.grid, c.workdir, stderr)
		if err == nil {
			r.peakRSSMB = selfPeakRSSMB()
		}
		return r, err
	}
	exe, err := os.Executable()
	if err != nil {
		return benchResult{}, err
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "--isolate=false", "--reference=", "--threads", strconv.Itoa(c.threads),
		"--grid", strconv.Itoa(c.grid), "--workdir", c.workdir, "--atlas-probes", strconv.Itoa(benchAtlasProbes), "--workloads", n)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(c.threads))
	lines, rss, err := runLines(cmd, stderr)
	if err != nil {
		return benchResult{}, err
	}
	r, ok := lines[n]
	if !ok || r.impl != "surfscope" {
		return benchResult{}, fmt.Errorf("the bench process printed no line for %s", n)
	}
	r.peakRSSMB = rss // the child's, its own processes (the app under Xvfb) included
	r.extra = slices.DeleteFunc(r.extra, func(f string) bool { return strings.HasPrefix(f, "peak_rss_mb=") })
	return r, nil
}

// runReference runs the PyTorch reference script for workload n and returns its line.
func (c *benchConfig) runReference(ctx context.Context, n string, stderr io.Writer) (benchResult, error) {
	if _, err := exec.LookPath(c.python); err != nil {
		return benchResult{}, err
	}
	args := []string{c.script, "--threads", strconv.Itoa(c.threads), "--grid", strconv.Itoa(c.grid), "--workloads", n}
	if dir, err := dataset.MNISTDir(); err == nil {
		args = append(args, "--mnist", dir)
	}
	lines, rss, err := runLines(exec.CommandContext(ctx, c.python, args...), stderr)
	if err != nil {
		return benchResult{}, fmt.Errorf("%s: %w", c.script, err)
	}
	r, ok := lines[n]
	if !ok {
		return benchResult{}, fmt.Errorf("%s printed no line for %s", c.script, n)
	}
	r.peakRSSMB = rss
	return r, nil
}

// runLines runs cmd (its stderr to stderr) and returns the workload lines it printed by workload,
// and its peak resident memory in MB.
func runLines(cmd *exec.Cmd, stderr io.Writer) (map[string]benchResult, float64, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Run(); err != nil {
		return nil, 0, err
	}
	rss := childPeakRSSMB(cmd.ProcessState)
	res := map[string]benchResult{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if r, ok := parseBenchLine(sc.Text()); ok {
			res[r.workload] = r
		}
	}
	return res, rss, nil
}

// parseBenchLine reads "impl=I workload=W metric=V unit=U [key=value ...]".
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
		default:
			r.extra = append(r.extra, f)
		}
	}
	return r, r.impl != "" && r.workload != "" && r.unit != ""
}
