package train

import (
	"context"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

// evalBatch is the batch size of the inference graph that measures loss and accuracy. The graph
// holds every node's output for a whole batch, so this bounds its memory; larger batches are no
// faster (the kernels work sample by sample).
const evalBatch = 64

// evaluation measures a net (through an inference-mode gorgonia graph sharing the trainer's
// parameter store) on labelled data.
type evaluation struct {
	g       *graph.Graph
	classes int
	size    int
}

func newEvaluation(n *models.Net, ps *graph.Store, batch int) (*evaluation, error) {
	g, err := graph.Build(n, ps, max(batch, 1), false)
	if err != nil {
		return nil, err
	}
	return &evaluation{g: g, classes: n.Classes, size: n.InputSize()}, nil
}

func (e *evaluation) close() { e.g.Close() }

// logits runs the graph on up to batch images starting at image from, and returns the logits of
// the count images it ran.
func (e *evaluation) logits(images []float32, from int) ([]float32, int, error) {
	n := len(images) / e.size
	count := min(e.g.Batch, n-from)
	copy(e.g.X, images[from*e.size:(from+count)*e.size])
	clear(e.g.X[count*e.size:])
	if err := e.g.Run(); err != nil {
		return nil, 0, err
	}
	return e.g.Logits()[:count*e.classes], count, nil
}

// measure writes the mean cross-entropy and the accuracy on d into loss and acc, and when gates is
// not nil the saturation of every sigmoid node.
func (e *evaluation) measure(ctx context.Context, d *dataset.Set, loss, acc *float64, gates *[]GateStats) error {
	n := d.Len()
	var total float64
	correct := 0
	low := make([]int, len(e.g.Sigmoids))
	high := make([]int, len(e.g.Sigmoids))
	values := make([]int, len(e.g.Sigmoids))
	for from := 0; from < n; from += e.g.Batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		z, count, err := e.logits(d.Images, from)
		if err != nil {
			return err
		}
		for s := 0; s < count; s++ {
			l, best := crossEntropy(z[s*e.classes:(s+1)*e.classes], d.Labels[from+s])
			total += l
			if best == d.Labels[from+s] {
				correct++
			}
		}
		if gates != nil {
			for j, sg := range e.g.Sigmoids {
				per := len(sg.Values()) / e.g.Batch
				for _, v := range sg.Values()[:count*per] {
					if v < 0.05 {
						low[j]++
					} else if v > 0.95 {
						high[j]++
					}
				}
				values[j] += count * per
			}
		}
	}
	*loss, *acc = total/float64(n), float64(correct)/float64(n)
	if gates != nil && len(e.g.Sigmoids) > 0 {
		*gates = make([]GateStats, len(e.g.Sigmoids))
		for j, sg := range e.g.Sigmoids {
			(*gates)[j] = GateStats{Node: sg.Node, Name: sg.Name,
				Low: float64(low[j]) / float64(values[j]), High: float64(high[j]) / float64(values[j])}
		}
	}
	return nil
}

// crossEntropy returns −log softmax(z)[label] and the index of the largest logit (the first on ties).
func crossEntropy(z []float32, label int) (float64, int) {
	best := 0
	for j, v := range z {
		if v > z[best] {
			best = j
		}
	}
	return softmax.LogSumExp(z) - float64(z[label]), best
}
