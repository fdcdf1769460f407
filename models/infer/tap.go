package infer

import (
	"fmt"
	"slices"
	"sync"

	"github.com/surfscope/surfscope/models"
)

// Tap evaluates a net up to chosen nodes and hands their values to the caller: the statistics of
// hidden layers (gate saturation, batch-norm inputs) without materialising a whole batch of them.
// It computes only what the tapped nodes need, with the fast kernels, and never folds or fuses a
// later step into a tapped node (a tapped convolution is read before the batch norm after it). A
// Tap is safe for concurrent use.
type Tap struct {
	p         *plan
	nodes     []int
	sizes     []int
	inputSize int
	aff       *tapAffine // Affine's plans
}

// NewTap validates n and compiles it to compute the values of nodes (indices into n.Nodes, node 0
// the input). It returns an error for an invalid net or a node out of range.
func NewTap(n *models.Net, nodes []int) (*Tap, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	keep := make([]bool, len(n.Nodes))
	t := &Tap{nodes: slices.Clone(nodes), inputSize: n.InputSize()}
	for _, i := range nodes {
		if i < 0 || i >= len(n.Nodes) {
			return nil, fmt.Errorf("infer: tap: node %d of a net of %d nodes", i, len(n.Nodes))
		}
		keep[i] = true
		t.sizes = append(t.sizes, models.ShapeSize(shapes[i]))
	}
	t.p = compile(n, shapes, planOptions{fuse: true, keep: keep})
	t.aff = newTapAffine(n, shapes, keep)
	return t, nil
}

// Sizes returns the per-sample value size of each tapped node, in the order NewTap was given.
func (t *Tap) Sizes() []int { return t.sizes }

// Run evaluates the batch samples in x ([batch][InputSize]) and calls visit once per work unit
// with the values of the tapped nodes for samples [lo, hi): values[k] holds node nodes[k],
// [hi−lo][Sizes()[k]], valid only during the call. Units run in parallel, but the calls to visit
// are serialised, in no fixed order. It panics if x is too short.
func (t *Tap) Run(x []float32, batch int, visit func(lo, hi int, values [][]float32)) {
	if batch < 0 || len(x) < batch*t.inputSize {
		panic(fmt.Sprintf("infer: Tap.Run: %d inputs for a batch of %d samples of %d", len(x), batch, t.inputSize))
	}
	var mu sync.Mutex
	p := t.p
	parallelUnits(batch, p.unit, func(lo, hi int) {
		sc := p.getScratch()
		in := x[lo*t.inputSize : hi*t.inputSize]
		p.run(sc, in, hi-lo)
		v := p.views(sc, in, hi-lo)
		values := make([][]float32, len(t.nodes))
		for k, i := range t.nodes {
			values[k] = v[i][:(hi-lo)*t.sizes[k]]
		}
		mu.Lock()
		visit(lo, hi, values)
		mu.Unlock()
		p.putScratch(sc)
	})
}
