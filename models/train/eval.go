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
	gates   []models.Gate    // the net's gates (models.Net.Gates)
	taps    []*graph.Sigmoid // the graph's sigmoid node of each gate
}

func newEvaluation(n *models.Net, ps *graph.Store, batch int) (*evaluation, error) {
	g, err := graph.Build(n, ps, max(batch, 1), false)
	if err != nil {
		return nil, err
	}
	e := &evaluation{g: g, classes: n.Classes, size: n.InputSize(), gates: n.Gates()}
	for _, gate := range e.gates {
		for j := range g.Sigmoids {
			if g.Sigmoids[j].Node == gate.Node {
				e.taps = append(e.taps, &g.Sigmoids[j])
			}
		}
	}
	return e, nil
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
// not nil the saturation of every gate (models.Net.Gates) over d.
func (e *evaluation) measure(ctx context.Context, d *dataset.Set, loss, acc *float64, gates *[]models.GateSaturation) error {
	n := d.Len()
	var total float64
	correct := 0
	low, high, values := make([]int, len(e.taps)), make([]int, len(e.taps)), make([]int, len(e.taps))
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
			for j, sg := range e.taps {
				per := len(sg.Values()) / e.g.Batch
				l, h := models.CountSaturated(sg.Values()[:count*per])
				low[j], high[j], values[j] = low[j]+l, high[j]+h, values[j]+count*per
			}
		}
	}
	*loss, *acc = total/float64(n), float64(correct)/float64(n)
	if gates != nil && len(e.taps) > 0 {
		*gates = make([]models.GateSaturation, len(e.taps))
		for j, g := range e.gates {
			(*gates)[j] = models.GateSaturation{Gate: g, Low: float64(low[j]) / float64(values[j]),
				High: float64(high[j]) / float64(values[j]), Count: values[j]}
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
