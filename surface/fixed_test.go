package surface

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/jacobian"
	"github.com/surfscope/surfscope/models/onnx"
)

// loadConstantsNet loads the ONNX fixture made by models/onnx/testdata/make_constants.py: conv,
// ReLU, a Pad that no convolution absorbs (an identity depthwise convolution), max pool, x·c and
// 1 − x with constants (affine batch norms), flatten, dense. It returns the net and PyTorch's
// count of its parameters.
func loadConstantsNet(t *testing.T) (*models.Net, int) {
	t.Helper()
	net, err := onnx.Load("../models/onnx/testdata/constants_op17.onnx")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../models/onnx/testdata/constants.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct{ Parameters int }
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	fixed := 0
	for _, nd := range net.Nodes {
		if nd.Fixed {
			fixed++
			if nd.Op != models.OpConv && nd.Op != models.OpBatchNorm {
				t.Errorf("node %q (%s) is fixed", nd.Name, nd.Op)
			}
		}
	}
	if fixed != 3 { // the Pad, the Mul, the Sub
		t.Fatalf("%d fixed nodes, want 3", fixed)
	}
	return net, fx.Parameters
}

// TestImportedConstantsAreNotParameters: the NTK, the Hessian and the loss landscape of an
// imported net see PyTorch's parameters (model.parameters()), not the constants the importer
// turns into node parameters; a checkpoint keeps the difference.
func TestImportedConstantsAreNotParameters(t *testing.T) {
	net, want := loadConstantsNet(t)
	if got := net.NumLearned(); got != want {
		t.Errorf("NumLearned %d, PyTorch counts %d parameters", got, want)
	}
	jac, err := jacobian.New(net)
	if err != nil {
		t.Fatal(err)
	}
	if got := jac.NumParams(); got != want {
		t.Errorf("NTK (Jacobian) parameters %d, want PyTorch's %d", got, want)
	}
	x, y := randomData(5, 40, net.InputSize(), net.Classes)
	spec, err := HessianExtremes(context.Background(), net, x, y, &HessianOptions{Steps: 4})
	if err != nil {
		t.Fatalf("Hessian: %v", err)
	}
	if spec.Params != want {
		t.Errorf("Hessian over %d parameters, want the %d learned ones", spec.Params, want)
	}
	for _, biasBN := range []bool{false, true} {
		d1 := FilterNormalized(net, 1, &DirectionOptions{BiasBN: biasBN})
		d2 := FilterNormalized(net, 2, &DirectionOptions{BiasBN: biasBN})
		for k, key := range d1.Keys {
			if net.Nodes[key.Node].Fixed && (anyNonZero(d1.Data[k]) || anyNonZero(d2.Data[k])) {
				t.Errorf("bias-bn %v: the direction moves %s of fixed node %q", biasBN, key.Name, net.Nodes[key.Node].Name)
			}
		}
		// The landscape at (α, β) is the loss of the net with only its learned tensors moved.
		const a, b = 0.5, -0.25
		g, err := LossLandscape(context.Background(), net, []ParamVector{d1, d2}, []float64{a}, []float64{b}, x, y, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		moved := net.Clone()
		for k, key := range d1.Keys {
			nd := &moved.Nodes[key.Node]
			if !nd.Learned(key.Name) {
				continue
			}
			for i := range nd.Params[key.Name].Data {
				nd.Params[key.Name].Data[i] += float32(a*float64(d1.Data[k][i]) + b*float64(d2.Data[k][i]))
			}
		}
		wantLoss, _ := refLoss(t, moved, x, y)
		if got := float64(g.At(0, 0, LandscapeLoss)); math.Abs(got-wantLoss) > 1e-4*(1+wantLoss) {
			t.Errorf("bias-bn %v: landscape loss %.6g at (%g, %g), want %.6g (learned tensors moved, constants not)", biasBN, got, a, b, wantLoss)
		}
	}
}
