package surface

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// ParamKey names one parameter tensor of a net: Net.Nodes[Node].Params[Name].
type ParamKey struct {
	Node int
	Name string
}

// ParamVector is a point or a direction in a net's parameter space: one slice per parameter tensor,
// keyed in node order and then by name. The zero value is the empty vector.
type ParamVector struct {
	Keys []ParamKey
	Data [][]float32
}

// ParamsOf returns a copy of every parameter tensor of net (batch-norm running statistics and
// normalisation constants included; directions leave those at zero).
func ParamsOf(net *models.Net) ParamVector {
	var v ParamVector
	for i := range net.Nodes {
		for _, name := range sortedNames(net.Nodes[i].Params) {
			v.Keys = append(v.Keys, ParamKey{i, name})
			v.Data = append(v.Data, slices.Clone(net.Nodes[i].Params[name].Data))
		}
	}
	return v
}

func sortedNames(m map[string]*models.Tensor) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// Norm returns the Euclidean norm of v over all its tensors.
func (v ParamVector) Norm() float64 {
	s := 0.0
	for _, d := range v.Data {
		for _, x := range d {
			s += float64(x) * float64(x)
		}
	}
	return math.Sqrt(s)
}

// Sub returns a − b for vectors of the same layout (the line between two trained models is
// θ_a + λ(θ_b − θ_a)). It returns an error when the layouts differ.
func Sub(a, b ParamVector) (ParamVector, error) {
	if err := sameLayout(a, b); err != nil {
		return ParamVector{}, err
	}
	out := ParamVector{Keys: slices.Clone(a.Keys), Data: make([][]float32, len(a.Data))}
	for t := range a.Data {
		out.Data[t] = make([]float32, len(a.Data[t]))
		for k := range a.Data[t] {
			out.Data[t][k] = a.Data[t][k] - b.Data[t][k]
		}
	}
	return out, nil
}

func sameLayout(a, b ParamVector) error {
	if len(a.Keys) != len(b.Keys) {
		return fmt.Errorf("surface: parameter vectors have %d and %d tensors", len(a.Keys), len(b.Keys))
	}
	for t := range a.Keys {
		if a.Keys[t] != b.Keys[t] || len(a.Data[t]) != len(b.Data[t]) {
			return fmt.Errorf("surface: parameter tensor %d: node %d %s (%d values) against node %d %s (%d values)",
				t, a.Keys[t].Node, a.Keys[t].Name, len(a.Data[t]), b.Keys[t].Node, b.Keys[t].Name, len(b.Data[t]))
		}
	}
	return nil
}

// DirectionOptions tunes FilterNormalized; the zero value is Li et al.'s default.
type DirectionOptions struct {
	// BiasBN includes biases and batch-norm gamma and beta, set to the parameters themselves as in
	// Li et al.'s code (a 1-D tensor has a single "filter"); by default they are zero.
	BiasBN bool
}

// FilterNormalized returns a random direction in net's parameter space normalised filter by filter
// (Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018, §4): a Gaussian
// direction d drawn from seed, then every filter d_i — a row of a dense weight [out, in], an output
// filter of a convolution weight [out, in/g, kh, kw] — rescaled to the norm of the same filter of θ,
// d_i ← d_i ‖θ_i‖ / (‖d_i‖ + 1e-10). Biases and batch-norm parameters are zero unless
// opt.BiasBN; running statistics, normalisation constants and the parameters of Fixed nodes
// (constants of an imported graph: models.Node.Learned) are always zero. nil opt means the
// defaults. The same seed gives the same direction.
func FilterNormalized(net *models.Net, seed uint64, opt *DirectionOptions) ParamVector {
	var o DirectionOptions
	if opt != nil {
		o = *opt
	}
	theta := ParamsOf(net)
	rng := rand.New(rand.NewPCG(seed, 0x11dd))
	out := ParamVector{Keys: theta.Keys, Data: make([][]float32, len(theta.Data))}
	for t, key := range theta.Keys {
		nd := &net.Nodes[key.Node]
		d := make([]float32, len(theta.Data[t]))
		out.Data[t] = d
		switch {
		case !nd.Learned(key.Name): // running statistics, constants, Fixed nodes
		case key.Name == "weight" && (nd.Op == models.OpDense || nd.Op == models.OpConv):
			rows := nd.Params["weight"].Shape[0]
			per := len(d) / rows
			for r := 0; r < rows; r++ {
				dr, wr := d[r*per:(r+1)*per], theta.Data[t][r*per:(r+1)*per]
				ss := 0.0
				for k := range dr {
					g := rng.NormFloat64()
					dr[k] = float32(g)
					ss += g * g
				}
				scale := norm32(wr) / (math.Sqrt(ss) + 1e-10)
				for k := range dr {
					dr[k] = float32(float64(dr[k]) * scale)
				}
			}
		case o.BiasBN && (key.Name == "bias" || key.Name == "gamma" || key.Name == "beta"):
			copy(d, theta.Data[t])
		}
	}
	return out
}

// withParams returns a copy of net whose parameters are θ + Σ_d c[d]·dirs[d] (θ from base), in
// float64 and rounded once. Only tensors with a non-zero direction are rebuilt; the others share
// net's tensors (read-only).
func withParams(net *models.Net, base ParamVector, dirs []ParamVector, c []float64) *models.Net {
	out := *net
	out.Nodes = slices.Clone(net.Nodes)
	cloned := map[int]bool{}
	for t, key := range base.Keys {
		moved := false
		for d := range dirs {
			if c[d] != 0 && dirs[d].Data[t] != nil && anyNonZero(dirs[d].Data[t]) {
				moved = true
			}
		}
		if !moved {
			continue
		}
		nd := &out.Nodes[key.Node]
		if !cloned[key.Node] {
			nd.Params = cloneMap(nd.Params)
			cloned[key.Node] = true
		}
		src := nd.Params[key.Name]
		v := &models.Tensor{Shape: src.Shape, Data: make([]float32, len(src.Data))}
		for k, x := range base.Data[t] {
			s := float64(x)
			for d := range dirs {
				if c[d] != 0 {
					s += c[d] * float64(dirs[d].Data[t][k])
				}
			}
			v.Data[k] = float32(s)
		}
		nd.Params[key.Name] = v
	}
	return &out
}

func cloneMap(m map[string]*models.Tensor) map[string]*models.Tensor {
	out := make(map[string]*models.Tensor, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func anyNonZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return true
		}
	}
	return false
}
