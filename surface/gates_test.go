package surface

import (
	"context"
	"math"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// gateNet is x ↦ out(x ⊙ σ(20x − 10)) on 1×1×4 inputs: one gate whose outputs are known by hand.
func gateNet() *models.Net {
	return &models.Net{Input: [3]int{1, 1, 4}, Classes: 2, Nodes: []models.Node{{Op: models.OpInput},
		{Name: "flat", Op: models.OpFlatten, Inputs: []int{0}},
		{Name: "fc", Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{
			"weight": {Shape: []int{4, 4}, Data: []float32{20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 20}},
			"bias":   {Shape: []int{4}, Data: []float32{-10, -10, -10, -10}}}},
		{Name: "gate", Op: models.OpSigmoid, Inputs: []int{2}},
		{Name: "gated", Op: models.OpMul, Inputs: []int{1, 3}},
		{Name: "out", Op: models.OpDense, Inputs: []int{4}, Params: map[string]*models.Tensor{"weight": models.NewTensor(2, 4)}},
	}}
}

// Over images: pre-activations −10, −1, 1, 10 in every image give one output below 0.05 and one
// above 0.95 in four. Along the line from 0 to 1 in 11 steps every unit's gate is σ(20λ − 10),
// below 0.05 for λ < 0.353 (λ = 0 … 0.3: 4 points) and above 0.95 for λ > 0.647 (0.7 … 1: 4).
func TestGateSaturationKnownAnswers(t *testing.T) {
	net := gateNet()
	images := []float32{0, 0.45, 0.55, 1, 1, 0.55, 0.45, 0, 0.45, 0, 1, 0.55}
	s, err := GateSaturation(context.Background(), net, images, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Gates) != 1 || s.Gates[0].Name != "gate" || s.Gates[0].Kind != models.GateOther || s.Gates[0].Count != 12 ||
		s.Gates[0].Low != 0.25 || s.Gates[0].High != 0.25 || s.Low != 0.25 || s.High != 0.25 || s.Inputs != 3 {
		t.Errorf("over images: %+v", s)
	}
	zero, one := make([]float32, 4), []float32{1, 1, 1, 1}
	line, err := projection.MixupLine(net.Input, zero, one, 11, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	s, err = GateSaturationOnProbe(context.Background(), net, line)
	if err != nil {
		t.Fatal(err)
	}
	if g := s.Gates[0]; g.Count != 44 || math.Abs(g.Low-4.0/11) > 1e-12 || math.Abs(g.High-4.0/11) > 1e-12 || s.Inputs != 11 {
		t.Errorf("along the line: %+v", s)
	}
	mlp, _ := models.NewMLP(models.MLPConfig{Input: [3]int{1, 1, 4}, Classes: 2, Hidden: []int{3}, Activation: models.OpSigmoid}, 1)
	if _, err := GateSaturation(context.Background(), mlp, images, 3, nil); err == nil {
		t.Error("a net without gates has a gate saturation")
	}
}

// The gates of a gate2 ResNet with SE gates measured over many inputs (several chunks and work
// units) agree with counting the values of each gate node from the net cut after it.
func TestGateSaturationMatchesReference(t *testing.T) {
	net, err := models.NewResNet(models.ResNetConfig{Input: [3]int{1, 4, 4}, Classes: 3, Shortcut: models.ShortcutGate2, SE: true}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range net.Nodes { // spread the batch-norm outputs so that gates saturate
		if nd := &net.Nodes[i]; nd.Op == models.OpBatchNorm {
			for c := range nd.Params["gamma"].Data {
				nd.Params["gamma"].Data[c] = float32(1 + 2*c)
			}
		}
	}
	const n = 300
	x, _ := randomData(3, n, net.InputSize(), 3)
	s, err := GateSaturation(context.Background(), net, x, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	shapes, _ := net.Shapes()
	for _, g := range s.Gates {
		cut := &models.Net{Input: net.Input, Classes: models.ShapeSize(shapes[g.Node]),
			Nodes: append(append([]models.Node(nil), net.Nodes[:g.Node+1]...), models.Node{Op: models.OpFlatten, Inputs: []int{g.Node}})}
		ev, err := infer.New(cut)
		if err != nil {
			t.Fatal(err)
		}
		v := ev.Forward(nil, x, n)
		low, high := models.CountSaturated(v)
		count := len(v)
		// Values within float32 rounding of a threshold may fall on either side.
		if g.Count != count || math.Abs(g.Low-float64(low)/float64(count)) > 2e-3 || math.Abs(g.High-float64(high)/float64(count)) > 2e-3 {
			t.Errorf("%s (%s): low %.4f high %.4f of %d, reference %.4f %.4f of %d", g.Name, g.Kind, g.Low, g.High, g.Count,
				float64(low)/float64(count), float64(high)/float64(count), count)
		}
	}
	if s.Low+s.High == 0 {
		t.Error("no gate output saturated: the test checks nothing")
	}
}
