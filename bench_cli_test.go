package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A ratio is surfscope's metric over the reference's, checked against its target in the right
// direction: rates at least the target, times at most, peak memory under its bound.
func TestBenchRowVerdicts(t *testing.T) {
	pts := func(v float64) benchResult { return benchResult{unit: "points/s", metric: v} }
	sec := func(v, rss float64) benchResult { return benchResult{unit: "s/epoch", metric: v, peakRSSMB: rss} }
	for _, c := range []struct {
		name         string
		ours, theirs benchResult
		ratio        float64
		verdict      string
	}{
		{"mlp-plane", pts(300), pts(100), 3, "met"},
		{"mlp-plane-shortcut", pts(300), pts(100), 3, "NOT met"},
		{"cnn-plane-shortcut", pts(300), pts(100), 3, ""},
		{"mlp-train", sec(1, 0), sec(5, 0), 0.2, "met"},
		{"cnn-train", sec(1, 500), sec(4, 900), 0.25, "met"},
		{"cnn-train", sec(1, 1500), sec(4, 900), 0.25, "NOT met"}, // memory
		{"cnn-train", sec(3, 500), sec(4, 900), 0.75, "NOT met"},
	} {
		r := newBenchRow(c.name, c.ours, c.theirs)
		if r.ratio != c.ratio || r.verdict != c.verdict {
			t.Errorf("%s %v vs %v: ratio %v %q, want %v %q", c.name, c.ours, c.theirs, r.ratio, r.verdict, c.ratio, c.verdict)
		}
	}
}

// surfscope bench runs each workload, then the reference's run of it right after (once for a
// workload and its shortcut), and prints both lines, the ratio and a table.
func TestBenchRunsBesideTheReference(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	script := filepath.Join(dir, "ref.sh")
	body := "echo \"$@\" >> " + log + "\necho progress line\necho impl=pytorch workload=mlp-plane metric=1000 unit=points/s\n"
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "bench", "--isolate=false", "--python", "/bin/sh", "--reference", script, "--grid", "8", "--threads", "1",
		"--workloads", "mlp-plane,mlp-plane-shortcut")
	for _, want := range []string{"impl=surfscope workload=mlp-plane metric=", "impl=surfscope workload=mlp-plane-shortcut metric=",
		"impl=pytorch workload=mlp-plane metric=1000 unit=points/s", "ratio workload=mlp-plane surfscope/pytorch=",
		"ratio workload=mlp-plane-shortcut surfscope/pytorch=", `target="≥ 10×"`, "peak RSS MB", " load="} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(calls)); !strings.HasPrefix(got, "--threads 1 --grid 8 --workloads mlp-plane") || strings.Count(got, "\n") != 0 {
		t.Errorf("reference calls:\n%s", got)
	}
	if code, _, errs := cli("bench", "--workloads", "mlp-plane,resnet-plane"); code == 0 || !strings.Contains(errs, `unknown workload "resnet-plane"`) {
		t.Errorf("unknown workload: exit %d, %q", code, errs)
	}
}

// A reference that dies (the NTK reference's 23 GB can meet the OOM killer) leaves surfscope's figure
// in the table, with the reason and no verdict.
func TestBenchKeepsAWorkloadWhoseReferenceDied(t *testing.T) {
	script := filepath.Join(t.TempDir(), "ref.sh")
	if err := os.WriteFile(script, []byte("kill -9 $$\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "bench", "--isolate=false", "--python", "/bin/sh", "--reference", script, "--grid", "8", "--threads", "1",
		"--workloads", "mlp-plane")
	table := out[strings.LastIndex(out, "workload "):]
	if !strings.Contains(out, "no PyTorch reference for mlp-plane: "+script+": signal: killed") ||
		!strings.Contains(table, "mlp-plane") || !strings.Contains(table, "reference failed") || !strings.Contains(table, "≥ 2×") {
		t.Errorf("the table lacks mlp-plane's row with the reference's failure:\n%s", out)
	}
	if strings.Contains(table, "met") {
		t.Errorf("a row without a reference has a verdict:\n%s", table)
	}
}

// A workload with an absolute target has no reference: its verdict is its seconds against the
// target, and a run without a display says so instead of failing.
func TestBenchAbsoluteRowVerdicts(t *testing.T) {
	s := func(v float64, extra ...string) benchResult { return benchResult{unit: "s", metric: v, extra: extra} }
	for _, c := range []struct {
		name    string
		ours    benchResult
		verdict string
	}{
		{"atlas-cnn", s(29.5), "met"},
		{"atlas-cnn", s(30.5), "NOT met"},
		{"atlas-resnet8mul", s(99), "met"},
		{"atlas-resnet8mul", s(161), "NOT met"},
		{"app-resnet8-256", s(34), "NOT met"},
		{"app-first-surface", s(0.8), "met"},
		{"app-first-surface", s(0, "display=none"), "not measured (no display)"},
	} {
		r := newBenchRow(c.name, c.ours, benchResult{})
		if !r.absolute || r.verdict != c.verdict {
			t.Errorf("%s %v: absolute %v, verdict %q, want %q", c.name, c.ours, r.absolute, r.verdict, c.verdict)
		}
		if l := r.line(); !strings.Contains(l, noReference) || !strings.Contains(l, c.verdict) {
			t.Errorf("%s: line %q", c.name, l)
		}
	}
}

// The atlas workload loads the net a training workload left in the work folder and builds the
// atlas surfscope atlas builds (here with 2 probes of each kind), without asking the reference.
func TestBenchAtlasWorkload(t *testing.T) {
	dir := t.TempDir()
	net, _, err := benchTrainNet("cnn-train")
	if err != nil {
		t.Fatal(err)
	}
	if err := saveBenchNet(dir, "cnn-train", net); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "bench", "--isolate=false", "--reference=", "--threads", "2", "--workdir", dir, "--atlas-probes", "2",
		"--workloads", "atlas-cnn")
	for _, want := range []string{"impl=surfscope workload=atlas-cnn metric=", "unit=s planes=2 lines=2 flips=2 grid=32",
		"absolute workload=atlas-cnn", noReference, `target="≤ 30 s"`, " load="} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// With SURFSCOPE_BENCH_FIRST_SURFACE=1 the real app opens on its default (the embedded model), and
// once its Surface tab has drawn the first surface it prints the seconds as a workload line and
// quits: what the app-first-surface workload times (make test runs under Xvfb).
func TestAppReportsItsFirstSurface(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make test does)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), "SURFSCOPE_TEST_APP=", firstSurfaceEnv+"=1", "HOME="+home, "XDG_CONFIG_HOME="+home)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the app: %v (quit on its own at its first surface?)\n%s", err, out)
	}
	r, ok := parseBenchLine(strings.TrimSpace(string(out)))
	if !ok || r.workload != "app-first-surface" || r.unit != "s" || r.metric <= 0 {
		t.Errorf("the app printed %q, want one app-first-surface line with seconds", out)
	}
}
