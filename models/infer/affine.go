package infer

import (
	"fmt"
	"math"
	"slices"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// Every probe of surfscope (data plane, random plane, flip plane, mixup line) evaluates points
// p_k = x0 + Σ_d c_kd·dirs[d]. The nodes of a net that are affine in its input (normalize, dense,
// conv, batch norm, average pooling, flatten and sums and concatenations of such) satisfy
// L(p_k) = L(x0) + Σ_d c_kd·(L(dirs[d]) − L(0)), so the probe computes those values once and each
// point costs a small combination instead of the first layers.

// affinePlans are an Evaluator's two ways to evaluate points of a probe.
type affinePlans struct {
	frontier  []int // affine nodes read by a non-affine node, or the output
	frontSize int   // values per sample over the frontier
	front     *plan // the frontier given; nil if the frontier is just the input
	input     *plan // the input given, filled with the explicit points
}

func newAffinePlans(n *models.Net, shapes [][]int) *affinePlans {
	nn := len(n.Nodes)
	affine := make([]bool, nn)
	affine[0] = true
	for i := 1; i < nn; i++ {
		nd := &n.Nodes[i]
		switch nd.Op {
		case models.OpNormalize, models.OpFlatten, models.OpDense, models.OpConv, models.OpBatchNorm, models.OpAvgPool, models.OpGlobalAvgPool:
			affine[i] = affine[nd.Inputs[0]]
		case models.OpAdd, models.OpConcat: // sums and concatenations of affine maps are affine
			affine[i] = true
			for _, in := range nd.Inputs {
				affine[i] = affine[i] && affine[in]
			}
		}
	}
	live := make([]bool, nn)
	live[nn-1] = true
	for i := nn - 1; i > 0; i-- {
		if live[i] {
			for _, in := range n.Nodes[i].Inputs {
				live[in] = true
			}
		}
	}
	given, skip := make([]bool, nn), make([]bool, nn)
	given[nn-1] = affine[nn-1]
	for i := 1; i < nn; i++ {
		if !affine[i] && live[i] {
			for _, in := range n.Nodes[i].Inputs {
				given[in] = given[in] || affine[in]
			}
		}
	}
	a := &affinePlans{}
	for i := range given {
		skip[i] = affine[i] && !given[i]
		if given[i] {
			a.frontier = append(a.frontier, i)
			a.frontSize += models.ShapeSize(shapes[i])
		}
	}
	inGiven := make([]bool, nn)
	inGiven[0] = true
	a.input = compile(n, shapes, planOptions{fuse: true, given: inGiven, ownInput: true})
	if len(a.frontier) > 1 || a.frontier[0] != 0 {
		a.front = compile(n, shapes, planOptions{fuse: true, given: given, skip: skip, ownInput: true})
	}
	return a
}

// AffineProbe evaluates a net on points x0 + Σ_d c_d·dirs[d] given by their coefficients c. Build
// one with Evaluator.Affine for each set of points (a plane, a line) and call Forward on chunks of
// coefficients. An AffineProbe is immutable and safe for concurrent use.
type AffineProbe struct {
	p      *plan
	nodes  []int       // nodes whose values are combined
	base   [][]float32 // per node: L(x0)
	delta  [][]float32 // per node: [dirs][size] L(dirs[d]) − L(0)
	ndirs  int
	x0     []float32
	dirs   [][]float32
	output int
}

// Affine prepares the evaluation of points x0 + Σ_d c_d·dirs[d]: it evaluates the affine first
// layers of the net on x0, on every direction and on 0 (when that is cheaper than the layers
// themselves per point, it forms the points explicitly instead). It copies x0 and dirs. It returns
// an error if x0 or a direction does not have InputSize values or holds NaN or Inf.
func (e *Evaluator) Affine(x0 []float32, dirs [][]float32) (*AffineProbe, error) {
	if err := checkAffine("affine probe", e.inputSize, x0, dirs); err != nil {
		return nil, err
	}
	nd := len(dirs)
	pr := &AffineProbe{ndirs: nd, x0: slices.Clone(x0), dirs: make([][]float32, nd), output: e.classes}
	for d := range dirs {
		pr.dirs[d] = slices.Clone(dirs[d])
	}
	pr.p, pr.nodes, pr.base, pr.delta = e.affine.start(e.full, e.inputSize, x0, dirs)
	return pr, nil
}

// start chooses how the points x0 + Σ_d c_d·dirs[d] are evaluated and prepares it, returning the
// plan to run, the nodes whose values are combined per point, and per node the values at x0 and
// the differences L(dirs[d]) − L(0). When combining the frontier's values costs less per point
// than computing them (multiply-adds), the frontier is evaluated by values (a plan that keeps it)
// on x0, every direction and 0; otherwise the points are formed at the input.
func (a *affinePlans) start(values *plan, inputSize int, x0 []float32, dirs [][]float32) (p *plan, nodes []int, base, delta [][]float32) {
	nd := len(dirs)
	if a.front != nil && float64(nd*a.frontSize)+a.front.flops/2 < float64(nd*inputSize)+a.input.flops/2 {
		m := nd + 2
		x := make([]float32, m*inputSize)
		copy(x, x0)
		for d, v := range dirs {
			copy(x[(d+1)*inputSize:], v)
		}
		vals := values.values(x, m, a.frontier)
		for fi, f := range a.frontier {
			sz := values.size[f]
			v := vals[fi]
			zero, diff := v[(m-1)*sz:m*sz], v[sz:(m-1)*sz]
			for d := 0; d < nd; d++ {
				for k, z := range zero {
					diff[d*sz+k] -= z
				}
			}
			base, delta = append(base, v[:sz]), append(delta, diff)
		}
		return a.front, a.frontier, base, delta
	}
	diff := make([]float32, nd*inputSize)
	for d, v := range dirs {
		copy(diff[d*inputSize:], v)
	}
	return a.input, []int{0}, [][]float32{slices.Clone(x0)}, [][]float32{diff}
}

func finite(v []float32) error {
	for i, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return fmt.Errorf("value %d is %v", i, f)
		}
	}
	return nil
}

// FLOPs returns the floating-point operations per point the probe executes in its conv and dense
// layers and in combining the precomputed values (two per multiply-add).
func (pr *AffineProbe) FLOPs() float64 {
	f := pr.p.flops
	for _, n := range pr.nodes {
		f += 2 * float64(pr.ndirs*pr.p.size[n])
	}
	return f
}

// Dirs returns the number of directions, the coefficients per point.
func (pr *AffineProbe) Dirs() int { return pr.ndirs }

// Forward evaluates the batch points with coefficients coef ([batch][Dirs]) and writes their logits,
// [batch][classes], into dst, which it grows when it is too short. It returns dst[:batch·classes].
// It panics if coef is too short.
func (pr *AffineProbe) Forward(dst, coef []float32, batch int) []float32 {
	nd := pr.ndirs
	if batch < 0 || len(coef) < batch*nd {
		panic(fmt.Sprintf("infer: AffineProbe.Forward: %d coefficients for %d points of %d directions", len(coef), batch, nd))
	}
	dst = slices.Grow(dst[:0], batch*pr.output)[:batch*pr.output]
	p := pr.p
	parallelUnits(batch, p.unit, func(lo, hi int) {
		sc := p.getScratch()
		n := hi - lo
		for fi, f := range pr.nodes {
			sz := p.size[f]
			buf := sc.vals[f][:n*sz]
			for s := 0; s < n; s++ {
				copy(buf[s*sz:(s+1)*sz], pr.base[fi])
			}
			if nd > 0 {
				sgemm.Gemm(false, false, n, sz, nd, 1, coef[lo*nd:hi*nd], nd, pr.delta[fi], sz, 1, buf, sz)
			}
		}
		out := p.run(sc, nil, n)
		copy(dst[lo*pr.output:hi*pr.output], out)
		p.putScratch(sc)
	})
	return dst
}

// probeCache is the number of probes ForwardAffine keeps.
const probeCache = 4

// ForwardAffine evaluates the points x0 + Σ_d coef[k·len(dirs)+d]·dirs[d], k < batch, like
// e.Affine(x0, dirs) followed by Forward. It keeps the last few probes and reuses one while x0 and
// dirs hold the same values, so a sampler may call it chunk by chunk with the same arguments (the
// check compares the values, costing one pass over x0 and dirs per call). It panics where Affine
// returns an error or coef is too short.
func (e *Evaluator) ForwardAffine(dst []float32, x0 []float32, dirs [][]float32, coef []float32, batch int) []float32 {
	e.probeMu.Lock()
	var pr *AffineProbe
	for i, c := range e.probes {
		if c.sameAs(x0, dirs) {
			pr = c
			copy(e.probes[1:i+1], e.probes[:i])
			e.probes[0] = pr
			break
		}
	}
	if pr == nil {
		var err error
		if pr, err = e.Affine(x0, dirs); err != nil {
			e.probeMu.Unlock()
			panic(err.Error())
		}
		if len(e.probes) < probeCache {
			e.probes = append(e.probes, nil)
		}
		copy(e.probes[1:], e.probes)
		e.probes[0] = pr
	}
	e.probeMu.Unlock()
	return pr.Forward(dst, coef, batch)
}

func (pr *AffineProbe) sameAs(x0 []float32, dirs [][]float32) bool {
	if len(dirs) != len(pr.dirs) || !slices.Equal(x0, pr.x0) {
		return false
	}
	for d := range dirs {
		if !slices.Equal(dirs[d], pr.dirs[d]) {
			return false
		}
	}
	return true
}

// values evaluates the plan on the m samples in x and returns the values of the given nodes,
// [m][size] each.
func (p *plan) values(x []float32, m int, nodes []int) [][]float32 {
	out := make([][]float32, len(nodes))
	for i, f := range nodes {
		out[i] = make([]float32, m*p.size[f])
	}
	in := p.size[0]
	parallelUnits(m, p.unit, func(lo, hi int) {
		sc := p.getScratch()
		v := p.views(sc, x[lo*in:hi*in], hi-lo)
		p.run(sc, x[lo*in:hi*in], hi-lo)
		for i, f := range nodes {
			copy(out[i][lo*p.size[f]:hi*p.size[f]], v[f])
		}
		p.putScratch(sc)
	})
	return out
}

// checkAffine checks that x0 and every direction of an affine probe have size values and hold no
// NaN or Inf; what names the caller in the error.
func checkAffine(what string, size int, x0 []float32, dirs [][]float32) error {
	if len(x0) != size {
		return fmt.Errorf("infer: %s: x0 has %d values, want %d", what, len(x0), size)
	}
	if err := finite(x0); err != nil {
		return fmt.Errorf("infer: %s: x0: %v", what, err)
	}
	for d, v := range dirs {
		if len(v) != size {
			return fmt.Errorf("infer: %s: direction %d has %d values, want %d", what, d, len(v), size)
		}
		if err := finite(v); err != nil {
			return fmt.Errorf("infer: %s: direction %d: %v", what, d, err)
		}
	}
	return nil
}
