package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/surface/ntk"
)

// `surfscope ntk` on the embedded model and sample data: the report holds the spectrum, the
// predictions and measurements at the asked sizes, both kernels and the network's errors; the .npy
// file holds [n][4] columns matching the JSON; bad flags give one clear error.
func TestNTKCommand(t *testing.T) {
	dir := t.TempDir()
	js, npy, pl := filepath.Join(dir, "ntk.json"), filepath.Join(dir, "spectrum.npy"), filepath.Join(dir, "plane.npy")
	out := mustRun(t, "ntk", "--n", "120", "--sizes", "15,30,60", "--trials", "1", "--test-n", "200",
		"--fit", "5:60", "--plane", "data:3,7,11", "--grid", "9", "--modes", "5", "--plane-out", pl, "--out", js, "--npy", npy)
	for _, want := range []string{"spectrum power law", "trained kernel", "initial kernel", "kernel change", "test error", "peak memory", "plane: logit"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep ntk.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Samples != 120 || rep.Output != "mean" || rep.Trained == nil || rep.Initial == nil || rep.Network == nil {
		t.Fatalf("report %+v", rep)
	}
	if rep.Network.Images != 200 || rep.Trained.PowerLaw.From != 5 || rep.Trained.PowerLaw.To != 60 || !(rep.Trained.PowerLaw.Exponent > 0) {
		t.Errorf("network %+v, power law %+v", rep.Network, rep.Trained.PowerLaw)
	}
	if len(rep.Trained.Sizes) != 3 {
		t.Fatalf("sizes %+v", rep.Trained.Sizes)
	}
	for _, p := range rep.Trained.Sizes {
		if p.Prediction == nil || p.Regression == nil || math.Abs(p.Prediction.SumL-float64(p.N)) > 1e-6*float64(p.N) {
			t.Errorf("size %d: %+v", p.N, p)
		}
	}
	shape, data, err := surface.ReadNPY(npy)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 2 || shape[0] != 120 || shape[1] != 4 {
		t.Fatalf("npy shape %v, want [120 4]", shape)
	}
	last := rep.Trained.Sizes[2].Prediction.Learnabilities
	for i := 0; i < 120; i++ {
		row := data[4*i : 4*i+4]
		want := []float64{rep.Trained.Eigenvalues[i], rep.Trained.TargetPower[i], last[i], rep.Initial.Eigenvalues[i]}
		for c, w := range want {
			if math.Abs(float64(row[c])-w) > 1e-6*math.Max(1e-30, math.Abs(w)) {
				t.Fatalf("npy row %d column %d = %v, JSON %v", i, c, row[c], w)
			}
		}
	}
	if pp := rep.Plane; pp == nil || pp.Modes != 5 || len(pp.Residual) != 5 || !(pp.Residual[4] >= 0 && pp.Residual[4] < 1.5) {
		t.Errorf("plane projection %+v", rep.Plane)
	}
	if shape, data, err := surface.ReadNPY(pl); err != nil || len(shape) != 3 || shape[0] != 7 || shape[1] != 9 || shape[2] != 9 || len(data) != 7*81 {
		t.Errorf("plane npy shape %v, %v", shape, err)
	}
	for _, bad := range [][]string{
		{"--output", "logit:10"}, // class out of range
		{"--output", "max"},      // unknown output
		{"--n", "1"},             // too few samples
		{"--sizes", "200"},       // a size not below --n
		{"--fit", "9:3"},         // empty fit range
		{"--ridge", "-1"},        // negative ridge
		{"--n", "5000"},          // more images than the split
		{"--plane", "mixup:0,1"}, // a line, not a plane
		{"--plane", "data:0,1"},  // bad probe
	} {
		args := append([]string{"ntk", "--n", "100", "--out", filepath.Join(dir, "bad.json")}, bad...)
		if code, _, errs := cli(args...); code == 0 || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("ntk %v: exit %d, stderr %q; want one clear error", bad, code, errs)
		}
	}
}

// ntk --top K computes the top K eigenpairs: the report, the .npy file and the plane hold K modes,
// the output says so, and the regressions are measured without the predictions.
func TestNTKTop(t *testing.T) {
	dir := t.TempDir()
	js, npy := filepath.Join(dir, "ntk.json"), filepath.Join(dir, "spectrum.npy")
	out := mustRun(t, "ntk", "--n", "100", "--top", "6", "--sizes", "20", "--trials", "1", "--test-n", "100", "--fit", "1:6",
		"--plane", "data:3,7,11", "--grid", "5", "--modes", "8", "--out", js, "--npy", npy)
	if !strings.Contains(out, "top 6 eigenpairs of 100") {
		t.Errorf("output does not say top 6:\n%s", out)
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rep ntk.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	tr := rep.Trained
	if len(tr.Eigenvalues) != 6 || len(rep.Initial.Eigenvalues) != 6 || rep.Plane == nil || rep.Plane.Modes != 6 ||
		tr.Sizes[0].Prediction != nil || tr.Sizes[0].Regression == nil || !strings.Contains(tr.Sizes[0].Err, "eigenlearning") {
		t.Errorf("report with --top 6: %d eigenvalues, plane %v, size %+v", len(tr.Eigenvalues), rep.Plane != nil, tr.Sizes[0])
	}
	if shape, _, err := surface.ReadNPY(npy); err != nil || len(shape) != 2 || shape[0] != 6 {
		t.Errorf("npy shape %v (%v), want [6 4]", shape, err)
	}
}
