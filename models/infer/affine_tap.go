package infer

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// tapAffine is what a Tap needs to evaluate the points of a probe with the affine shortcut (see
// affine.go): the frontier of affine nodes that the tapped nodes need (tapped affine nodes
// included), a plan that starts from them, a plan that starts from the input, and one that computes
// the frontier's values from whole inputs.
type tapAffine struct {
	affinePlans
	values    *plan // unfused, computes the frontier from the input
	inputSize int
}

func newTapAffine(n *models.Net, shapes [][]int, keep []bool) *tapAffine {
	nn := len(n.Nodes)
	affine := affineNodes(n)
	live := slices.Clone(keep)
	for i := nn - 1; i > 0; i-- {
		if live[i] && !affine[i] {
			for _, in := range n.Nodes[i].Inputs {
				live[in] = true
			}
		}
	}
	// An affine node is given when it is tapped or a live non-affine node reads it.
	given, skip := make([]bool, nn), make([]bool, nn)
	for i := range given {
		given[i] = affine[i] && keep[i]
	}
	for i := 1; i < nn; i++ {
		if !affine[i] && live[i] {
			for _, in := range n.Nodes[i].Inputs {
				given[in] = given[in] || affine[in]
			}
		}
	}
	t := &tapAffine{inputSize: models.ShapeSize(shapes[0])}
	for i := range given {
		skip[i] = affine[i] && !given[i]
		if given[i] {
			t.frontier = append(t.frontier, i)
			t.frontSize += models.ShapeSize(shapes[i])
		}
	}
	inGiven := make([]bool, nn)
	inGiven[0] = true
	t.input = compile(n, shapes, planOptions{fuse: true, given: inGiven, ownInput: true, keep: keep})
	if len(t.frontier) > 0 && (len(t.frontier) > 1 || t.frontier[0] != 0) {
		t.front = compile(n, shapes, planOptions{fuse: true, given: given, skip: skip, ownInput: true, keep: keep})
		frontKeep := make([]bool, nn)
		for _, f := range t.frontier {
			frontKeep[f] = true
		}
		t.values = compile(n, shapes, planOptions{keep: frontKeep})
	}
	return t
}

// affineNodes marks the nodes of n that are affine in its input (see affine.go).
func affineNodes(n *models.Net) []bool {
	affine := make([]bool, len(n.Nodes))
	affine[0] = true
	for i := 1; i < len(n.Nodes); i++ {
		nd := &n.Nodes[i]
		switch nd.Op {
		case models.OpNormalize, models.OpFlatten, models.OpDense, models.OpConv, models.OpBatchNorm, models.OpAvgPool, models.OpGlobalAvgPool:
			affine[i] = affine[nd.Inputs[0]]
		case models.OpAdd, models.OpConcat:
			affine[i] = true
			for _, in := range nd.Inputs {
				affine[i] = affine[i] && affine[in]
			}
		}
	}
	return affine
}

// AffineTap evaluates a Tap's nodes on points x0 + Σ_d c_d·dirs[d] given by their coefficients,
// with the affine shortcut of AffineProbe. Build one with Tap.Affine per probe. It is immutable and
// safe for concurrent use.
type AffineTap struct {
	t     *Tap
	p     *plan
	nodes []int       // nodes whose values are combined
	base  [][]float32 // per node: L(x0)
	delta [][]float32 // per node: [dirs][size] L(dirs[d]) − L(0)
	ndirs int
}

// Affine prepares the evaluation of the tapped nodes on points x0 + Σ_d c_d·dirs[d], like
// Evaluator.Affine. It returns an error if x0 or a direction does not have the input's size or
// holds NaN or Inf.
func (t *Tap) Affine(x0 []float32, dirs [][]float32) (*AffineTap, error) {
	if err := checkAffine("affine tap", t.inputSize, x0, dirs); err != nil {
		return nil, err
	}
	a, nd := t.aff, len(dirs)
	at := &AffineTap{t: t, ndirs: nd}
	at.p, at.nodes, at.base, at.delta = a.start(a.values, t.inputSize, x0, dirs)
	return at, nil
}

// Run evaluates the batch points with coefficients coef ([batch][directions]) and calls visit once
// per work unit with the tapped nodes' values for points [lo, hi), as Tap.Run, except that the
// calls may run concurrently (on disjoint ranges). It panics if coef is too short.
func (at *AffineTap) Run(coef []float32, batch int, visit func(lo, hi int, values [][]float32)) {
	nd := at.ndirs
	if batch < 0 || len(coef) < batch*nd {
		panic(fmt.Sprintf("infer: AffineTap.Run: %d coefficients for %d points of %d directions", len(coef), batch, nd))
	}
	p, t := at.p, at.t
	parallelUnits(batch, p.unit, func(lo, hi int) {
		sc := p.getScratch()
		n := hi - lo
		for fi, f := range at.nodes {
			sz := p.size[f]
			buf := sc.vals[f][:n*sz]
			for s := 0; s < n; s++ {
				copy(buf[s*sz:(s+1)*sz], at.base[fi])
			}
			if nd > 0 {
				sgemm.Gemm(false, false, n, sz, nd, 1, coef[lo*nd:hi*nd], nd, at.delta[fi], sz, 1, buf, sz)
			}
		}
		p.run(sc, nil, n)
		v := p.views(sc, nil, n)
		values := make([][]float32, len(t.nodes))
		for k, i := range t.nodes {
			values[k] = v[i][:n*t.sizes[k]]
		}
		visit(lo, hi, values)
		p.putScratch(sc)
	})
}
