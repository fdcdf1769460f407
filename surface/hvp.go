package surface

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
)

// mlpCurvature computes exact Hessian-vector products of the mean cross-entropy of a multi-layer
// perceptron with respect to its dense weights and biases, by Pearlmutter's R-operator ("Fast exact
// multiplication by the Hessian", Neural Computation 1994): a forward pass, its directional
// derivative along v, backpropagation, and the directional derivative of backpropagation, in
// float64. ReLU and leaky ReLU contribute their derivative almost everywhere (no curvature at the
// kinks, as automatic differentiation gives); tanh and sigmoid their second derivatives too.
//
// It applies to nets of the form input → [normalize] → flatten → (dense → activation)* → dense,
// where finite differences of gradients would be unreliable for ReLU nets: their gradient jumps
// where a unit switches, so a difference quotient picks up jump/h terms that depend on the step.
type mlpCurvature struct {
	scale, shift []float64 // per input value: the normalize node (1, 0 without one)
	w, b         []*mat.Dense
	hasBias      []bool
	act          []models.Op // activation after layer l (all but the last)
	alpha        []float64   // leaky ReLU slopes
	images       []float32
	labels       []int
	d, k         int
	n            int
	chunks       []*mlpChunk // the forward pass, computed once
	loss         float64
}

// newMLPCurvature returns the exact curvature of net, or nil when net is not such an MLP.
func newMLPCurvature(net *models.Net, images []float32, labels []int) *mlpCurvature {
	nodes := net.Nodes
	m := &mlpCurvature{images: images, labels: labels, d: net.InputSize(), k: net.Classes, n: len(labels)}
	m.scale, m.shift = make([]float64, m.d), make([]float64, m.d)
	for i := range m.scale {
		m.scale[i] = 1
	}
	i := 1
	if i < len(nodes) && nodes[i].Op == models.OpNormalize {
		mean, std := nodes[i].Params["mean"].Data, nodes[i].Params["std"].Data
		plane := m.d / len(mean)
		for c := range mean {
			for p := c * plane; p < (c+1)*plane; p++ {
				m.scale[p] = 1 / float64(std[c])
				m.shift[p] = -float64(mean[c]) / float64(std[c])
			}
		}
		i++
	}
	if i >= len(nodes) || nodes[i].Op != models.OpFlatten {
		return nil
	}
	i++
	for ; i < len(nodes); i++ {
		nd := nodes[i]
		if nd.Op != models.OpDense || nd.Inputs[0] != i-1 || nd.Fixed {
			return nil
		}
		w := nd.Params["weight"]
		out, in := w.Shape[0], w.Shape[1]
		m.w = append(m.w, mat.NewDense(out, in, to64s(w.Data)))
		bias := mat.NewDense(1, out, nil)
		if b := nd.Params["bias"]; b != nil {
			bias = mat.NewDense(1, out, to64s(b.Data))
		}
		m.b = append(m.b, bias)
		m.hasBias = append(m.hasBias, nd.Params["bias"] != nil)
		if i == len(nodes)-1 {
			return m
		}
		i++
		a := nodes[i]
		switch a.Op {
		case models.OpReLU, models.OpLeakyReLU, models.OpTanh, models.OpSigmoid:
		default:
			return nil
		}
		if a.Inputs[0] != i-1 {
			return nil
		}
		m.act = append(m.act, a.Op)
		m.alpha = append(m.alpha, float64(a.Attr.Alpha))
	}
	return nil
}

// numParams returns the length of the parameter vectors hvp takes: per layer the weight (row-major)
// then the bias, if any — the order of train.LossGradient.Params.
func (m *mlpCurvature) numParams() int {
	t := 0
	for l, w := range m.w {
		r, c := w.Dims()
		t += r * c
		if m.hasBias[l] {
			t += r
		}
	}
	return t
}

// params returns θ in the order of numParams.
func (m *mlpCurvature) params() []float64 {
	var v []float64
	for l, w := range m.w {
		v = append(v, w.RawMatrix().Data...)
		if m.hasBias[l] {
			v = append(v, m.b[l].RawMatrix().Data...)
		}
	}
	return v
}

// split views a parameter vector as per-layer weight and bias matrices.
func (m *mlpCurvature) split(v []float64) (w, b []*mat.Dense) {
	k := 0
	for l, wl := range m.w {
		r, c := wl.Dims()
		w = append(w, mat.NewDense(r, c, v[k:k+r*c]))
		k += r * c
		if m.hasBias[l] {
			b = append(b, mat.NewDense(1, r, v[k:k+r]))
			k += r
		} else {
			b = append(b, mat.NewDense(1, r, nil))
		}
	}
	return w, b
}

// act returns σ(z), σ'(z) and σ”(z) of layer l's activation.
func (m *mlpCurvature) activation(l int, z float64) (a, d1, d2 float64) {
	switch m.act[l] {
	case models.OpReLU:
		if z > 0 {
			return z, 1, 0
		}
		return 0, 0, 0
	case models.OpLeakyReLU:
		if z > 0 {
			return z, 1, 0
		}
		return m.alpha[l] * z, m.alpha[l], 0
	case models.OpTanh:
		t := math.Tanh(z)
		return t, 1 - t*t, -2 * t * (1 - t*t)
	default: // sigmoid
		s := 1 / (1 + math.Exp(-z))
		return s, s * (1 - s), s * (1 - s) * (1 - 2*s)
	}
}

// mlpChunk is the forward pass of one chunk of images, kept between products: the layer inputs
// a[l] (a[0] the normalised images), the activation derivatives d1[l], d2[l] at each hidden layer's
// pre-activations, the output error δ = (p − y)/N and the softmax p.
type mlpChunk struct {
	rows      int
	a         []*mat.Dense
	d1, d2    []*mat.Dense
	delta, pr *mat.Dense
}

// forward runs the forward pass over all images once, returning the mean loss.
func (m *mlpCurvature) forward(ctx context.Context) (float64, error) {
	L := len(m.w)
	const chunk = 256
	m.chunks = nil
	loss := 0.0
	for lo := 0; lo < m.n; lo += chunk {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		rows := min(chunk, m.n-lo)
		c := &mlpChunk{rows: rows, a: make([]*mat.Dense, L), d1: make([]*mat.Dense, L), d2: make([]*mat.Dense, L)}
		x := mat.NewDense(rows, m.d, nil)
		xr := x.RawMatrix().Data
		for s := 0; s < rows; s++ {
			for p, px := range m.images[(lo+s)*m.d : (lo+s+1)*m.d] {
				xr[s*m.d+p] = float64(px)*m.scale[p] + m.shift[p]
			}
		}
		c.a[0] = x
		for l := 0; l < L; l++ {
			out, _ := m.w[l].Dims()
			z := mat.NewDense(rows, out, nil)
			z.Mul(c.a[l], m.w[l].T())
			zr, br := z.RawMatrix().Data, m.b[l].RawMatrix().Data
			for q := range zr {
				zr[q] += br[q%out]
			}
			if l == L-1 {
				c.pr, c.delta = mat.NewDense(rows, m.k, nil), mat.NewDense(rows, m.k, nil)
				pr, dr := c.pr.RawMatrix().Data, c.delta.RawMatrix().Data
				for s := 0; s < rows; s++ {
					p := pr[s*m.k : (s+1)*m.k]
					softmax.Into(p, zr[s*m.k:(s+1)*m.k])
					y := m.labels[lo+s]
					loss -= math.Log(math.Max(p[y], 1e-300))
					for k := range p {
						dr[s*m.k+k] = p[k] / float64(m.n)
					}
					dr[s*m.k+y] -= 1 / float64(m.n)
				}
				break
			}
			a, d1, d2 := mat.NewDense(rows, out, nil), mat.NewDense(rows, out, nil), mat.NewDense(rows, out, nil)
			ar, g1, g2 := a.RawMatrix().Data, d1.RawMatrix().Data, d2.RawMatrix().Data
			for q, zv := range zr {
				ar[q], g1[q], g2[q] = m.activation(l, zv)
			}
			c.a[l+1], c.d1[l], c.d2[l] = a, d1, d2
		}
		m.chunks = append(m.chunks, c)
	}
	m.loss = loss / float64(m.n)
	return m.loss, nil
}

// hvp writes H·v into dst and returns the mean loss; when grad is not nil it also writes the
// gradient there. The forward pass runs on the first call only. The exact R-operator of
// Pearlmutter (1994), "Fast exact multiplication by the Hessian", Neural Computation 6(1).
func (m *mlpCurvature) hvp(ctx context.Context, dst, v, grad []float64) (float64, error) {
	if m.chunks == nil {
		if _, err := m.forward(ctx); err != nil {
			return 0, err
		}
	}
	clear(dst)
	vw, vb := m.split(v)
	hw, hb := m.split(dst)
	var gw, gb []*mat.Dense
	if grad != nil {
		clear(grad)
		gw, gb = m.split(grad)
	}
	for _, c := range m.chunks {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		ra, rz := m.rForward(c, vw, vb)
		m.rBackward(c, ra, rz, vw, m.outputRDelta(c, rz[len(rz)-1]), hw, hb, gw, gb)
	}
	return m.loss, nil
}

// rForward is the R-forward pass of one chunk: ra[l] = R(a[l]) (ra[0] = 0), rz[l] = R(z[l]) for
// the direction (vw, vb).
func (m *mlpCurvature) rForward(c *mlpChunk, vw, vb []*mat.Dense) (ra, rz []*mat.Dense) {
	L := len(m.w)
	ra, rz = make([]*mat.Dense, L), make([]*mat.Dense, L)
	for l := 0; l < L; l++ {
		out, _ := m.w[l].Dims()
		rz[l] = mat.NewDense(c.rows, out, nil)
		rz[l].Mul(c.a[l], vw[l].T())
		if l > 0 {
			var t mat.Dense
			t.Mul(ra[l], m.w[l].T())
			rz[l].Add(rz[l], &t)
		}
		zr, br := rz[l].RawMatrix().Data, vb[l].RawMatrix().Data
		for q := range zr {
			zr[q] += br[q%out]
		}
		if l < L-1 {
			ra[l+1] = mat.NewDense(c.rows, out, nil)
			rr, g1 := ra[l+1].RawMatrix().Data, c.d1[l].RawMatrix().Data
			for q := range rr {
				rr[q] = g1[q] * zr[q]
			}
		}
	}
	return ra, rz
}

// outputRDelta is Rδ = (diag p − p pᵀ) Rz / N at the softmax output.
func (m *mlpCurvature) outputRDelta(c *mlpChunk, rzOut *mat.Dense) *mat.Dense {
	rdelta := mat.NewDense(c.rows, m.k, nil)
	pr, rzr, rdr := c.pr.RawMatrix().Data, rzOut.RawMatrix().Data, rdelta.RawMatrix().Data
	for s := 0; s < c.rows; s++ {
		p, r := pr[s*m.k:(s+1)*m.k], rzr[s*m.k:(s+1)*m.k]
		d := dot64(p, r)
		for k := range p {
			rdr[s*m.k+k] = p[k] * (r[k] - d) / float64(m.n)
		}
	}
	return rdelta
}

// rBackward runs the backward and R-backward passes of one chunk, adding H·v to (hw, hb) and,
// when gw is not nil, the gradient to (gw, gb).
func (m *mlpCurvature) rBackward(c *mlpChunk, ra, rz, vw []*mat.Dense, rdelta *mat.Dense, hw, hb, gw, gb []*mat.Dense) {
	delta := c.delta
	for l := len(m.w) - 1; l >= 0; l-- {
		var t mat.Dense
		t.Mul(rdelta.T(), c.a[l])
		hw[l].Add(hw[l], &t)
		if l > 0 {
			t.Reset()
			t.Mul(delta.T(), ra[l])
			hw[l].Add(hw[l], &t)
		}
		if gw != nil {
			t.Reset()
			t.Mul(delta.T(), c.a[l])
			gw[l].Add(gw[l], &t)
		}
		if m.hasBias[l] {
			m.addBiasRows(l, hb, rdelta, gb, delta)
		}
		if l == 0 {
			break
		}
		var e, re, t2 mat.Dense
		e.Mul(delta, m.w[l])
		re.Mul(rdelta, m.w[l])
		t2.Mul(delta, vw[l])
		re.Add(&re, &t2)
		_, in := m.w[l].Dims()
		nd, nrd := mat.NewDense(c.rows, in, nil), mat.NewDense(c.rows, in, nil)
		ndr, nrr := nd.RawMatrix().Data, nrd.RawMatrix().Data
		er, rer := e.RawMatrix().Data, re.RawMatrix().Data
		g1, g2, rzp := c.d1[l-1].RawMatrix().Data, c.d2[l-1].RawMatrix().Data, rz[l-1].RawMatrix().Data
		for q := range ndr {
			ndr[q] = g1[q] * er[q]
			nrr[q] = g1[q]*rer[q] + g2[q]*rzp[q]*er[q]
		}
		delta, rdelta = nd, nrd
	}
}

// addBiasRows adds layer l's bias parts: the rows of rdelta to hb[l] and, when gb is not nil,
// the rows of delta to gb[l].
func (m *mlpCurvature) addBiasRows(l int, hb []*mat.Dense, rdelta *mat.Dense, gb []*mat.Dense, delta *mat.Dense) {
	out, _ := m.w[l].Dims()
	hr, rd := hb[l].RawMatrix().Data, rdelta.RawMatrix().Data
	for q := range rd {
		hr[q%out] += rd[q]
	}
	if gb != nil {
		gr, dd := gb[l].RawMatrix().Data, delta.RawMatrix().Data
		for q := range dd {
			gr[q%out] += dd[q]
		}
	}
}

func to64s(x []float32) []float64 {
	v := make([]float64, len(x))
	for i, f := range x {
		v[i] = float64(f)
	}
	return v
}
