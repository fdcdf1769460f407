package surface

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
)

// Mixup linearity: along a mixup line x(λ) = (1−λ) xi + λ xj (Zhang et al., "mixup: Beyond
// Empirical Risk Minimization", ICLR 2018) a net trained with mixup is pushed towards predicting the
// linear blend of its endpoint predictions,
//
//	b(λ) = (1−λ) softmax(f(xi)) + λ softmax(f(xj)).
//
// These functions measure how far softmax(f(x(λ))) is from b(λ) on a sampled line.

// MixupDeviation returns the map along the line of the total-variation distance
// TV(λ) = ½ Σ_k |softmax(f(x(λ)))_k − b_k(λ)| ∈ [0, 1], NaN outside λ ∈ [0, 1] (where b is not a
// distribution). g must be a line whose coordinates include λ = 0 and λ = 1 exactly (every
// projection.MixupLine over a range that contains [0, 1] with evenly placed ends does).
func MixupDeviation(g *Grid) (*Field, error) {
	m, err := newMixupLine(g)
	if err != nil {
		return nil, err
	}
	f := NewField(g.NX, 1, g.S, nil)
	p := make([]float64, g.K)
	for i, lam := range g.S {
		if lam < 0 || lam > 1 {
			f.Values[i] = float32(math.NaN())
			continue
		}
		softmax.Into(p, g.Point(i, 0))
		tv, _ := m.deviation(p, lam)
		f.Values[i] = float32(tv)
	}
	return f, nil
}

// MixupSummary summarises a mixup line over its points with 0 ≤ λ ≤ 1.
type MixupSummary struct {
	// MeanTV and MaxTV describe the total-variation distance of MixupDeviation; MeanL2 is the mean
	// Euclidean distance ‖softmax(f(x(λ))) − b(λ)‖₂.
	MeanTV float64 `json:"mean_tv"`
	MaxTV  float64 `json:"max_tv"`
	MeanL2 float64 `json:"mean_l2"`
	// MissRate is the share of interior points (0 < λ < 1) whose predicted class is neither
	// endpoint's predicted class.
	MissRate float64 `json:"miss_rate"`
	// Ends are the predicted classes at λ = 0 and λ = 1.
	Ends [2]int `json:"ends"`
}

// SummarizeMixup returns the mixup-linearity summary of a line sampled as MixupDeviation requires.
func SummarizeMixup(g *Grid) (MixupSummary, error) {
	m, err := newMixupLine(g)
	if err != nil {
		return MixupSummary{}, err
	}
	s := MixupSummary{Ends: [2]int{m.c0, m.c1}}
	p := make([]float64, g.K)
	n, interior, miss := 0, 0, 0
	for i, lam := range g.S {
		if lam < 0 || lam > 1 {
			continue
		}
		z := g.Point(i, 0)
		softmax.Into(p, z)
		tv, l2 := m.deviation(p, lam)
		s.MeanTV += tv
		s.MeanL2 += l2
		s.MaxTV = math.Max(s.MaxTV, tv)
		n++
		if lam > 0 && lam < 1 {
			interior++
			if c := Argmax(z); c != m.c0 && c != m.c1 {
				miss++
			}
		}
	}
	s.MeanTV /= float64(n)
	s.MeanL2 /= float64(n)
	if interior > 0 {
		s.MissRate = float64(miss) / float64(interior)
	}
	return s, nil
}

// mixupLine holds a line's endpoint predictions.
type mixupLine struct {
	p0, p1 []float64
	c0, c1 int
}

func newMixupLine(g *Grid) (*mixupLine, error) {
	if g.NY != 1 || g.T != nil {
		return nil, fmt.Errorf("surface: mixup linearity needs a line, the grid is %dx%d", g.NX, g.NY)
	}
	i0, i1 := -1, -1
	for i, lam := range g.S {
		switch lam {
		case 0:
			i0 = i
		case 1:
			i1 = i
		}
	}
	if i0 < 0 || i1 < 0 {
		return nil, fmt.Errorf("surface: mixup linearity: the line's λ values do not include 0 and 1 exactly")
	}
	m := &mixupLine{p0: make([]float64, g.K), p1: make([]float64, g.K)}
	softmax.Into(m.p0, g.Point(i0, 0))
	softmax.Into(m.p1, g.Point(i1, 0))
	m.c0, m.c1 = Argmax(g.Point(i0, 0)), Argmax(g.Point(i1, 0))
	return m, nil
}

// deviation returns the total-variation and Euclidean distances of p from the blend at λ.
func (m *mixupLine) deviation(p []float64, lam float64) (tv, l2 float64) {
	for k := range p {
		d := p[k] - ((1-lam)*m.p0[k] + lam*m.p1[k])
		tv += math.Abs(d)
		l2 += d * d
	}
	return tv / 2, math.Sqrt(l2)
}
