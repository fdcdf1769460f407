package ntk

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
)

// Analyze on a small MLP moved away from its initialisation: the report holds m eigenvalues in
// descending order, target power summing to 1, the conservation law at every size, both kernels
// and their comparison, and survives a JSON round trip (NaN as null).
func TestAnalyzeReport(t *testing.T) {
	cfg := models.MLPConfig{Input: [3]int{1, 5, 5}, Classes: 3, Hidden: []int{16}, Activation: models.OpTanh}
	net, err := models.NewMLP(cfg, 4)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	for i := range net.Nodes {
		for _, p := range net.Nodes[i].Params {
			for k := range p.Data {
				p.Data[k] += 0.1 * float32(r.NormFloat64())
			}
		}
	}
	init, err := Initial(net)
	if err != nil {
		t.Fatal(err)
	}
	const m = 120
	images := quarterInputs(m, 25, 9)
	labels := make([]int, m)
	for i := range labels {
		labels[i] = int(images[i*25]*4) % 3
	}
	stages := map[string]bool{}
	rep, err := Analyze(context.Background(), net, images, labels, Options{Initial: init, TrainSizes: []int{60, 15, 30, 30}, Trials: 2},
		func(s string, done, total int) { stages[s] = true })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"kernel", "eigen", "regression", "initial kernel", "initial eigen"} {
		if !stages[s] {
			t.Errorf("no progress for stage %q", s)
		}
	}
	for _, k := range []*KernelReport{rep.Trained, rep.Initial} {
		if len(k.Eigenvalues) != m || len(k.TargetPower) != m {
			t.Fatalf("%d eigenvalues, %d target coefficients for %d samples", len(k.Eigenvalues), len(k.TargetPower), m)
		}
		power := 0.0
		for i, v := range k.Eigenvalues {
			if i > 0 && v > k.Eigenvalues[i-1] {
				t.Fatalf("eigenvalues not descending at %d", i)
			}
			power += k.TargetPower[i]
		}
		if math.Abs(power-1) > 1e-9 {
			t.Errorf("target power sums to %g", power)
		}
		if len(k.Sizes) != 3 || k.Sizes[0].N != 15 || k.Sizes[2].N != 60 {
			t.Fatalf("sizes %+v, want 15, 30, 60", k.Sizes)
		}
		for _, p := range k.Sizes {
			if p.Err != "" || p.Prediction == nil || p.Regression == nil {
				t.Fatalf("size %d: %+v", p.N, p)
			}
			if math.Abs(p.Prediction.SumL-float64(p.N)) > 1e-9*float64(p.N) {
				t.Errorf("size %d: Σ L = %g", p.N, p.Prediction.SumL)
			}
		}
	}
	if c := float64(rep.RelativeChange); !(c > 0) || !(rep.Alignment > 0 && rep.Alignment <= 1) {
		t.Errorf("kernel change %g, alignment %g", c, float64(rep.Alignment))
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Samples != m || len(back.Trained.Eigenvalues) != m || back.Trained.Sizes[1].Prediction.Kappa != rep.Trained.Sizes[1].Prediction.Kappa {
		t.Errorf("JSON round trip lost values")
	}
	cum := CumulativeLearnability(rep.Trained.Sizes[2].Prediction)
	if math.Abs(cum[m-1]-60) > 1e-9*60 {
		t.Errorf("cumulative learnability ends at %g, want 60", cum[m-1])
	}
}

// Ctrl-C during the eigen-decomposition (minutes for a few thousand samples, and gonum cannot stop
// it) returns at once with the context's error instead of waiting for it.
func TestAnalyzeStopsWaitingForTheDecomposition(t *testing.T) {
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 5, 5}, Classes: 3, Hidden: []int{8}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	const m = 40
	images := quarterInputs(m, 25, 9)
	labels := make([]int, m)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = Analyze(ctx, net, images, labels, Options{TrainSizes: []int{10}, Trials: -1}, func(s string, done, total int) {
		if s == "eigen" && done == 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled at the eigen-decomposition: %v", err)
	}
}

// Analyze with Top keeps the whole analysis's top eigenvalues and target powers, measures the
// regressions as before, and says why it has no eigenlearning prediction.
func TestAnalyzeTop(t *testing.T) {
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 5, 5}, Classes: 3, Hidden: []int{16}, Activation: models.OpTanh}, 4)
	if err != nil {
		t.Fatal(err)
	}
	const m, top = 80, 12
	images := quarterInputs(m, 25, 9)
	labels := make([]int, m)
	for i := range labels {
		labels[i] = int(images[i*25]*4) % 3
	}
	opt := Options{TrainSizes: []int{20}, Trials: 1}
	whole, err := Analyze(context.Background(), net, images, labels, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	opt.Top = top
	head, err := Analyze(context.Background(), net, images, labels, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, h := whole.Trained, head.Trained
	if len(h.Eigenvalues) != top || len(h.TargetPower) != top || !math.IsNaN(float64(h.MinGram)) {
		t.Fatalf("top %d: %d eigenvalues, %d target powers, smallest Gram eigenvalue %g", top, len(h.Eigenvalues), len(h.TargetPower), float64(h.MinGram))
	}
	for i := range top {
		if math.Abs(h.Eigenvalues[i]-w.Eigenvalues[i]) > 1e-10*w.Eigenvalues[0] {
			t.Errorf("λ_%d: %g with Top, %g without", i+1, h.Eigenvalues[i], w.Eigenvalues[i])
		}
		if i < 4 && math.Abs(h.TargetPower[i]-w.TargetPower[i]) > 1e-8 { // well-separated leading modes
			t.Errorf("v²_%d: %g with Top, %g without", i+1, h.TargetPower[i], w.TargetPower[i])
		}
	}
	p := h.Sizes[0]
	if p.Prediction != nil || p.Regression == nil || p.Regression.MSE != w.Sizes[0].Regression.MSE || p.Err == "" {
		t.Errorf("size %d with Top: prediction %v, regression %+v (without: %+v), error %q", p.N, p.Prediction, p.Regression, w.Sizes[0].Regression, p.Err)
	}
	if _, err := json.Marshal(head); err != nil {
		t.Errorf("JSON: %v", err)
	}
}
