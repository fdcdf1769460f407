package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/study"
)

// Bad study flags are one line naming the flag, exit status 2, and nothing is written (not even
// the study folder).
func TestStudyFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "study")
	base := []string{"study", "--data", "sample", "--out", out}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"study", "--data", "sample"}, "--out is required (the study folder)"},
		{[]string{"study", "--out", out}, "--data is required (e.g. --data mnist,fashion)"},
		{append(base, "--arch", "mlp"), `--arch "mlp": a study compares the shortcut kinds of a resnet; want resnet`},
		{append(base, "--shortcuts", "add,plus"), `shortcut "plus": want one of add, mul, bnmul, bnmul1, gate, sgate, gate2`},
		{append(base, "--shortcuts", "mul,mul"), `shortcut "mul" given twice`},
		{append(base, "--depth", "9"), "ResNet depth 9: want 6n+2 (8, 14, 20, …)"},
		{append(base, "--shard", "2/2"), `--shard "2/2": want i/n with 0 ≤ i < n (e.g. 0/4 … 3/4)`},
		{append(base, "--stages", "model,train"), `--stages: unknown stage "train" (want model, gates, atlas, ntk, hessian, landscape, figures, report)`},
		{append(base, "--grid", "2"), "--grid 2: want 4 to 1024"},
		{append(base, "--planes", "0", "--lines", "0", "--flips", "0", "--randoms", "0"), "0 planes, 0 lines, 0 flip planes, 0 random planes: want at least one probe"},
		{append(base, "--data", "sample,/x/sample"), "--data sample and /x/sample would share the folder cells/sample"},
		{append(base, "--limit", "-1"), "--limit -1: want at least 0"},
	}
	for _, c := range cases {
		code, stdout, stderr := cli(c.args...)
		want := "surfscope study: " + c.want + "\n"
		if code != 2 || stderr != want || stdout != "" {
			t.Errorf("surfscope %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(c.args, " "), code, stderr, want)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files written: %v", left)
	}
}

// --quick is the quick preset; flags given on the command line win over it.
func TestStudyPresetAndOverrides(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	c, err := parseStudy([]string{"--data", "sample,fashion", "--quick", "--planes", "7", "--limit", "300", "--shortcuts", "add,gate", "--se", "--out", out}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	q := study.Quick()
	if c.cfg.Preset != "quick" || c.cfg.Settings.Planes != 7 || c.cfg.Settings.Lines != q.Settings.Lines || c.cfg.Limit != 300 ||
		!c.cfg.SE || strings.Join(c.cfg.Shortcuts, ",") != "add,gate" || strings.Join(c.cfg.Data, ",") != "sample,fashion" {
		t.Errorf("config %+v", c.cfg)
	}
	c, err = parseStudy([]string{"--data", "mnist", "--out", out}, os.Stderr)
	if err != nil || c.cfg.Preset != "full" || len(c.cfg.Shortcuts) != 5 || c.cfg.Limit != 0 {
		t.Errorf("full preset %+v (%v)", c.cfg, err)
	}
}

// The --quick preset on the embedded sample, through the command line, as the README shows it.
// It takes minutes: set SURFSCOPE_LONG=1 to run it.
func TestStudyQuickOnTheSample(t *testing.T) {
	if os.Getenv("SURFSCOPE_LONG") == "" {
		t.Skip("minutes long: SURFSCOPE_LONG=1 runs it")
	}
	out := filepath.Join(t.TempDir(), "demo")
	start := time.Now()
	stdout := mustRun(t, "study", "--data", "sample", "--quick", "--out", out)
	t.Logf("study --data sample --quick: %v", time.Since(start).Round(time.Second))
	for _, want := range []string{"sample:", "add ", "mul ", "shared (no significant difference)", "wrote " + filepath.Join(out, study.ReportFile)} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	res, err := study.ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Datasets[0].Variants {
		if v.Model == nil || v.Atlas == nil || v.NTK == nil || v.Hessian == nil || v.Landscape == nil {
			t.Errorf("%s: incomplete %+v", v.Variant, v)
		}
	}
}
