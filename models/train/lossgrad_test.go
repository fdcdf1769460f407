package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
)

// refMeanLoss is the mean cross-entropy of n over the images by the reference forward pass.
func refMeanLoss(t *testing.T, n *models.Net, images []float32, labels []int) float64 {
	t.Helper()
	size := n.InputSize()
	total := 0.0
	for s, l := range labels {
		z, err := n.ForwardReference(images[s*size : (s+1)*size])
		if err != nil {
			t.Fatal(err)
		}
		loss, _ := crossEntropy(z, l)
		total += loss
	}
	return total / float64(len(labels))
}

// TestLossGradientMatchesFiniteDifferences checks the loss and sampled gradient entries of a tanh
// CNN with a batch norm (non-trivial running statistics) against central differences of the
// reference forward pass, over 7 images in batches of 3 (two full batches and a remainder).
func TestLossGradientMatchesFiniteDifferences(t *testing.T) {
	net, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 6, 6}, Classes: 3, Channels: []int{3}, BatchNorm: true,
		Activation: models.OpTanh, Hidden: []int{5}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 5))
	for i := range net.Nodes {
		if net.Nodes[i].Op == models.OpBatchNorm {
			for k := range net.Nodes[i].Params["mean"].Data {
				net.Nodes[i].Params["mean"].Data[k] = float32(r.NormFloat64() * 0.1)
				net.Nodes[i].Params["var"].Data[k] = float32(0.5 + r.Float64())
				net.Nodes[i].Params["gamma"].Data[k] = float32(0.5 + r.Float64())
			}
		}
	}
	const N = 7
	images := make([]float32, N*36)
	for i := range images {
		images[i] = r.Float32()
	}
	labels := []int{0, 1, 2, 2, 1, 0, 1}
	lg, err := NewLossGradient(net, images, labels, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer lg.Close()
	loss, grad, err := lg.Eval(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := refMeanLoss(t, net, images, labels)
	if math.Abs(loss-want) > 1e-5 {
		t.Fatalf("loss %g, reference %g", loss, want)
	}
	var names []string
	for _, p := range lg.Params() {
		names = append(names, net.Nodes[p.Node].Name+"."+p.Name)
	}
	if got := fmt.Sprint(names); got != "[conv1.weight fc1.weight fc1.bias out.weight out.bias]" {
		t.Fatalf("params %s; want the conv weight (no bias under batch norm) and both dense layers'", got)
	}
	for j, p := range lg.Params() {
		if net.Nodes[p.Node].Op == models.OpBatchNorm {
			t.Fatalf("batch norm parameter %s in the gradient", p.Name)
		}
		tensor := net.Nodes[p.Node].Params[p.Name]
		for _, k := range []int{0, len(p.Data) / 2, len(p.Data) - 1} {
			const h = 1e-3
			old := tensor.Data[k]
			tensor.Data[k] = old + h
			lp := refMeanLoss(t, net, images, labels)
			tensor.Data[k] = old - h
			lm := refMeanLoss(t, net, images, labels)
			tensor.Data[k] = old
			fdv := (lp - lm) / (2 * h)
			if math.Abs(float64(grad[j][k])-fdv) > 2e-3*math.Max(1, math.Abs(fdv)) {
				t.Errorf("%s.%s[%d]: gradient %g, finite differences %g", net.Nodes[p.Node].Name, p.Name, k, grad[j][k], fdv)
			}
		}
	}
	// Writing into Params changes the next Eval.
	p := lg.Params()[0]
	net.Nodes[p.Node].Params[p.Name].Data[0] += 0.5
	p.Data[0] += 0.5
	loss2, _, _ := lg.Eval(context.Background(), grad)
	if want := refMeanLoss(t, net, images, labels); math.Abs(loss2-want) > 1e-5 {
		t.Fatalf("after an update: loss %g, reference %g", loss2, want)
	}
	if _, err := NewLossGradient(net, images[:40], labels, 3); err == nil {
		t.Error("mismatched images accepted")
	}
}
