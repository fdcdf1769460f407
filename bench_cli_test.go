package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
