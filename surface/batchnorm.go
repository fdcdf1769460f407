package surface

import (
	"context"
	"fmt"
	"maps"
	"math"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// RecomputeBatchNorm replaces the running mean and variance of every batch norm of net (Fixed ones
// excepted: they are constants of an imported graph) by the statistics of its input over the
// images ([N,C,H,W], N·InputSize values), batch norm by batch norm in node order, each measured
// with the earlier ones already recomputed and normalising with the biased variance — a forward
// pass in training mode over the images as one batch. The stored variance is the unbiased one,
// m/(m − 1) times the biased (m = N × positions per channel). This is PyTorch's
// torch.optim.swa_utils.update_bn with the images in one batch: what Garipov et al. ("Loss
// surfaces, mode connectivity, and fast ensembling of DNNs", NeurIPS 2018) and Frankle et al.
// ("Linear mode connectivity and the lottery ticket hypothesis", ICML 2020) do at every point of
// a path between two trained nets, whose interpolated running statistics no longer describe the
// interpolated weights' activations. It gives each batch norm of net a new Params map with new
// mean and var tensors (nets that share the old ones are not affected), and stops with ctx's error
// between batch norms and chunks.
func RecomputeBatchNorm(ctx context.Context, net *models.Net, images []float32) error {
	D := net.InputSize()
	N := len(images) / D
	if N < 2 || len(images) != N*D {
		return fmt.Errorf("surface: batch-norm statistics: %d values do not make at least 2 images of %d", len(images), D)
	}
	shapes, err := net.Shapes()
	if err != nil {
		return err
	}
	var done []int // batch norms recomputed, whose variance is still the biased one
	for i := range net.Nodes {
		nd := &net.Nodes[i]
		if nd.Op != models.OpBatchNorm || nd.Fixed {
			continue
		}
		in := nd.Inputs[0]
		mean, variance, err := channelStats(ctx, net, in, shapes[in], images, N)
		if err != nil {
			return fmt.Errorf("surface: batch-norm statistics of node %d %q: %w", i, nd.Name, err)
		}
		nd.Params = maps.Clone(nd.Params) // another net may share the map (withParams)
		nd.Params["mean"] = &models.Tensor{Shape: []int{len(mean)}, Data: mean}
		nd.Params["var"] = &models.Tensor{Shape: []int{len(variance)}, Data: variance}
		done = append(done, i)
	}
	for _, i := range done {
		in := shapes[net.Nodes[i].Inputs[0]]
		m := float32(N * models.ShapeSize(in) / in[0])
		for c := range net.Nodes[i].Params["var"].Data {
			net.Nodes[i].Params["var"].Data[c] *= m / (m - 1)
		}
	}
	return nil
}

// channelStats returns the mean and the biased variance of node's values per channel (axis 0 of
// shape) over the images: per work unit in float64 with two passes, the units combined in input
// order with Chan et al.'s pairwise update ("Updating formulae and a pairwise algorithm for
// computing sample variances", 1979), so that a large mean does not cancel the variance and the
// result does not depend on the order the units finish in.
func channelStats(ctx context.Context, net *models.Net, node int, shape []int, images []float32, N int) (mean, variance []float32, err error) {
	tap, err := infer.NewTap(net, []int{node})
	if err != nil {
		return nil, nil, err
	}
	C, D := shape[0], net.InputSize()
	plane := models.ShapeSize(shape) / C
	var total moments
	total.init(C)
	for lo := 0; lo < N; lo += gateChunk {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		hi := min(lo+gateChunk, N)
		units := map[int]*moments{}
		tap.Run(images[lo*D:hi*D], hi-lo, func(a, b int, values [][]float32) {
			units[a] = unitMoments(values[0], b-a, C, plane)
		})
		for a := 0; a < hi-lo; a++ {
			if u := units[a]; u != nil {
				total.add(u)
			}
		}
	}
	mean, variance = make([]float32, C), make([]float32, C)
	for c := range mean {
		if v := total.m2[c] / total.n; math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("channel %d: the values are not finite", c)
		}
		mean[c], variance[c] = float32(total.mean[c]), float32(total.m2[c]/total.n)
	}
	return mean, variance, nil
}

// moments are per-channel counts, means and sums of squared deviations.
type moments struct {
	n        float64 // values per channel
	mean, m2 []float64
}

func (m *moments) init(c int) { m.mean, m.m2 = make([]float64, c), make([]float64, c) }

// add merges u into m (Chan et al.).
func (m *moments) add(u *moments) {
	total := m.n + u.n
	for c := range m.mean {
		delta := u.mean[c] - m.mean[c]
		m.mean[c] += delta * u.n / total
		m.m2[c] += u.m2[c] + delta*delta*m.n*u.n/total
	}
	m.n = total
}

// unitMoments returns the moments of v, samples of [C][plane] values each, per channel.
func unitMoments(v []float32, samples, C, plane int) *moments {
	u := &moments{n: float64(samples * plane)}
	u.init(C)
	for c := 0; c < C; c++ {
		s := 0.0
		for k := 0; k < samples; k++ {
			for _, x := range v[(k*C+c)*plane : (k*C+c+1)*plane] {
				s += float64(x)
			}
		}
		mu, ss := s/u.n, 0.0
		for k := 0; k < samples; k++ {
			for _, x := range v[(k*C+c)*plane : (k*C+c+1)*plane] {
				d := float64(x) - mu
				ss += d * d
			}
		}
		u.mean[c], u.m2[c] = mu, ss
	}
	return u
}
