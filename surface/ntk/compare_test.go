package ntk

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/models"
)

func TestRelativeChangeAndAlignment(t *testing.T) {
	k0, _ := rbfProblem(30, 4)
	var k1 mat.SymDense
	k1.ScaleSym(2, k0)
	if c, a := RelativeChange(k0, &k1), Alignment(k0, &k1); math.Abs(c-1) > 1e-12 || math.Abs(a-1) > 1e-12 {
		t.Errorf("K1 = 2·K0: change %g (want 1), alignment %g (want 1)", c, a)
	}
	// Orthogonal kernels: diag(1,0) against diag(0,1).
	a := mat.NewSymDense(2, []float64{1, 0, 0, 0})
	b := mat.NewSymDense(2, []float64{0, 0, 0, 1})
	if al, c := Alignment(a, b), RelativeChange(a, b); al != 0 || math.Abs(c-math.Sqrt2) > 1e-15 {
		t.Errorf("orthogonal kernels: alignment %g (want 0), change %g (want √2)", al, c)
	}
}

// The class-equality kernel, and any affine image of it, is perfectly aligned with its targets;
// the centring makes the constant kernel irrelevant.
func TestTargetAlignment(t *testing.T) {
	labels := []int{0, 1, 2, 1, 0, 2, 2, 1}
	m := len(labels)
	k := mat.NewSymDense(m, nil)
	for i := 0; i < m; i++ {
		for j := i; j < m; j++ {
			v := 5.0 // constant offset
			if labels[i] == labels[j] {
				v += 3
			}
			k.SetSym(i, j, v)
		}
	}
	if a, err := TargetAlignment(k, labels); err != nil || math.Abs(a-1) > 1e-12 {
		t.Errorf("class kernel: alignment %g, %v; want 1", a, err)
	}
	id := mat.NewSymDense(m, nil)
	for i := 0; i < m; i++ {
		id.SetSym(i, i, 1)
	}
	a, _ := TargetAlignment(id, labels)
	if !(a > 0 && a < 1) {
		t.Errorf("identity kernel: alignment %g, want in (0,1)", a)
	}
	if _, err := TargetAlignment(id, labels[:3]); err == nil {
		t.Error("short labels: no error")
	}
}

// Initial rebuilds every architecture with its recorded seed: after the weights are changed (as
// training does), Initial gives back the constructor's weights; a net without a known Arch, or
// whose graph was changed, is an error.
func TestInitialRebuildsTheUntrainedNet(t *testing.T) {
	norm := &[2]float32{0.13, 0.31}
	builds := map[string]func() (*models.Net, error){
		"mlp": func() (*models.Net, error) {
			return models.NewMLP(models.MLPConfig{Input: [3]int{1, 6, 6}, Classes: 3, Hidden: []int{5, 4}, Activation: models.OpGELU, Normalize: norm}, 11)
		},
		"cnn": func() (*models.Net, error) {
			return models.NewCNN(models.CNNConfig{Input: [3]int{3, 8, 8}, Classes: 4, Channels: []int{2, 3}, Kernel: 5, PoolEvery: 1,
				BatchNorm: true, GlobalPool: true, Hidden: []int{7}}, 12)
		},
		"resnet": func() (*models.Net, error) {
			return models.NewResNet(models.ResNetConfig{Input: [3]int{3, 8, 8}, Classes: 5, Depth: 8, Shortcut: models.ShortcutGate, SE: true}, 13)
		},
	}
	for name, build := range builds {
		want, err := build()
		if err != nil {
			t.Fatal(err)
		}
		trained, _ := build()
		for i := range trained.Nodes {
			for _, p := range trained.Nodes[i].Params {
				for k := range p.Data {
					p.Data[k] += 0.25
				}
			}
		}
		got, err := Initial(trained)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range want.Nodes {
			for pn, p := range want.Nodes[i].Params {
				q := got.Nodes[i].Params[pn]
				for k := range p.Data {
					if p.Data[k] != q.Data[k] {
						t.Fatalf("%s: node %d %s[%d] = %v, want %v", name, i, pn, k, q.Data[k], p.Data[k])
					}
				}
			}
		}
		broken, _ := build()
		broken.Nodes[len(broken.Nodes)-1].Params["weight"] = models.NewTensor(1, 1)
		if _, err := Initial(broken); err == nil {
			t.Errorf("%s: changed graph: no error", name)
		}
	}
	if _, err := Initial(linearNet(1, 2, 2, 3, 1)); err == nil {
		t.Error("net without Arch: no error")
	}
}

// MeasureNet on a linear net with zero weights: every logit is the bias, so the softmax, the MSEs
// and the error follow by hand.
func TestMeasureNetKnownAnswer(t *testing.T) {
	net := linearNet(1, 2, 2, 3, 1)
	w, b := net.Nodes[2].Params["weight"], net.Nodes[2].Params["bias"]
	clear(w.Data)
	copy(b.Data, []float32{0, float32(math.Log(2)), 0}) // softmax (¼, ½, ¼), argmax 1
	labels := []int{1, 0, 2, 1}
	images := make([]float32, 4*4)
	m, err := MeasureNet(net, images, labels)
	if err != nil {
		t.Fatal(err)
	}
	// label 1: (¼)²+(½)²+(¼)² = 0.375; label 0 or 2: (¾)²+(½)²+(¼)² = 0.875.
	if want := (0.375*2 + 0.875*2) / 4; math.Abs(m.SoftmaxMSE-want) > 1e-7 {
		t.Errorf("softmax MSE %g, want %g", m.SoftmaxMSE, want)
	}
	// logits (0, ln2, 0): label 1: (ln2 − 1)²; label 0 or 2: 1 + ln2².
	l2 := math.Log(2)
	if want := (2*(l2-1)*(l2-1) + 2*(1+l2*l2)) / 4; math.Abs(m.LogitMSE-want) > 1e-6 {
		t.Errorf("logit MSE %g, want %g", m.LogitMSE, want)
	}
	if m.Error != 0.5 || m.Images != 4 {
		t.Errorf("error %g on %d images, want 0.5 on 4", m.Error, m.Images)
	}
	if _, err := MeasureNet(net, images, []int{1, 0, 3, 1}); err == nil {
		t.Error("label out of range: no error")
	}
}
