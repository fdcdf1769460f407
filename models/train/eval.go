package models

import (
	"context"
	"math"

	"github.com/surfscope/surfscope/dataset"
)

// evalBatch is the batch size of the inference graph that measures loss and accuracy. The graph
// holds every node's output for a whole batch, so this bounds its memory; larger batches are no
// faster (the kernels work sample by sample).
const evalBatch = 64

// evaluation measures a net (through an inference-mode gorgonia graph sharing the trainer's
// parameter store) on labelled data.
type evaluation struct {
	g       *gGraph
	classes int
	size    int
}

func newEvaluation(n *Net, ps *paramStore, batch int) (*evaluation, error) {
	g, err := buildGGraph(n, ps, max(batch, 1), false)
	if err != nil {
		return nil, err
	}
	return &evaluation{g: g, classes: n.Classes, size: n.InputSize()}, nil
}

func (e *evaluation) close() { e.g.close() }

// logits runs the graph on up to batch images starting at image from, and returns the logits of
// the count images it ran.
func (e *evaluation) logits(images []float32, from int) ([]float32, int, error) {
	n := len(images) / e.size
	count := min(e.g.batch, n-from)
	copy(e.g.xData, images[from*e.size:(from+count)*e.size])
	clear(e.g.xData[count*e.size:])
	if err := e.g.run(); err != nil {
		return nil, 0, err
	}
	return e.g.logits.outData[:count*e.classes], count, nil
}

// measure writes the mean cross-entropy and the accuracy on d into loss and acc, and when gates is
// not nil the saturation of every sigmoid node.
func (e *evaluation) measure(ctx context.Context, d *dataset.Set, loss, acc *float64, gates *[]GateStats) error {
	n := d.Len()
	var total float64
	correct := 0
	low := make([]int, len(e.g.sigmoids))
	high := make([]int, len(e.g.sigmoids))
	values := make([]int, len(e.g.sigmoids))
	for from := 0; from < n; from += e.g.batch {
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
			for j, sg := range e.g.sigmoids {
				per := len(sg.op.outData) / e.g.batch
				for _, v := range sg.op.outData[:count*per] {
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
	if gates != nil && len(e.g.sigmoids) > 0 {
		*gates = make([]GateStats, len(e.g.sigmoids))
		for j, sg := range e.g.sigmoids {
			(*gates)[j] = GateStats{Node: sg.node, Name: sg.name,
				Low: float64(low[j]) / float64(values[j]), High: float64(high[j]) / float64(values[j])}
		}
	}
	return nil
}

// crossEntropy returns −log softmax(z)[label] and the index of the largest logit (the first on ties).
func crossEntropy(z []float32, label int) (float64, int) {
	best := 0
	m := math.Inf(-1)
	for j, v := range z {
		if float64(v) > m {
			m, best = float64(v), j
		}
	}
	sum := 0.0
	for _, v := range z {
		sum += math.Exp(float64(v) - m)
	}
	return m + math.Log(sum) - float64(z[label]), best
}
