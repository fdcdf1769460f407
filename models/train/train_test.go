package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

func sampleSets(t testing.TB, nTrain, nTest int) (train, test *dataset.Set) {
	t.Helper()
	tr, err := dataset.Open(dataset.Sample, dataset.Train)
	if err != nil {
		t.Fatal(err)
	}
	te, err := dataset.Open(dataset.Sample, dataset.Test)
	if err != nil {
		t.Fatal(err)
	}
	return tr.Head(nTrain), te.Head(nTest)
}

func TestTrainMLPFitsSubset(t *testing.T) {
	train, test := sampleSets(t, 500, 200)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{128}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	hist, err := Run(context.Background(), net, train, test, Config{UntilFit: true, MaxEpochs: 40, BatchSize: 50, LR: 3e-3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	t.Logf("%d epochs in %v: %+v", len(hist), time.Since(start), last)
	if last.TrainAcc != 1 {
		t.Fatalf("train accuracy %v after %d epochs", last.TrainAcc, len(hist))
	}
	if last.TestAcc < 0.8 {
		t.Errorf("test accuracy %v", last.TestAcc)
	}
	// The weights copied back into the net classify every training image correctly under the
	// reference forward pass.
	for i := 0; i < train.Len(); i++ {
		z, err := net.ForwardReference(train.Image(i))
		if err != nil {
			t.Fatal(err)
		}
		if _, best := crossEntropy(z, train.Labels[i]); best != train.Labels[i] {
			t.Fatalf("image %d: reference forward predicts %d, label %d", i, best, train.Labels[i])
		}
	}
	if net.Meta["history"] == "" || net.Meta["training"] == "" || net.Meta["dataset"] != "sample/train (500 images)" {
		t.Errorf("meta %v", net.Meta)
	}
	if fit, ok, err := net.Fit(); !ok || err != nil || !fit.Fits || fit.Images != 500 || fit.Epochs != len(hist) || fit.TrainAccuracy != 1 {
		t.Errorf("fit record %+v (%v, %v)", fit, ok, err)
	}
}

// Cancelling in the middle of an epoch returns at once with ctx's error, the history of the
// completed epochs, and the net as it was after the last of them.
func TestTrainCancelLeavesLastEpoch(t *testing.T) {
	train, _ := sampleSets(t, 256, 0)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{32}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var afterEpoch1 *models.Net
	var cancelled time.Time
	hist, err := Run(ctx, net, train, nil, Config{BatchSize: 32, MaxEpochs: 5}, func(p Progress) {
		if p.Done != nil && p.Epoch == 1 {
			afterEpoch1 = cloneNet(net)
		}
		if p.Epoch == 2 && p.Batch == 3 {
			cancel()
			cancelled = time.Now()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if d := time.Since(cancelled); d > 100*time.Millisecond {
		t.Errorf("returned %v after cancel", d)
	}
	if len(hist) != 1 {
		t.Fatalf("history of %d epochs, want 1", len(hist))
	}
	if err := net.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(net.Nodes, afterEpoch1.Nodes) {
		t.Error("the net changed after the last completed epoch")
	}
}

func cloneNet(n *models.Net) *models.Net {
	c := *n
	c.Nodes = make([]models.Node, len(n.Nodes))
	for i, nd := range n.Nodes {
		c.Nodes[i] = nd
		if nd.Params == nil {
			continue
		}
		c.Nodes[i].Params = map[string]*models.Tensor{}
		for k, t := range nd.Params {
			c.Nodes[i].Params[k] = t.Clone()
		}
	}
	return &c
}

func TestTrainRejectsBadInput(t *testing.T) {
	train, _ := sampleSets(t, 10, 0)
	net, _ := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 5}, 1)
	if _, err := Run(context.Background(), net, train, nil, Config{}, nil); err == nil {
		t.Error("labels beyond the class count: no error")
	}
	net, _ = models.NewMLP(models.MLPConfig{Input: [3]int{3, 28, 28}, Classes: 10}, 1)
	if _, err := Run(context.Background(), net, train, nil, Config{}, nil); err == nil {
		t.Error("wrong image shape: no error")
	}
	net, _ = models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10}, 1)
	if _, err := Run(context.Background(), net, train, nil, Config{Optimizer: "rmsprop"}, nil); err == nil {
		t.Error("unknown optimizer: no error")
	}
}

// Adam's first step moves every parameter by lr against the sign of its gradient (m̂/√v̂ = g/|g|).
func TestAdamFirstStep(t *testing.T) {
	p := [][]float32{{1, 2, -3}}
	g := [][]float32{{0.5, -2, 1e-3}}
	(&adamOptimizer{beta1: 0.9, beta2: 0.999, eps: 1e-8}).step(p, g, 0.1)
	want := []float32{0.9, 2.1, -3.1}
	for i := range want {
		if math.Abs(float64(p[0][i]-want[i])) > 1e-5 {
			t.Fatalf("after one step %v, want %v", p[0], want)
		}
	}
}

// SGD with momentum 0.9 and weight decay 0.1, two steps by hand:
// g1 = 1 + 0.1·2 = 1.2, b = 1.2, p = 2 − 0.5·1.2 = 1.4;
// g2 = 1 + 0.14 = 1.14, b = 0.9·1.2 + 1.14 = 2.22, p = 1.4 − 0.5·2.22 = 0.29.
func TestSGDMomentumKnownSteps(t *testing.T) {
	p := [][]float32{{2}}
	o := &sgdOptimizer{momentum: 0.9, decay: 0.1}
	o.step(p, [][]float32{{1}}, 0.5)
	if math.Abs(float64(p[0][0])-1.4) > 1e-6 {
		t.Fatalf("step 1: %v", p[0][0])
	}
	o.step(p, [][]float32{{1}}, 0.5)
	if math.Abs(float64(p[0][0])-0.29) > 1e-6 {
		t.Fatalf("step 2: %v", p[0][0])
	}
}

func TestLearningRateSchedules(t *testing.T) {
	cases := []struct {
		schedule    string
		step, total int
		want        float64
	}{
		{"", 50, 100, 0.1}, {"cosine", 0, 100, 0.1}, {"cosine", 50, 100, 0.05}, {"cosine", 100, 100, 0},
		{"step", 49, 100, 0.1}, {"step", 50, 100, 0.01}, {"step", 75, 100, 0.001},
	}
	for _, c := range cases {
		if got := learningRate(c.schedule, 0.1, c.step, c.total); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%q step %d/%d: %v, want %v", c.schedule, c.step, c.total, got, c.want)
		}
	}
}

// Beta(α, α) samples have mean 1/2 and variance 1/(4(2α+1)).
func TestBetaSampleMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, a := range []float64{0.2, 1, 4} {
		const n = 200000
		var s, s2 float64
		for i := 0; i < n; i++ {
			v := betaSample(r, a)
			s += v
			s2 += v * v
		}
		mean, variance := s/n, s2/n-(s/n)*(s/n)
		want := 1 / (4 * (2*a + 1))
		if math.Abs(mean-0.5) > 0.005 || math.Abs(variance-want) > 0.02*want {
			t.Errorf("alpha %v: mean %v variance %v, want 0.5 and %v", a, mean, variance, want)
		}
	}
}

func TestBatchFillerFlipAndMixup(t *testing.T) {
	s := &dataset.Set{Name: "tiny", N: 2, C: 1, H: 1, W: 3, Classes: 2,
		Images: []float32{1, 2, 3, 4, 5, 6}, Labels: []int{0, 1}}
	f := &batchFiller{data: s, size: 3, c: 1, h: 1, w: 3, k: 2, flip: true, rng: rand.New(rand.NewPCG(1, 2))}
	x, tg := make([]float32, 6), make([]float32, 4)
	seen := map[float32]bool{}
	for i := 0; i < 20; i++ {
		f.fill(x, tg, []int{0, 1})
		if !(x[0] == 1 && x[2] == 3 || x[0] == 3 && x[2] == 1) || x[1] != 2 {
			t.Fatalf("image 0 filled as %v", x[:3])
		}
		seen[x[0]] = true
	}
	if !seen[1] || !seen[3] {
		t.Error("flip never or always happened")
	}
	f.flip, f.mixup = false, 1
	f.fill(x, tg, []int{0, 1})
	// Each mixed image is λ·a + (1−λ)·b, and its target puts the same weights on the labels.
	for sIdx := 0; sIdx < 2; sIdx++ {
		w0 := tg[sIdx*2]
		for j := 0; j < 3; j++ {
			want := w0*s.Images[j] + (1-w0)*s.Images[3+j]
			if math.Abs(float64(x[sIdx*3+j]-want)) > 1e-6 {
				t.Fatalf("sample %d: image %v, targets %v", sIdx, x[sIdx*3:sIdx*3+3], tg[sIdx*2:sIdx*2+2])
			}
		}
		if math.Abs(float64(tg[sIdx*2]+tg[sIdx*2+1]-1)) > 1e-6 {
			t.Fatalf("targets %v do not sum to 1", tg)
		}
	}
}

// Gate saturation by hand: a sigmoid gate (it multiplies the input) over pre-activations −10, −1,
// 1, 10 has one value below 0.05 and one above 0.95 in four.
func TestGateSaturationKnownAnswer(t *testing.T) {
	n := &models.Net{Input: [3]int{1, 1, 4}, Classes: 2, Nodes: []models.Node{{Op: models.OpInput},
		{Name: "flat", Op: models.OpFlatten, Inputs: []int{0}},
		{Name: "fc", Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{
			"weight": {Shape: []int{4, 4}, Data: []float32{20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 20}},
			"bias":   {Shape: []int{4}, Data: []float32{-10, -10, -10, -10}}}},
		{Name: "gate", Op: models.OpSigmoid, Inputs: []int{2}},
		{Name: "gated", Op: models.OpMul, Inputs: []int{1, 3}},
		{Name: "out", Op: models.OpDense, Inputs: []int{4}, Params: map[string]*models.Tensor{"weight": models.NewTensor(2, 4)}},
	}}
	s := &dataset.Set{Name: "gates", N: 3, C: 1, H: 1, W: 4, Classes: 2, Labels: []int{0, 1, 0},
		Images: []float32{0, 0.45, 0.55, 1, 1, 0.55, 0.45, 0, 0.45, 0, 1, 0.55}}
	ev, err := newEvaluation(n, graph.NewStore(n), 2) // two batches, the second padded
	if err != nil {
		t.Fatal(err)
	}
	defer ev.close()
	var loss, acc float64
	var gates []models.GateSaturation
	if err := ev.measure(context.Background(), s, &loss, &acc, &gates); err != nil {
		t.Fatal(err)
	}
	if len(gates) != 1 || gates[0].Node != 3 || gates[0].Name != "gate" || gates[0].Kind != models.GateOther ||
		gates[0].Low != 0.25 || gates[0].High != 0.25 || gates[0].Count != 12 {
		t.Errorf("gates %+v", gates)
	}
	// All-zero output weights: logits tie, so the loss is log 2 and the first class wins.
	if math.Abs(loss-math.Ln2) > 1e-6 || math.Abs(acc-2.0/3) > 1e-12 {
		t.Errorf("loss %v accuracy %v", loss, acc)
	}
}

// quadrantSet returns n noisy 1×8×8 images whose class (0–3) is the quadrant that is bright.
func quadrantSet(n int, seed uint64) *dataset.Set {
	r := rand.New(rand.NewPCG(seed, 1))
	s := &dataset.Set{Name: "quadrants", N: n, C: 1, H: 8, W: 8, Classes: 4,
		Images: make([]float32, n*64), Labels: make([]int, n)}
	for i := range n {
		c := r.IntN(4)
		s.Labels[i] = c
		for y := range 8 {
			for x := range 8 {
				v := 0.3 * r.Float32()
				if (y/4)*2+x/4 == c {
					v += 0.5
				}
				s.Images[i*64+y*8+x] = v
			}
		}
	}
	return s
}

// A ResNet-8 of every shortcut kind (the gate kind with SE gates as well) fits a small
// synthetic set, and its sigmoid gates are reported: one per block and side they sit on.
func TestTrainResNetShortcutsFit(t *testing.T) {
	train := quadrantSet(128, 1)
	for _, kind := range models.Shortcuts {
		net, err := models.NewResNet(models.ResNetConfig{Input: [3]int{1, 8, 8}, Classes: 4, Shortcut: kind, SE: kind == models.ShortcutGate}, 1)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := Run(context.Background(), net, train, nil, Config{UntilFit: true, MaxEpochs: 30, BatchSize: 16, LR: 3e-3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		t.Logf("%s: %d epochs, train loss %.4f, gates %+v", kind, len(hist), last.TrainLoss, last.Gates)
		if last.TrainAcc != 1 {
			t.Errorf("%s: train accuracy %v after %d epochs", kind, last.TrainAcc, len(hist))
		}
		if wantGates := map[models.Shortcut]int{models.ShortcutGate: 6, models.ShortcutSGate: 3, models.ShortcutGate2: 6}[kind]; len(last.Gates) != wantGates {
			t.Errorf("%s: %d gate records, want %d", kind, len(last.Gates), wantGates)
		}
	}
}

// Training is bit-reproducible: the same net, data, configuration and seed give the same weights
// and the same history, with batch norm, convolutions (whose weight gradients are summed per core),
// flips and mixup in play.
func TestRunIsReproducible(t *testing.T) {
	data := quadrantSet(64, 3)
	run := func() (*models.Net, []EpochStats) {
		net, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 8, 8}, Classes: 4, Channels: []int{4}, BatchNorm: true}, 5)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := Run(context.Background(), net, data, nil, Config{MaxEpochs: 2, BatchSize: 16, Flip: true, Mixup: 0.4, Seed: 9}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return net, hist
	}
	a, ha := run()
	b, hb := run()
	for i := range a.Nodes {
		for name, p := range a.Nodes[i].Params {
			if !slices.Equal(p.Data, b.Nodes[i].Params[name].Data) {
				t.Fatalf("node %d %s differs between two identical runs", i, name)
			}
		}
	}
	for e := range ha {
		if ha[e].TrainLoss != hb[e].TrainLoss || ha[e].BatchLoss != hb[e].BatchLoss {
			t.Errorf("epoch %d: losses %v, %v then %v, %v", e+1, ha[e].TrainLoss, ha[e].BatchLoss, hb[e].TrainLoss, hb[e].BatchLoss)
		}
	}
}

// A run stopped by its epoch cap short of 100% records that its net does not fit, with the
// training accuracy it reached.
func TestRunRecordsAnUnfittedNet(t *testing.T) {
	train, _ := sampleSets(t, 300, 0)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{8}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := Run(context.Background(), net, train, nil, Config{UntilFit: true, MaxEpochs: 1, BatchSize: 50}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fit, ok, err := net.Fit()
	acc := hist[0].TrainAcc
	if !ok || err != nil || fit.Fits || fit.TrainAccuracy != acc || fit.Misclassified != int(math.Round((1-acc)*300)) || fit.Epochs != 1 || acc == 1 {
		t.Errorf("after one epoch at %.4f: fit record %+v (%v, %v)", acc, fit, ok, err)
	}
}

// DropLast trains on whole batches only, as the PyTorch reference loop does: 70 images in batches
// of 16 give 4 steps an epoch (the default tops the fifth up to 5), and fewer images than a batch
// are an error.
func TestDropLastBatches(t *testing.T) {
	data := quadrantSet(70, 4)
	for _, c := range []struct {
		drop bool
		want int
	}{{false, 5}, {true, 4}} {
		net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 8, 8}, Classes: 4, Hidden: []int{8}}, 1)
		if err != nil {
			t.Fatal(err)
		}
		steps := 0
		_, err = Run(context.Background(), net, data, nil, Config{MaxEpochs: 1, BatchSize: 16, DropLast: c.drop}, func(p Progress) {
			if p.Done == nil {
				steps++
				if p.Batches != c.want {
					t.Errorf("drop %v: %d batches an epoch, want %d", c.drop, p.Batches, c.want)
				}
			}
		})
		if err != nil || steps != c.want {
			t.Errorf("drop %v: %d steps, error %v; want %d steps", c.drop, steps, err, c.want)
		}
	}
	net, _ := models.NewMLP(models.MLPConfig{Input: [3]int{1, 8, 8}, Classes: 4, Hidden: []int{8}}, 1)
	if _, err := Run(context.Background(), net, quadrantSet(10, 4), nil, Config{MaxEpochs: 1, BatchSize: 16, DropLast: true}, nil); err == nil || !strings.Contains(err.Error(), "no full batch") {
		t.Errorf("10 images, batch 16, drop-last: error %v", err)
	}
}
