package surface

import (
	"context"
	"fmt"
	"math"
)

// GradientNorm returns the map of the plane gradient norm ‖∇f‖ = sqrt(f_s² + f_t²) of a height
// field (|f_s| on a line), by the finite differences of Differentiate. Derivatives are per unit of
// the field's coordinates; use Grid.Isometric for coordinates in distances of input space.
func GradientNorm(f *Field) (*Field, error) {
	d, err := differentiate(f)
	if err != nil {
		return nil, err
	}
	out := NewField(f.NX, f.NY, f.Xs, f.Ys)
	for k := range out.Values {
		g := d.fs[k] * d.fs[k]
		if d.ft != nil {
			g += d.ft[k] * d.ft[k]
		}
		out.Values[k] = float32(math.Sqrt(g))
	}
	return out, nil
}

// Isometric returns channel k of g as a field whose coordinates are distances in input space:
// S scaled by ‖Dirs[0]‖ and T by ‖Dirs[1]‖ of the grid's probe. For probes with orthogonal
// directions (data, random, flip and PCA planes, lines) derivatives of this field are directional
// derivatives along unit vectors of input space, so numbers from different probes compare.
// Without a probe the coordinates are kept.
func (g *Grid) Isometric(k int) *Field {
	f := g.Channel(k)
	sx, sy := g.metric()
	f.Xs = scaled(g.S, sx)
	if g.T != nil {
		f.Ys = scaled(g.T, sy)
	}
	return f
}

// metric returns the lengths of the probe's directions (1 where there is none).
func (g *Grid) metric() (sx, sy float64) {
	sx, sy = 1, 1
	if g.Probe == nil {
		return
	}
	if len(g.Probe.Dirs) > 0 {
		sx = norm32(g.Probe.Dirs[0])
	}
	if len(g.Probe.Dirs) > 1 {
		sy = norm32(g.Probe.Dirs[1])
	}
	return
}

func scaled(v []float64, a float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = a * x
	}
	return out
}

func norm32(v []float32) float64 {
	s := 0.0
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// InputGrader computes gradients of a net's outputs with respect to its input, as
// infer.Evaluator.InputGrad does: for class ≥ 0 the gradient of logit class, for class < 0 that of
// the cross-entropy against labels.
type InputGrader interface {
	InputGrad(dst, x []float32, batch int, class int, labels []int) []float32
	InputSize() int
}

// TopClass asks InputGradientNorm for the gradient of the predicted class's logit at each point.
const TopClass = -1

// InputGradientNorm returns the map of the exact input-gradient norm ‖∇ₓ f_class(x)‖₂ at every
// point x of g's probe, by backpropagation through the net (e.g. a infer.Evaluator). With class =
// TopClass the logit differentiated at each point is the one g predicts there. Where the plane
// gradient of GradientNorm(g.Isometric(k)) is the projection of this gradient onto the plane, this
// is the full gradient: it bounds the plane gradient from above. It needs g.Probe, and stops with
// ctx's error when ctx is cancelled.
func InputGradientNorm(ctx context.Context, e InputGrader, g *Grid, class int) (*Field, error) {
	p := g.Probe
	if p == nil {
		return nil, fmt.Errorf("surface: input gradient: the grid has no probe")
	}
	if class >= g.K || class < TopClass {
		return nil, fmt.Errorf("surface: input gradient: class %d of %d", class, g.K)
	}
	D := e.InputSize()
	if len(p.Origin) != D {
		return nil, fmt.Errorf("surface: input gradient: probe points have %d values, the net takes %d", len(p.Origin), D)
	}
	out := NewField(g.NX, g.NY, g.S, g.T)
	const chunk = 128
	total := g.NX * g.NY
	x := make([]float32, chunk*D)
	var grad []float32
	for lo := 0; lo < total; lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(chunk, total-lo)
		// Group the chunk's points by the class whose logit is differentiated.
		groups := map[int][]int{}
		for q := lo; q < lo+n; q++ {
			c := class
			if c == TopClass {
				c = Argmax(g.Values[q*g.K : (q+1)*g.K])
			}
			groups[c] = append(groups[c], q)
		}
		for c, pts := range groups {
			for r, q := range pts {
				p.Point(x[r*D:(r+1)*D], q)
			}
			grad = e.InputGrad(grad, x[:len(pts)*D], len(pts), c, nil)
			for r, q := range pts {
				out.Values[q] = float32(norm32(grad[r*D : (r+1)*D]))
			}
		}
	}
	return out, nil
}
