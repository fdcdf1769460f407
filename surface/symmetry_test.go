package surface

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

func TestMirrorSymmetryOfEvenAndOddFunctions(t *testing.T) {
	even := symmetricGrid(9, 1, 1, func(s, t float64, z []float64) { z[0] = s*s + t + math.Cos(3*s) })
	odd := symmetricGrid(9, 1, 1, func(s, t float64, z []float64) { z[0] = s*t + math.Sin(s) })
	d, err := MirrorDifference(even.Channel(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, hi := d.Range(); hi != 0 {
		t.Fatalf("even function: max |f(s,t) − f(−s,t)| = %g, want 0", hi)
	}
	se, _ := SummarizeSymmetry(even)
	so, _ := SummarizeSymmetry(odd)
	near(t, "even odd-share", se.OddShare, 0, 0)
	near(t, "odd odd-share", so.OddShare, 1, 1e-6)
	// f = s + s²: |f(s) − f(−s)| = 2|s|; odd share = Σ s² / Σ (s + s² − mean)².
	mixed := symmetricGrid(9, 1, 1, func(s, t float64, z []float64) { z[0] = s + s*s })
	sm, _ := SummarizeSymmetry(mixed)
	var abs, odd2, mean, tot float64
	for _, s := range mixed.S {
		abs += 2 * math.Abs(s)
		odd2 += s * s
		mean += (s + s*s) / 9
	}
	for _, s := range mixed.S {
		tot += (s + s*s - mean) * (s + s*s - mean)
	}
	near(t, "mean |Δ|", sm.MeanAbsDiff, abs/9, 1e-6)
	near(t, "odd share", sm.OddShare, odd2/tot, 1e-6)
	// Two classes (s, −s): every point off the axis disagrees with its mirror.
	two := symmetricGrid(5, 2, 1, func(s, t float64, z []float64) { z[0], z[1] = s, -s })
	st, _ := SummarizeSymmetry(two)
	near(t, "disagree", st.Disagree, 0.8, 1e-12)

	shifted := analyticGrid(9, 9, 1, -1, 1.1, -1, 1, func(s, t float64, z []float64) { z[0] = s })
	if _, err := SummarizeSymmetry(shifted); err == nil {
		t.Error("asymmetric coordinates accepted")
	}
}

// flipInvariantMLP returns an MLP on 1×4×5 images whose first-layer rows are mirror-symmetric, so
// that f(flip x) = f(x) exactly in exact arithmetic.
func flipInvariantMLP(t *testing.T) *models.Net {
	net := smallMLP(t, models.OpReLU, 5)
	for i := range net.Nodes {
		if net.Nodes[i].Op != models.OpDense {
			continue
		}
		w := net.Nodes[i].Params["weight"]
		if w.Shape[1] != 20 {
			continue
		}
		for o := 0; o < w.Shape[0]; o++ {
			row := w.Data[o*20 : (o+1)*20]
			f := projection.Flip([3]int{1, 4, 5}, row)
			for k := range row {
				row[k] = (row[k] + f[k]) / 2
			}
		}
		break
	}
	return net
}

func TestFlipConsistency(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	images := randImage(r, 50*20)
	labels := make([]int, 50)
	shape := [3]int{1, 4, 5}
	ev, err := infer.New(flipInvariantMLP(t))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := MeasureFlipConsistency(context.Background(), ev, shape, images, labels)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "agreement", fc.Agreement, 1, 0)
	near(t, "mean |Δ|", fc.MeanAbsDelta, 0, 1e-5)
	near(t, "accuracies equal", fc.Accuracy, fc.FlippedAccuracy, 0)

	// A net reading one corner pixel: f = (x[0], x[4]) — flipping swaps the logits.
	corner := &models.Net{Input: shape, Classes: 2, Nodes: []models.Node{{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{"weight": pick(20, 0, 4)}}}}
	ev2, err := infer.New(corner)
	if err != nil {
		t.Fatal(err)
	}
	fc, _ = MeasureFlipConsistency(context.Background(), ev2, shape, images, nil)
	want := 0.0
	for s := 0; s < 50; s++ {
		want += math.Abs(float64(images[s*20]) - float64(images[s*20+4]))
	}
	near(t, "mean |Δ| swapped", fc.MeanAbsDelta, want/50, 1e-6)
	near(t, "agreement swapped", fc.Agreement, 0, 0) // continuous pixels: never tied
	if _, err := MeasureFlipConsistency(context.Background(), ev2, shape, images[:30], nil); err == nil {
		t.Error("a partial image accepted")
	}
}

// pick returns a [len(at)][n] weight whose row r selects input at[r].
func pick(n int, at ...int) *models.Tensor {
	w := models.NewTensor(len(at), n)
	for r, a := range at {
		w.Data[r*n+a] = 1
	}
	return w
}

func TestFlipPlaneOfInvariantNetIsMirrorSymmetric(t *testing.T) {
	net := flipInvariantMLP(t)
	ev, _ := infer.New(net)
	r := rand.New(rand.NewPCG(9, 9))
	p, err := projection.FlipPlane(net.Input, randImage(r, 20), 3, 15, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Sample(context.Background(), ev, p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SummarizeSymmetry(g)
	if err != nil {
		t.Fatal(err)
	}
	if s.OddShare > 1e-9 || s.MeanAbsDiff > 1e-5 || s.Disagree != 0 {
		t.Fatalf("flip-invariant net on its flip plane: %+v", s)
	}
}

// TestSymmetryIgnoresACommonShift: adding g(x)·1 to all logits (a per-point shift common to the
// classes, which changes no prediction and no probability) must leave the mirror statistics
// unchanged, even when g is not mirror-symmetric: they are computed on centred logits
// f̃_k = f_k − mean_c f_c.
func TestSymmetryIgnoresACommonShift(t *testing.T) {
	base := func(s, t float64, z []float64) { z[0], z[1], z[2] = s*s+t, math.Sin(s)+0.3*t, s*t-0.2 }
	shift := func(s, t float64) float64 { return 5*s + 2*s*s*s + math.Exp(t) }
	g0 := symmetricGrid(11, 3, 1, base)
	g1 := symmetricGrid(11, 3, 1, func(s, t float64, z []float64) {
		base(s, t, z)
		for k := range z {
			z[k] += shift(s, t)
		}
	})
	s0, err := SummarizeSymmetry(g0)
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := SummarizeSymmetry(g1)
	near(t, "mean |Δ| with a shift", s1.MeanAbsDiff, s0.MeanAbsDiff, 1e-5)
	near(t, "odd share with a shift", s1.OddShare, s0.OddShare, 1e-5)
	near(t, "disagreement with a shift", s1.Disagree, s0.Disagree, 0)
	for k := 0; k < 3; k++ {
		d0, _ := MirrorDifference(g0.Centred().Channel(k))
		d1, _ := MirrorDifference(g1.Centred().Channel(k))
		for q := range d0.Values {
			near(t, "mirror difference map with a shift", float64(d1.Values[q]), float64(d0.Values[q]), 1e-5)
		}
	}
	// Over a split: a net whose logits all gain the first pixel (not mirror-invariant).
	r := rand.New(rand.NewPCG(6, 6))
	images := randImage(r, 40*20)
	ev, err := infer.New(flipInvariantMLP(t))
	if err != nil {
		t.Fatal(err)
	}
	f0, _ := MeasureFlipConsistency(context.Background(), ev, [3]int{1, 4, 5}, images, nil)
	f1, _ := MeasureFlipConsistency(context.Background(), shiftedForwarder{ev}, [3]int{1, 4, 5}, images, nil)
	near(t, "flip |Δ| with a shift", f1.MeanAbsDelta, f0.MeanAbsDelta, 1e-5)
}

// shiftedForwarder adds 3·x[0] (the first pixel) to every logit of f.
type shiftedForwarder struct{ Forwarder }

func (f shiftedForwarder) Forward(dst, x []float32, batch int) []float32 {
	dst = f.Forwarder.Forward(dst, x, batch)
	K, D := f.NumClasses(), f.InputSize()
	for s := 0; s < batch; s++ {
		for k := 0; k < K; k++ {
			dst[s*K+k] += 3 * x[s*D]
		}
	}
	return dst
}
