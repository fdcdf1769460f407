package surface

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
)

// The value maps of a grid of logits f(x) ∈ R^K: per-class logits (Grid.Channel), softmax
// probabilities, the margin, the cross-entropy loss and the predicted class.

// Softmax returns a grid of the same shape holding softmax(f) = exp(f_k − m) / Σ_j exp(f_j − m),
// m = max_j f_j, at every point (computed in float64, stored as float32).
func Softmax(g *Grid) *Grid {
	out := *g
	out.Values = make([]float32, len(g.Values))
	p := make([]float64, g.K)
	for q := 0; q < g.NX*g.NY; q++ {
		softmax.Into(p, g.Values[q*g.K:(q+1)*g.K])
		for k, v := range p {
			out.Values[q*g.K+k] = float32(v)
		}
	}
	return &out
}

// Probability returns the map of softmax probability of class k.
func Probability(g *Grid, k int) *Field {
	checkClass(g, k)
	p := make([]float64, g.K)
	return g.mapPoints(func(z []float32) float64 {
		softmax.Into(p, z)
		return p[k]
	})
}

// Margin returns the map of the top logit minus the runner-up, f_(1) − f_(2) ≥ 0: the distance in
// logit space to the nearest decision boundary's level set (zero on a boundary). A grid with one
// output has margin 0.
func Margin(g *Grid) *Field {
	return g.mapPoints(func(z []float32) float64 {
		a, b := topTwo(z)
		return a - b
	})
}

// Loss returns the map of the cross-entropy loss −log softmax(f)_label = logsumexp(f) − f_label
// against a fixed label (the class of the image a probe is built around, say).
func Loss(g *Grid, label int) *Field {
	checkClass(g, label)
	return g.mapPoints(func(z []float32) float64 { return softmax.LogSumExp(z) - float64(z[label]) })
}

// Predicted returns the map of the predicted class argmax_k f_k (the first on ties) as a number.
func Predicted(g *Grid) *Field {
	return g.mapPoints(func(z []float32) float64 { return float64(Argmax(z)) })
}

// ValueSummary holds the scalar summaries of the value maps of a grid.
type ValueSummary struct {
	Margin Stats `json:"margin"`
	// Classes is the number of distinct predicted classes on the grid; Largest is the share of grid
	// points in the most frequent one.
	Classes int     `json:"classes"`
	Largest float64 `json:"largest_class_share"`
	// Confidence describes the top softmax probability over the grid.
	Confidence Stats `json:"confidence"`
}

// SummarizeValues returns the value summaries of g.
func SummarizeValues(g *Grid) ValueSummary {
	count := make([]int, g.K)
	p := make([]float64, g.K)
	conf := make([]float64, 0, g.NX*g.NY)
	for q := 0; q < g.NX*g.NY; q++ {
		z := g.Values[q*g.K : (q+1)*g.K]
		count[Argmax(z)]++
		softmax.Into(p, z)
		conf = append(conf, p[Argmax(z)])
	}
	s := ValueSummary{Margin: Margin(g).Describe(), Confidence: Describe(conf)}
	for _, c := range count {
		if c > 0 {
			s.Classes++
		}
		s.Largest = math.Max(s.Largest, float64(c)/float64(g.NX*g.NY))
	}
	return s
}

// mapPoints returns the field of fn applied to the K values of every grid point.
func (g *Grid) mapPoints(fn func(z []float32) float64) *Field {
	f := NewField(g.NX, g.NY, g.S, g.T)
	for j := 0; j < g.NY; j++ {
		for i := 0; i < g.NX; i++ {
			f.set(i, j, fn(g.Point(i, j)))
		}
	}
	return f
}

func checkClass(g *Grid, k int) {
	if k < 0 || k >= g.K {
		panic(fmt.Sprintf("surface: class %d of %d", k, g.K))
	}
}

// topTwo returns the largest and second largest values of z (equal when K = 1).
func topTwo(z []float32) (a, b float64) {
	a, b = math.Inf(-1), math.Inf(-1)
	for _, v := range z {
		x := float64(v)
		if x > a {
			a, b = x, a
		} else if x > b {
			b = x
		}
	}
	if len(z) == 1 {
		b = a
	}
	return a, b
}
