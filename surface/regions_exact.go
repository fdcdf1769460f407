package surface

import (
	"context"
	"fmt"
	"math"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

// Exact linear regions of an MLP on a probe. A chain of affine nodes (dense, normalisation,
// inference batch norm, flatten, reshape) and ReLU, leaky ReLU or clip units is continuous and
// piecewise affine; on the probe's rectangle [S₀, S_last] × [T₀, T_last] (a segment on a line)
// every node's value is an affine function of the plane coordinates (s, t) on each cell of a
// partition into convex polygons. ExactRegions builds that partition layer by layer, as SplineCam
// does (Humayun, Balestriero, Balakrishnan & Baraniuk, "SplineCam: Exact Visualization and
// Characterization of Deep Network Geometry and Decision Boundaries", CVPR 2023): starting from
// the rectangle with the probe's own affine map, each activation layer cuts every cell by the
// lines where one of its units changes piece (pre-activation = 0, or = a clip bound), one unit
// after the other; then the cell's map passes through the unit's piece (slope 1, the leaky slope,
// 0 or a clip constant) and the next affine layers. The final cells are the activation regions
// the plane meets: each has one activation pattern, and two cells never share one, because an
// activation region of such a net is an intersection of half-spaces and therefore meets the plane
// in one convex polygon.
//
// Arithmetic is float64 from the net's float32 parameters. A vertex counts as on a cutting line
// when its distance to the line is at most Tolerance × the rectangle's diagonal (default 1e-9);
// a cell is cut only when vertices lie beyond that distance on both sides, so regions thinner
// than the tolerance are not counted.

// ExactOptions tunes ExactRegions; the zero value means the defaults.
type ExactOptions struct {
	// Tolerance is the distance below which a vertex is on a line, relative to the diagonal of the
	// probe's rectangle (default 1e-9).
	Tolerance float64
	// MaxRegions stops the count with an error beyond this many cells (default 1,000,000).
	MaxRegions int
}

// Polygon is a convex polygon in probe coordinates (s, t), vertices in order (two vertices, a
// segment of the s axis, on a line).
type Polygon [][2]float64

// ExactPartition is the outcome of ExactRegions.
type ExactPartition struct {
	// Regions is the number of activation regions the rectangle (segment) meets.
	Regions int `json:"regions"`
	// PerLayer is the number of cells after each activation layer, in order.
	PerLayer []int `json:"per_layer"`
	// Tolerance is the absolute distance (probe units) under which a vertex is on a line.
	Tolerance float64 `json:"tolerance"`
	// Cells are the regions' polygons.
	Cells []Polygon `json:"-"`
}

// exactCell is one cell of the partition: its polygon and the current node's value on it as an
// affine map of (s, t), m[3e:3e+3] = (∂/∂s, ∂/∂t, constant) of element e.
type exactCell struct {
	poly Polygon
	m    []float64
}

// ExactRegionsSupported returns nil when ExactRegions applies to net, else why not.
func ExactRegionsSupported(net *models.Net) error {
	_, err := exactChain(net)
	return err
}

// exactChain checks that net is a chain the exact count handles and returns its nodes' shapes.
func exactChain(net *models.Net) ([][]int, error) {
	shapes, err := net.Shapes()
	if err != nil {
		return nil, err
	}
	last := len(net.Nodes) - 1
	units := false
	for i, nd := range net.Nodes[1:] {
		i++
		if len(nd.Inputs) != 1 || nd.Inputs[0] != i-1 {
			return nil, fmt.Errorf("surface: exact regions: node %d %q is not a chain link (MLPs only)", i, nd.Name)
		}
		switch nd.Op {
		case models.OpNormalize, models.OpFlatten, models.OpReshape, models.OpDense, models.OpBatchNorm:
		case models.OpReLU, models.OpLeakyReLU, models.OpClip:
			units = true
		case models.OpSoftmax, models.OpLogSoftmax:
			if i != last {
				return nil, fmt.Errorf("surface: exact regions: node %d %q is a softmax inside the net", i, nd.Name)
			}
		default:
			return nil, fmt.Errorf("surface: exact regions: node %d %q (%s) is not supported (MLPs: dense layers, ReLU, leaky ReLU, clip, normalisation)", i, nd.Name, nd.Op)
		}
	}
	if !units {
		return nil, fmt.Errorf("surface: exact regions: the net has no ReLU, leaky ReLU or clip units")
	}
	return shapes, nil
}

// ExactRegions partitions the probe's rectangle (segment) into the activation regions of net, a
// chain of the nodes ExactRegionsSupported accepts. It returns an error for other nets, a probe
// that does not fit the net, more than MaxRegions cells, or ctx's error when ctx is cancelled.
func ExactRegions(ctx context.Context, net *models.Net, p *projection.Probe, opt *ExactOptions) (*ExactPartition, error) {
	var o ExactOptions
	if opt != nil {
		o = *opt
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 1e-9
	}
	if o.MaxRegions <= 0 {
		o.MaxRegions = 1_000_000
	}
	shapes, err := exactChain(net)
	if err != nil {
		return nil, err
	}
	D := net.InputSize()
	if len(p.Origin) != D || len(p.Dirs) == 0 || len(p.Dirs) > 2 || len(p.S) < 2 || (len(p.Dirs) == 2 && len(p.T) < 2) {
		return nil, fmt.Errorf("surface: exact regions: the probe does not fit the net (%d values, %d directions)", len(p.Origin), len(p.Dirs))
	}
	s0, s1 := p.S[0], p.S[len(p.S)-1]
	start := &exactCell{poly: Polygon{{s0, 0}, {s1, 0}}, m: make([]float64, 3*D)}
	diag := math.Abs(s1 - s0)
	if len(p.Dirs) == 2 {
		t0, t1 := p.T[0], p.T[len(p.T)-1]
		start.poly = Polygon{{s0, t0}, {s1, t0}, {s1, t1}, {s0, t1}}
		diag = math.Hypot(s1-s0, t1-t0)
	}
	for e := 0; e < D; e++ {
		start.m[3*e] = float64(p.Dirs[0][e])
		if len(p.Dirs) == 2 {
			start.m[3*e+1] = float64(p.Dirs[1][e])
		}
		start.m[3*e+2] = float64(p.Origin[e])
	}
	x := &exactRun{ctx: ctx, eps: o.Tolerance * diag, max: o.MaxRegions}
	cells := []*exactCell{start}
	out := &ExactPartition{Tolerance: x.eps}
	for i := 1; i < len(net.Nodes); i++ {
		nd := &net.Nodes[i]
		switch nd.Op {
		case models.OpReLU, models.OpLeakyReLU, models.OpClip:
			if cells, err = x.activate(cells, nd); err != nil {
				return nil, err
			}
			out.PerLayer = append(out.PerLayer, len(cells))
		default:
			for _, c := range cells {
				c.m = affineNode(c.m, nd, shapes[nd.Inputs[0]])
			}
		}
	}
	out.Regions = len(cells)
	for _, c := range cells {
		out.Cells = append(out.Cells, c.poly)
	}
	return out, nil
}

// affineNode applies an affine node (or a shape-only one) to the map m of its input, whose
// per-sample shape is in.
func affineNode(m []float64, nd *models.Node, in []int) []float64 {
	switch nd.Op {
	case models.OpNormalize, models.OpBatchNorm:
		C := in[0]
		per := len(m) / 3 / C
		scale, shift := channelAffine(nd, C)
		out := make([]float64, len(m))
		for e := 0; e < len(m)/3; e++ {
			c := e / per
			out[3*e] = scale[c] * m[3*e]
			out[3*e+1] = scale[c] * m[3*e+1]
			out[3*e+2] = scale[c]*m[3*e+2] + shift[c]
		}
		return out
	case models.OpDense:
		w := nd.Params["weight"]
		rows, cols := w.Shape[0], w.Shape[1]
		out := make([]float64, 3*rows)
		for r := 0; r < rows; r++ {
			var a, b, c float64
			for k, v := range w.Data[r*cols : (r+1)*cols] {
				if v != 0 {
					f := float64(v)
					a += f * m[3*k]
					b += f * m[3*k+1]
					c += f * m[3*k+2]
				}
			}
			if bias := nd.Params["bias"]; bias != nil {
				c += float64(bias.Data[r])
			}
			out[3*r], out[3*r+1], out[3*r+2] = a, b, c
		}
		return out
	}
	return m // flatten, reshape, a final softmax: the data (or the regions) do not change
}

// channelAffine returns the per-channel scale and shift of a normalize or batch-norm node.
func channelAffine(nd *models.Node, C int) (scale, shift []float64) {
	scale, shift = make([]float64, C), make([]float64, C)
	for c := 0; c < C; c++ {
		if nd.Op == models.OpNormalize {
			sd := float64(nd.Params["std"].Data[c])
			scale[c], shift[c] = 1/sd, -float64(nd.Params["mean"].Data[c])/sd
			continue
		}
		g, b := float64(nd.Params["gamma"].Data[c]), float64(nd.Params["beta"].Data[c])
		mu, v := float64(nd.Params["mean"].Data[c]), float64(nd.Params["var"].Data[c])
		scale[c] = g / math.Sqrt(v+float64(nd.Attr.Epsilon()))
		shift[c] = b - mu*scale[c]
	}
	return scale, shift
}

// exactRun holds what every cut of one ExactRegions call shares.
type exactRun struct {
	ctx context.Context
	eps float64
	max int
}

// activate cuts every cell by the piece boundaries of the activation node nd's units and maps
// each piece's value through the unit's piece.
func (x *exactRun) activate(cells []*exactCell, nd *models.Node) ([]*exactCell, error) {
	var out []*exactCell
	for _, c := range cells {
		if err := x.ctx.Err(); err != nil {
			return nil, err
		}
		pieces := []Polygon{c.poly}
		for e := 0; e < len(c.m)/3; e++ {
			for _, th := range thresholds(nd) {
				a, b, k := c.m[3*e], c.m[3*e+1], c.m[3*e+2]-th
				if _, _, ok := cut(c.poly, a, b, k, x.eps); !ok {
					continue // the line misses the cell, so it misses every piece of it
				}
				next := make([]Polygon, 0, len(pieces)+1)
				for _, pc := range pieces {
					if pos, neg, ok := cut(pc, a, b, k, x.eps); ok {
						next = append(next, pos, neg)
					} else {
						next = append(next, pc)
					}
				}
				pieces = next
			}
		}
		if len(out)+len(pieces) > x.max {
			return nil, fmt.Errorf("surface: exact regions: more than %d regions on the probe", x.max)
		}
		for _, pc := range pieces {
			out = append(out, &exactCell{poly: pc, m: throughUnits(c.m, nd, centroid(pc))})
		}
	}
	return out, nil
}

// thresholds returns the values at which a unit of nd changes piece.
func thresholds(nd *models.Node) []float64 {
	if nd.Op != models.OpClip {
		return []float64{0}
	}
	var th []float64
	for _, v := range []float32{nd.Attr.Min, nd.Attr.Max} {
		if !math.IsInf(float64(v), 0) {
			th = append(th, float64(v))
		}
	}
	return th
}

// throughUnits returns the map of nd's output on a cell where its input's map is m, each unit's
// piece read at the interior point z (the pieces follow the grid's pattern: on when the input
// is > 0, a clip bound when the input is below Min or above Max).
func throughUnits(m []float64, nd *models.Node, z [2]float64) []float64 {
	out := make([]float64, len(m))
	for e := 0; e < len(m)/3; e++ {
		v := m[3*e]*z[0] + m[3*e+1]*z[1] + m[3*e+2]
		slope, constant := 1.0, 0.0
		switch nd.Op {
		case models.OpReLU:
			if v <= 0 {
				slope = 0
			}
		case models.OpLeakyReLU:
			if v <= 0 {
				slope = float64(nd.Attr.Alpha)
			}
		case models.OpClip:
			if v <= float64(nd.Attr.Min) {
				slope, constant = 0, float64(nd.Attr.Min)
			} else if v > float64(nd.Attr.Max) {
				slope, constant = 0, float64(nd.Attr.Max)
			}
		}
		out[3*e], out[3*e+1], out[3*e+2] = slope*m[3*e], slope*m[3*e+1], slope*m[3*e+2]+constant
	}
	return out
}
