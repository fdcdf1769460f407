package surface

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/onnx"
)

// bnNet is conv(2, 3×3, pad 1) → batch norm → ReLU → max pool → flatten → dense(5) → batch norm →
// ReLU → dense(3) on 1×4×4 inputs, with running statistics far from the truth.
func bnNet(t *testing.T) *models.Net {
	t.Helper()
	net, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 4, 4}, Classes: 3, Channels: []int{2}, BatchNorm: true, Hidden: []int{5}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	// A batch norm on the hidden vector: fc1 → bn_fc1 → relu_fc1.
	net.Nodes = slices.Insert(net.Nodes, 7, models.Node{Name: "bn_fc1", Op: models.OpBatchNorm, Inputs: []int{6},
		Params: map[string]*models.Tensor{"gamma": models.NewTensor(5), "beta": models.NewTensor(5), "mean": models.NewTensor(5), "var": models.NewTensor(5)}})
	net.Nodes[8].Inputs, net.Nodes[9].Inputs = []int{7}, []int{8}
	bns := 0
	for i := range net.Nodes {
		if nd := &net.Nodes[i]; nd.Op == models.OpBatchNorm {
			bns++
			for c := range nd.Params["mean"].Data {
				nd.Params["mean"].Data[c], nd.Params["var"].Data[c] = 7, 0.01 // far from the truth
				nd.Params["gamma"].Data[c], nd.Params["beta"].Data[c] = 1+0.3*float32(c), 0.1*float32(c)
			}
		}
	}
	if bns != 2 {
		t.Fatalf("%d batch norms, want 2", bns)
	}
	return net
}

// empiricalStats returns the mean and the variance (divided by m − ddof) per channel of node's
// values over the images, by the reference forward pass of the net cut after the node.
func empiricalStats(t *testing.T, net *models.Net, node int, images []float32, ddof float64) (mean, variance []float64) {
	t.Helper()
	shapes, _ := net.Shapes()
	s := shapes[node]
	cut := &models.Net{Input: net.Input, Classes: models.ShapeSize(s),
		Nodes: append(slices.Clone(net.Nodes[:node+1]), models.Node{Op: models.OpFlatten, Inputs: []int{node}})}
	C, plane := s[0], models.ShapeSize(s)/s[0]
	var vals [][]float64 = make([][]float64, C)
	D := net.InputSize()
	for k := 0; k < len(images)/D; k++ {
		v, err := cut.ForwardReference(images[k*D : (k+1)*D])
		if err != nil {
			t.Fatal(err)
		}
		for c := 0; c < C; c++ {
			for _, x := range v[c*plane : (c+1)*plane] {
				vals[c] = append(vals[c], float64(x))
			}
		}
	}
	mean, variance = make([]float64, C), make([]float64, C)
	for c, v := range vals {
		for _, x := range v {
			mean[c] += x / float64(len(v))
		}
		for _, x := range v {
			variance[c] += (x - mean[c]) * (x - mean[c]) / (float64(len(v)) - ddof)
		}
	}
	return mean, variance
}

// The recomputed statistics of each batch norm are the mean and unbiased variance of its input
// over the images, with the batch norms before it normalising by their recomputed mean and biased
// variance (a training-mode pass over one batch, as PyTorch's update_bn with one batch).
func TestRecomputeBatchNormKnownStatistics(t *testing.T) {
	net := bnNet(t)
	images, _ := randomData(8, 300, 16, 3) // 300 images: two chunks
	shared := net.Clone()
	if err := RecomputeBatchNorm(context.Background(), net, images); err != nil {
		t.Fatal(err)
	}
	var bns []int
	for i, nd := range net.Nodes {
		if nd.Op == models.OpBatchNorm {
			bns = append(bns, i)
		}
	}
	hand := shared.Clone() // the batch norms as the training-mode pass uses them, set one by one
	for _, i := range bns {
		in := net.Nodes[i].Inputs[0]
		mean, unbiased := empiricalStats(t, hand, in, images, 1)
		_, biased := empiricalStats(t, hand, in, images, 0)
		for c := range mean {
			got, gotVar := float64(net.Nodes[i].Params["mean"].Data[c]), float64(net.Nodes[i].Params["var"].Data[c])
			if math.Abs(got-mean[c]) > 1e-5*(1+math.Abs(mean[c])) || math.Abs(gotVar-unbiased[c]) > 1e-5*unbiased[c] {
				t.Errorf("node %d channel %d: mean %.7g var %.7g, empirical %.7g and %.7g", i, c, got, gotVar, mean[c], unbiased[c])
			}
			hand.Nodes[i].Params["mean"].Data[c], hand.Nodes[i].Params["var"].Data[c] = float32(mean[c]), float32(biased[c])
		}
	}
	for _, i := range bns { // the old tensors, which another net may share, are untouched
		if shared.Nodes[i].Params["mean"].Data[0] != 7 || shared.Nodes[i].Params["var"].Data[0] != 0.01 {
			t.Error("RecomputeBatchNorm wrote into the old statistics")
		}
	}
}

// Two nets that compute the same function, the second with its first layer scaled by s and its
// batch norm's statistics with it (mean·s, var·s²): interpolating the running statistics along the
// line between them gives a spurious loss barrier (at λ the activations scale by 1 + λ(s − 1), the
// interpolated variance by 1 + λ(s² − 1)), which recomputing them removes: every point is then the
// same function.
func TestModelLineRecomputedBatchNormRemovesSpuriousBarrier(t *testing.T) {
	a, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 4, 4}, Classes: 3, Hidden: []int{8}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	// flatten → dense → batch norm → ReLU → dense, the output weights large for confident logits.
	bn := models.Node{Name: "bn", Op: models.OpBatchNorm, Inputs: []int{2}, Params: map[string]*models.Tensor{
		"gamma": {Shape: []int{8}, Data: []float32{1, 1.5, 0.5, 1, 2, 1, 0.7, 1.2}}, "beta": models.NewTensor(8),
		"mean": models.NewTensor(8), "var": {Shape: []int{8}, Data: []float32{1, 1, 1, 1, 1, 1, 1, 1}}}}
	a.Nodes = slices.Insert(a.Nodes, 3, bn)
	a.Nodes[4].Inputs, a.Nodes[5].Inputs = []int{3}, []int{4}
	for i := range a.Nodes[5].Params["weight"].Data {
		a.Nodes[5].Params["weight"].Data[i] *= 6
	}
	images, _ := randomData(9, 200, 16, 3)
	if err := RecomputeBatchNorm(context.Background(), a, images); err != nil {
		t.Fatal(err)
	}
	labels := make([]int, 200)
	for k := range labels { // the labels a predicts: a and b fit them
		z, _ := a.ForwardReference(images[k*16 : (k+1)*16])
		labels[k] = Argmax(z)
	}
	const s = 20
	b := a.Clone()
	for _, p := range []string{"weight", "bias"} {
		for i := range b.Nodes[2].Params[p].Data {
			b.Nodes[2].Params[p].Data[i] *= s
		}
	}
	for c := range b.Nodes[3].Params["mean"].Data {
		b.Nodes[3].Params["mean"].Data[c] *= s
		b.Nodes[3].Params["var"].Data[c] *= s * s
	}
	lambdas := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}
	barrier := func(opt *LandscapeOptions) (Barrier, *Grid) {
		line, err := ModelLine(context.Background(), a, b, lambdas, images, labels, opt, nil)
		if err != nil {
			t.Fatal(err)
		}
		ends, err := ModelLine(context.Background(), a, b, []float64{0, 1}, images, labels, opt, nil)
		if err != nil {
			t.Fatal(err)
		}
		br, err := LineBarrier(line, ends)
		if err != nil {
			t.Fatal(err)
		}
		return br, line
	}
	interp, _ := barrier(nil)
	recomp, line := barrier(&LandscapeOptions{BatchNormImages: images})
	t.Logf("loss barrier: interpolated statistics %.4f at λ = %g, recomputed %.2g; ends %v", interp.Loss, interp.LossLambda, recomp.Loss, interp.EndLoss)
	if math.Abs(interp.EndLoss[0]-interp.EndLoss[1]) > 1e-4 {
		t.Fatalf("the two nets differ: losses %v", interp.EndLoss)
	}
	if interp.Loss < 0.05 || interp.LossLambda <= 0 || interp.LossLambda >= 1 {
		t.Errorf("interpolated statistics: barrier %.4g at λ = %g, want a clear spurious barrier", interp.Loss, interp.LossLambda)
	}
	if recomp.Loss > 1e-4 || recomp.Error != 0 {
		t.Errorf("recomputed statistics: loss barrier %.3g, error barrier %.3g, want none", recomp.Loss, recomp.Error)
	}
	for i := range lambdas {
		if d := float64(line.At(i, 0, LandscapeLoss)) - recomp.EndLoss[0]; math.Abs(d) > 1e-4 {
			t.Errorf("λ = %g: loss differs from the endpoints' by %.3g", lambdas[i], d)
		}
	}
}

// RecomputeBatchNorm gives PyTorch's torch.optim.swa_utils.update_bn statistics (one batch of all
// the images) on the net halfway between two nets, made by testdata/make_update_bn.py: batch
// norms on feature maps and on a vector, each after earlier ones.
func TestRecomputeBatchNormMatchesPyTorchUpdateBN(t *testing.T) {
	var ref struct {
		BatchNorms []struct{ Mean, Var []float64 } `json:"batch_norms"`
	}
	b, err := os.ReadFile("testdata/update_bn.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	net, err := onnx.Load("testdata/update_bn_mid.onnx")
	if err != nil {
		t.Fatal(err)
	}
	_, images, err := ReadNPY("testdata/update_bn_images.npy")
	if err != nil {
		t.Fatal(err)
	}
	if err := RecomputeBatchNorm(context.Background(), net, images); err != nil {
		t.Fatal(err)
	}
	k := 0
	for i, nd := range net.Nodes {
		if nd.Op != models.OpBatchNorm || nd.Fixed {
			continue
		}
		if k >= len(ref.BatchNorms) {
			t.Fatalf("more batch norms than PyTorch's %d", len(ref.BatchNorms))
		}
		want := ref.BatchNorms[k]
		for c := range want.Mean {
			m, v := float64(nd.Params["mean"].Data[c]), float64(nd.Params["var"].Data[c])
			if math.Abs(m-want.Mean[c]) > 1e-5*(1+math.Abs(want.Mean[c])) || math.Abs(v-want.Var[c]) > 1e-5*(1+want.Var[c]) {
				t.Errorf("batch norm %d (node %d %q) channel %d: mean %.7g var %.7g, update_bn %.7g %.7g", k, i, nd.Name, c, m, v, want.Mean[c], want.Var[c])
			}
		}
		k++
	}
	if k != len(ref.BatchNorms) {
		t.Errorf("%d batch norms, PyTorch has %d", k, len(ref.BatchNorms))
	}
}
