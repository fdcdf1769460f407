package ntk

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestRegressionDrawsOnTheIdentityKernel: the identity kernel memorises exactly the samples it is
// trained on and predicts 0 elsewhere, so a trial's MSE over the measure is 1 − distinct/m. With
// n distinct draws that is (m − n)/m, which eigenlearning predicts exactly; with n i.i.d. draws
// its mean is (1 − 1/m)^n, which is larger: repeats add nothing. The report says which it did.
func TestRegressionDrawsOnTheIdentityKernel(t *testing.T) {
	const m, n, classes = 40, 20, 4
	k := mat.NewSymDense(m, nil)
	labels := make([]int, m)
	for i := 0; i < m; i++ {
		k.SetSym(i, i, 1)
		labels[i] = i % classes
	}
	ctx := context.Background()
	without, err := KernelRegression(ctx, k, labels, classes, RegressionConfig{N: n, Trials: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if without.Sampling != WithoutReplacement || without.Distinct != n || math.Abs(without.MSE-float64(m-n)/m) > 1e-12 {
		t.Errorf("without replacement: %+v", without)
	}
	with, err := KernelRegression(ctx, k, labels, classes, RegressionConfig{N: n, Trials: 400, Seed: 1, WithReplacement: true})
	if err != nil {
		t.Fatal(err)
	}
	// Per trial MSE = 1 − distinct/m exactly, so the means agree exactly too.
	if with.Sampling != WithReplacement || math.Abs(with.MSE-(1-with.Distinct/m)) > 1e-12 {
		t.Errorf("with replacement: MSE %g, distinct %g", with.MSE, with.Distinct)
	}
	want := math.Pow(1-1.0/m, n)
	if se := float64(with.MSEStdErr); math.Abs(with.MSE-want) > 4*se || se <= 0 {
		t.Errorf("with replacement: MSE %g ± %g, want (1 − 1/m)^n = %g", with.MSE, se, want)
	}
	s, _ := Decompose(k, true)
	v2, _ := TargetPower(s, labels, classes)
	p, err := Predict(s.Operator(), v2, n, 0, m)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.TestMSE-without.MSE) > 1e-9 || math.Abs(p.TestMSE-with.MSE) < 0.05 {
		t.Errorf("eigenlearning %g; measured without replacement %g, with %g", p.TestMSE, without.MSE, with.MSE)
	}
}

// TestEigenlearningAgreesWithDistinctDraws: on the Laplace kernel over 200 points at n = m/2
// (eigenlearning's largest default size), the prediction and the mean of 200 regressions agree
// within three standard errors when the training samples are distinct, and not when they are
// i.i.d. draws from the 200 (measured: predicted 0.2165, distinct 0.2155 ± 0.0013, i.i.d.
// 0.2734 ± 0.0015). The audit that asked for i.i.d. draws reported the opposite on a toy of its
// own (0.218 predicted, 0.225 i.i.d., 0.198 distinct); the identity kernel above decides it
// analytically.
func TestEigenlearningAgreesWithDistinctDraws(t *testing.T) {
	const m, n = 200, 100
	k, labels := rbfProblem(m, 1)
	s, err := Decompose(k, true)
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := TargetPower(s, labels, 3)
	p, err := Predict(s.Operator(), v2, n, 0, m)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	without, err := KernelRegression(ctx, k, labels, 3, RegressionConfig{N: n, Trials: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	with, err := KernelRegression(ctx, k, labels, 3, RegressionConfig{N: n, Trials: 200, Seed: 3, WithReplacement: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(p.TestMSE - without.MSE); d > 3*float64(without.MSEStdErr)+0.002 {
		t.Errorf("distinct draws: predicted %.4f, measured %.4f ± %.4f", p.TestMSE, without.MSE, float64(without.MSEStdErr))
	}
	if d := math.Abs(p.TestMSE - with.MSE); d < 10*float64(with.MSEStdErr) {
		t.Errorf("i.i.d. draws: predicted %.4f, measured %.4f ± %.4f; expected them to differ", p.TestMSE, with.MSE, float64(with.MSEStdErr))
	}
	t.Logf("n = m/2: predicted %.4f; distinct %.4f ± %.4f; i.i.d. %.4f ± %.4f (%.1f distinct)", p.TestMSE,
		without.MSE, float64(without.MSEStdErr), with.MSE, float64(with.MSEStdErr), with.Distinct)
}

// TestRegressionWithRepeatsIsTheFullSystem: the weighted fit on the distinct draws equals the
// slow, obvious n×n ridge system that keeps every repeat.
func TestRegressionWithRepeatsIsTheFullSystem(t *testing.T) {
	const m, n, ridge = 60, 40, 0.3
	k, labels := rbfProblem(m, 2)
	r := rand.New(rand.NewPCG(1, 2))
	count := make([]int, m)
	var draws []int
	for range n {
		p := r.IntN(m)
		count[p]++
		draws = append(draws, p)
	}
	tr, err := fitDrawn(k, labels, 3, count, ridge)
	if err != nil {
		t.Fatal(err)
	}
	a := mat.NewSymDense(n, nil)
	y := mat.NewDense(n, 3, nil)
	for i, p := range draws {
		for j := i; j < n; j++ {
			a.SetSym(i, j, k.At(p, draws[j]))
		}
		a.SetSym(i, i, a.At(i, i)+ridge)
		y.Set(i, labels[p], 1)
	}
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		t.Fatal("the full system is not positive definite")
	}
	var alpha mat.Dense
	if err := ch.SolveTo(&alpha, y); err != nil {
		t.Fatal(err)
	}
	all := 0.0
	for s := 0; s < m; s++ {
		for c := 0; c < 3; c++ {
			v := 0.0
			for j, p := range draws {
				v += k.At(s, p) * alpha.At(j, c)
			}
			if c == labels[s] {
				v--
			}
			all += v * v
		}
	}
	if math.Abs(all-tr.all) > 1e-9*all {
		t.Errorf("squared error over the measure: full system %.12g, weighted distinct %.12g", all, tr.all)
	}
}
