package train

import (
	"context"
	"fmt"
	"math"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/batchnorm"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

// LossGradient evaluates the mean cross-entropy of a net over a fixed set of labelled images,
// L(θ) = (1/N) Σ_s −log softmax(f(x_s; θ))[y_s], and its gradient with respect to the weights and
// biases of every dense and convolution node that is not Fixed (models.Node.Learned), through the
// gorgonia graphs training uses. Batch norm is frozen in inference mode (running statistics,
// gamma and beta held fixed), so L is the loss the Evaluator's forward pass gives. It is what
// second-order analyses of the loss (Hessian eigenvalues by finite differences of gradients) need.
//
// The parameters live in the LossGradient: write new values into the slices Params returns and call
// Eval again. A LossGradient is not safe for concurrent use; Close releases it.
type LossGradient struct {
	params  []models.ParamRef
	graphs  []*graph.Graph // full batches, then the remainder (if any)
	counts  []int          // batches per graph
	images  []float32
	labels  []int
	size, k int
	n       int
}

// NewLossGradient prepares the loss of n over the images ([N,C,H,W], N·InputSize values) and labels
// (len N), evaluated in batches of at most batch images (0 means 500). The net is copied; the
// images are not. It returns an error for a net the training graphs do not support, mismatched
// data, or a batch norm with a zero gamma-free scale.
func NewLossGradient(n *models.Net, images []float32, labels []int, batch int) (*LossGradient, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	size := n.InputSize()
	if len(images) == 0 || len(images)%size != 0 || len(images)/size != len(labels) {
		return nil, fmt.Errorf("train: loss gradient: %d values and %d labels do not make images of %d values", len(images), len(labels), size)
	}
	for i, l := range labels {
		if l < 0 || l >= n.Classes {
			return nil, fmt.Errorf("train: loss gradient: label %d of image %d is not in [0,%d)", l, i, n.Classes)
		}
	}
	frozen, err := freezeBatchNorm(n)
	if err != nil {
		return nil, err
	}
	if batch <= 0 {
		batch = 500
	}
	N := len(labels)
	lg := &LossGradient{images: images, labels: labels, size: size, k: n.Classes, n: N}
	ps := graph.NewStore(frozen)
	full, rest := N/batch, N%batch
	if full == 0 {
		batch, full, rest = N, 1, 0
	}
	for _, b := range []struct{ size, count int }{{batch, full}, {rest, 1}} {
		if b.size == 0 {
			continue
		}
		g, err := graph.Build(frozen, ps, b.size, true)
		if err != nil {
			lg.Close()
			return nil, err
		}
		lg.graphs = append(lg.graphs, g)
		lg.counts = append(lg.counts, b.count)
	}
	for _, l := range lg.graphs[0].Learn { // the frozen batch norms and other Fixed nodes are not there
		lg.params = append(lg.params, models.ParamRef{Node: l.Node, Name: l.Name,
			Shape: append([]int(nil), n.Nodes[l.Node].Params[l.Name].Shape...), Data: l.Data})
	}
	return lg, nil
}

// frozenBN marks the dense or 1×1 convolution nodes that stand for a frozen batch norm.
const frozenBN = "surfscope:frozen-batchnorm"

// freezeBatchNorm returns a copy of n with every batch norm replaced by the same affine map as a
// Fixed dense node (on vectors) or 1×1 convolution (on [C,H,W]) with a diagonal weight, and every
// Fixed grouped convolution (an imported Pad's identity convolution) by the same convolution
// with one group, which the training graphs support. Node indices are unchanged.
func freezeBatchNorm(n *models.Net) (*models.Net, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	out := n.Clone()
	for i, nd := range n.Nodes {
		c := &out.Nodes[i]
		switch {
		case nd.Op == models.OpBatchNorm:
			if err := frozenAffine(c, &nd, shapes[nd.Inputs[0]]); err != nil {
				return nil, fmt.Errorf("train: loss gradient: node %d %q: %v", i, nd.Name, err)
			}
		case nd.Op == models.OpConv && nd.Fixed && nd.Attr.NumGroups() > 1:
			ungroup(c)
		}
	}
	return out, out.Validate()
}

// frozenAffine makes c, a copy of batch norm nd with input shape in, the Fixed dense node or 1×1
// convolution with nd's affine map.
func frozenAffine(c, nd *models.Node, in []int) error {
	scale, shift := batchnorm.Affine(nd)
	ch := in[0]
	var w *models.Tensor
	switch len(in) {
	case 1:
		w = models.NewTensor(ch, ch)
		c.Op = models.OpDense
	case 3:
		w = models.NewTensor(ch, ch, 1, 1)
		c.Op = models.OpConv
	default:
		return fmt.Errorf("batch norm on shape %v", in)
	}
	b := models.NewTensor(ch)
	for k := 0; k < ch; k++ {
		sc := float32(scale[k])
		if math.IsInf(float64(sc), 0) || math.IsNaN(float64(sc)) {
			return fmt.Errorf("batch norm scale %v", sc)
		}
		w.Data[k*ch+k] = sc
		b.Data[k] = float32(shift[k])
	}
	c.Params = map[string]*models.Tensor{"weight": w, "bias": b}
	c.Attr = models.Attr{Meta: frozenBN}
	c.Fixed = true
	return nil
}

// ungroup rewrites grouped convolution c as one group: weight [out, in/g, kh, kw] becomes
// [out, in, kh, kw], zero outside each output channel's group.
func ungroup(c *models.Node) {
	w := c.Params["weight"]
	g := c.Attr.NumGroups()
	cout, cinG, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	cin, coutG, k := cinG*g, cout/g, kh*kw
	full := models.NewTensor(cout, cin, kh, kw)
	for o := 0; o < cout; o++ {
		first := o / coutG * cinG // the group's first input channel
		copy(full.Data[(o*cin+first)*k:(o*cin+first+cinG)*k], w.Data[o*cinG*k:(o+1)*cinG*k])
	}
	params := map[string]*models.Tensor{"weight": full}
	if b := c.Params["bias"]; b != nil {
		params["bias"] = b
	}
	c.Params = params
	c.Attr.Groups = 1
}

// Params returns the weight and bias tensors of the dense and convolution nodes, in node order
// then by name. Their Data slices are the values Eval uses.
func (lg *LossGradient) Params() []models.ParamRef { return lg.params }

// NumParams returns the total number of values in Params.
func (lg *LossGradient) NumParams() int {
	t := 0
	for _, p := range lg.params {
		t += len(p.Data)
	}
	return t
}

// Eval returns the mean loss over all images and its gradient, one slice per entry of Params (the
// slices are reused by the next call). It stops with ctx's error between batches.
func (lg *LossGradient) Eval(ctx context.Context, grad [][]float32) (float64, [][]float32, error) {
	if len(grad) != len(lg.params) {
		grad = make([][]float32, len(lg.params))
		for j, p := range lg.params {
			grad[j] = make([]float32, len(p.Data))
		}
	}
	acc := make([][]float64, len(lg.params))
	for j := range acc {
		acc[j] = make([]float64, len(lg.params[j].Data))
	}
	total := 0.0
	from := 0
	for gi, g := range lg.graphs {
		for b := 0; b < lg.counts[gi]; b++ {
			if err := ctx.Err(); err != nil {
				return 0, nil, err
			}
			copy(g.X, lg.images[from*lg.size:(from+g.Batch)*lg.size])
			clear(g.Targets)
			for s := 0; s < g.Batch; s++ {
				g.Targets[s*lg.k+lg.labels[from+s]] = 1
			}
			if err := g.Run(); err != nil {
				return 0, nil, err
			}
			w := float64(g.Batch) / float64(lg.n)
			total += w * g.Loss()
			j := 0
			for li, l := range g.Learn {
				if j >= len(lg.params) || l.Node != lg.params[j].Node || l.Name != lg.params[j].Name {
					continue
				}
				d, err := g.Gradient(li)
				if err != nil {
					return 0, nil, err
				}
				for k, v := range d {
					acc[j][k] += w * float64(v)
				}
				j++
			}
			from += g.Batch
		}
	}
	for j := range grad {
		for k, v := range acc[j] {
			grad[j][k] = float32(v)
		}
	}
	return total, grad, nil
}

// Close releases the graphs.
func (lg *LossGradient) Close() {
	for _, g := range lg.graphs {
		g.Close()
	}
}
