package surface

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

func randomData(seed uint64, n, size, classes int) ([]float32, []int) {
	r := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*size)
	for i := range x {
		x[i] = r.Float32()
	}
	y := make([]int, n)
	for i := range y {
		y[i] = r.IntN(classes)
	}
	return x, y
}

// refLoss computes mean loss and accuracy of net with the reference forward pass.
func refLoss(t *testing.T, net *models.Net, x []float32, y []int) (float64, float64) {
	t.Helper()
	size := net.InputSize()
	var logits []float32
	for s := range y {
		z, err := net.ForwardReference(x[s*size : (s+1)*size])
		if err != nil {
			t.Fatal(err)
		}
		logits = append(logits, z...)
	}
	return meanLoss(logits, y, net.Classes)
}

func TestFilterNormalizedDirection(t *testing.T) {
	net, _ := models.NewCNN(models.CNNConfig{Input: [3]int{1, 6, 6}, Classes: 3, Channels: []int{4}, BatchNorm: true, Hidden: []int{5}}, 1)
	d := FilterNormalized(net, 7, nil)
	theta := ParamsOf(net)
	for t2, key := range d.Keys {
		nd := net.Nodes[key.Node]
		switch {
		case key.Name == "weight":
			rows := nd.Params["weight"].Shape[0]
			per := len(d.Data[t2]) / rows
			for r := 0; r < rows; r++ {
				near(t, nd.Name+" filter norm", norm32(d.Data[t2][r*per:(r+1)*per]), norm32(theta.Data[t2][r*per:(r+1)*per]), 1e-5)
			}
		default:
			if anyNonZero(d.Data[t2]) {
				t.Errorf("%s.%s is not zero by default", nd.Name, key.Name)
			}
		}
	}
	again := FilterNormalized(net, 7, nil)
	other := FilterNormalized(net, 8, nil)
	if again.Data[0][0] != d.Data[0][0] || other.Data[0][0] == d.Data[0][0] {
		t.Error("the seed does not fix the direction")
	}
	withBias := FilterNormalized(net, 7, &DirectionOptions{BiasBN: true})
	for t2, key := range withBias.Keys {
		if key.Name == "gamma" || key.Name == "bias" {
			near(t, key.Name+" copies θ", float64(withBias.Data[t2][0]), float64(theta.Data[t2][0]), 0)
		}
		if key.Name == "mean" || key.Name == "var" {
			if anyNonZero(withBias.Data[t2]) {
				t.Errorf("running statistic %s moved", key.Name)
			}
		}
	}
}

// TestLossLandscapeMatchesReference evaluates a few points of the landscape of an MLP and a CNN
// with the shortcut, without it, and with the reference forward pass of explicitly moved nets.
func TestLossLandscapeMatchesReference(t *testing.T) {
	mlp := smallMLP(t, models.OpReLU, 2)
	cnn, _ := models.NewCNN(models.CNNConfig{Input: [3]int{1, 4, 5}, Classes: 3, Channels: []int{2, 3}}, 3)
	linear, _ := models.NewMLP(models.MLPConfig{Input: [3]int{1, 4, 5}, Classes: 3}, 4) // the tail is empty
	for _, net := range []*models.Net{mlp, cnn, linear} {
		x, y := randomData(1, 37, 20, 3)
		dirs := []ParamVector{FilterNormalized(net, 1, nil), FilterNormalized(net, 2, nil)}
		alphas, betas := []float64{-1, 0, 0.5}, []float64{-0.25, 0.75}
		if f, err := newFirstLayerEval(net, ParamsOf(net), dirs, x); f == nil || err != nil {
			t.Fatalf("%s: the first-layer shortcut is not taken (%v)", net.Arch["arch"], err)
		}
		fast, err := LossLandscape(context.Background(), net, dirs, alphas, betas, x, y, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := LossLandscape(context.Background(), net, dirs, alphas, betas, x, y, &LandscapeOptions{Plain: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		theta := ParamsOf(net)
		for j, b := range betas {
			for i, a := range alphas {
				moved := withParams(net, theta, dirs, []float64{a, b})
				wl, wa := refLoss(t, moved, x, y)
				near(t, "plain loss", float64(plain.At(i, j, LandscapeLoss)), wl, 1e-5*(1+wl))
				near(t, "shortcut loss", float64(fast.At(i, j, LandscapeLoss)), wl, 1e-4*(1+wl))
				near(t, "accuracy", float64(fast.At(i, j, LandscapeAccuracy)), wa, 1.0/37+1e-9)
			}
		}
		c0, _ := refLoss(t, net, x, y)
		near(t, "centre", float64(fast.At(1, 0, LandscapeLoss)), refLossAt(t, net, dirs, 0, -0.25, x, y), 1e-4*(1+c0))
	}
}

func refLossAt(t *testing.T, net *models.Net, dirs []ParamVector, a, b float64, x []float32, y []int) float64 {
	l, _ := refLoss(t, withParams(net, ParamsOf(net), dirs, []float64{a, b}), x, y)
	return l
}

func TestModelLineEnds(t *testing.T) {
	a, b := smallMLP(t, models.OpReLU, 4), smallMLP(t, models.OpReLU, 5)
	x, y := randomData(2, 20, 20, 3)
	g, err := ModelLine(context.Background(), a, b, projection.Linspace(0, 1, 5), x, y, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	la, _ := refLoss(t, a, x, y)
	lb, _ := refLoss(t, b, x, y)
	near(t, "λ=0", float64(g.At(0, 0, LandscapeLoss)), la, 1e-4*(1+la))
	near(t, "λ=1", float64(g.At(4, 0, LandscapeLoss)), lb, 1e-4*(1+lb))
	if g.NY != 1 || g.T != nil {
		t.Fatalf("a line grid is %dx%d", g.NX, g.NY)
	}
	other, _ := models.NewMLP(models.MLPConfig{Input: [3]int{1, 4, 5}, Classes: 3, Hidden: []int{8}}, 1)
	if _, err := ModelLine(context.Background(), a, other, []float64{0, 1}, x, y, nil, nil); err == nil {
		t.Error("different architectures accepted")
	}
}

func TestLossLandscapeErrors(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 2)
	x, y := randomData(1, 4, 20, 3)
	d := FilterNormalized(net, 1, nil)
	if _, err := LossLandscape(context.Background(), net, []ParamVector{d}, []float64{0}, []float64{0}, x, y, nil, nil); err == nil {
		t.Error("one direction with β values accepted")
	}
	y[2] = 7
	if _, err := LossLandscape(context.Background(), net, []ParamVector{d}, []float64{0}, nil, x, y, nil, nil); err == nil {
		t.Error("label 7 of 3 classes accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	y[2] = 1
	if _, err := LossLandscape(ctx, net, []ParamVector{d}, []float64{0, 1}, nil, x, y, nil, nil); err != context.Canceled {
		t.Error("cancelled context ignored")
	}
}

// TestLossLandscapeZeroDirection: a direction that moves nothing (the line from a model to itself)
// leaves no layer to cut at and gives a flat line.
func TestLossLandscapeZeroDirection(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 2)
	x, y := randomData(1, 10, 20, 3)
	g, err := ModelLine(context.Background(), net, net, []float64{-1, 0, 2}, x, y, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Values[0] != g.Values[2] || g.Values[0] != g.Values[4] {
		t.Fatalf("line from a model to itself: %v", g.Values)
	}
}

// Grid points evaluated several at a time give, bit for bit, the numbers of one at a time (each
// point is computed alone), progress counts up to the total, and an evaluation's error stops the
// landscape.
func TestLandscapePointsDoNotDependOnWorkers(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 2)
	x, y := randomData(1, 150, 20, 3)
	dirs := []ParamVector{FilterNormalized(net, 1, nil), FilterNormalized(net, 2, nil)}
	c := projection.Linspace(-1, 1, 7)
	for _, plain := range []bool{false, true} {
		var ev landscapeEval = &plainEval{net: net, theta: ParamsOf(net), dirs: dirs, images: x}
		if !plain {
			f, err := newFirstLayerEval(net, ParamsOf(net), dirs, x)
			if f == nil || err != nil {
				t.Fatalf("no first-layer shortcut (%v)", err)
			}
			ev = f
		}
		var grids [2]*Grid
		for i, workers := range []int{1, 3} {
			g := &Grid{NX: 7, NY: 7, K: 2, S: c, T: c, Values: make([]float32, 7*7*2)}
			last := 0
			err := landscapePoints(context.Background(), ev, g, 2, y, 3, workers, func(done, total int) {
				if done != last+1 || total != 49 {
					t.Errorf("progress %d/%d after %d", done, total, last)
				}
				last = done
			})
			if err != nil || last != 49 {
				t.Fatalf("%d workers: %v, progress reached %d", workers, err, last)
			}
			grids[i] = g
		}
		for k, v := range grids[0].Values {
			if grids[1].Values[k] != v {
				t.Fatalf("plain %v: value %d is %v with 3 workers, %v with 1", plain, k, grids[1].Values[k], v)
			}
		}
	}
	bad := failingEval{&plainEval{net: net, theta: ParamsOf(net), dirs: dirs, images: x}}
	g := &Grid{NX: 7, NY: 7, K: 2, S: c, T: c, Values: make([]float32, 7*7*2)}
	if err := landscapePoints(context.Background(), bad, g, 2, y, 3, 3, nil); err == nil || err.Error() != "bad point" {
		t.Errorf("an evaluation's error gave %v", err)
	}
}

// failingEval fails at the grid's centre.
type failingEval struct{ landscapeEval }

func (f failingEval) logits(dst []float32, c []float64) ([]float32, error) {
	if c[0] == 0 && c[1] == 0 {
		return nil, errors.New("bad point")
	}
	return f.landscapeEval.logits(dst, c)
}
