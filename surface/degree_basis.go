package surface

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// chebyshev is an orthonormal polynomial basis over n evenly spaced points of [−1, 1]: q[d] holds
// its d-th vector's values at the points, and c[d] the same polynomial's coefficients in
// T_0 … T_d, so that it can be evaluated anywhere in [−1, 1].
type chebyshev struct {
	q, c [][]float64
}

// newChebyshev returns D+1 orthonormal vectors over n evenly spaced points of [−1, 1], column d
// spanning with the previous ones the polynomials of degree ≤ d.
func newChebyshev(n, D int) *chebyshev {
	u := make([]float64, n)
	for i := range u {
		u[i] = -1 + 2*float64(i)/float64(n-1)
	}
	b := &chebyshev{q: make([][]float64, D+1), c: make([][]float64, D+1)}
	for d := 0; d <= D; d++ {
		v := make([]float64, n)
		for i, x := range u {
			v[i] = chebyshevT(d, x)
		}
		c := make([]float64, D+1)
		c[d] = 1
		for pass := 0; pass < 2; pass++ {
			for w := range b.q[:d] {
				p := dot64(v, b.q[w])
				for i := range v {
					v[i] -= p * b.q[w][i]
				}
				for i := range c {
					c[i] -= p * b.c[w][i]
				}
			}
		}
		nv := math.Sqrt(dot64(v, v))
		for i := range v {
			v[i] /= nv
		}
		for i := range c {
			c[i] /= nv
		}
		b.q[d], b.c[d] = v, c
	}
	return b
}

// chebyshevT returns T_d(x) for x in [−1, 1].
func chebyshevT(d int, x float64) float64 {
	return math.Cos(float64(d) * math.Acos(math.Max(-1, math.Min(1, x))))
}

// at writes the D+1 basis polynomials at u ∈ [−1, 1] into dst.
func (b *chebyshev) at(dst []float64, u float64) {
	t := make([]float64, len(b.c))
	for j := range t {
		t[j] = chebyshevT(j, u)
	}
	for d, c := range b.c {
		dst[d] = dot64(c, t)
	}
}

// maxOffGrid is the largest number of cell centres the aliasing guard samples on a plane.
const maxOffGrid = 256

// offGridResidual samples the function at the centres of the grid cells (every interval's
// midpoint on a line; at most maxOffGrid cells of a plane, drawn with a fixed seed) and returns
// Σ (f − fit_d)² over them as a share of the variance, both per point.
func (d *degreeData) offGridResidual(f *fitted, deg int, eval func([][2]float64) ([]float32, error)) (float64, error) {
	var cells [][2]int
	if d.ny == 1 {
		for i := 0; i+1 < d.nx; i++ {
			cells = append(cells, [2]int{i, 0})
		}
	} else if n := (d.nx - 1) * (d.ny - 1); n <= maxOffGrid {
		for q := 0; q < n; q++ {
			cells = append(cells, [2]int{q % (d.nx - 1), q / (d.nx - 1)})
		}
	} else {
		r := rand.New(rand.NewPCG(0xde6, 0x0ff))
		for _, q := range r.Perm(n)[:maxOffGrid] {
			cells = append(cells, [2]int{q % (d.nx - 1), q / (d.nx - 1)})
		}
	}
	points := make([][2]float64, len(cells))
	for p, c := range cells {
		points[p][0] = (d.s[c[0]] + d.s[c[0]+1]) / 2
		if d.ny > 1 {
			points[p][1] = (d.t[c[1]] + d.t[c[1]+1]) / 2
		}
	}
	vals, err := eval(points)
	if err != nil {
		return 0, err
	}
	if len(vals) != len(points)*d.k {
		return 0, fmt.Errorf("surface: degree: the off-grid evaluation returned %d values for %d points of %d outputs", len(vals), len(points), d.k)
	}
	D := f.D
	qs, qt := make([]float64, D+1), make([]float64, D+1)
	qt[0] = 1
	miss := 0.0
	for p, c := range cells {
		f.bs.at(qs, float64(2*c[0]+1)/float64(d.nx-1)-1) // the midpoint in u
		if f.bt != nil {
			f.bt.at(qt, float64(2*c[1]+1)/float64(d.ny-1)-1)
		}
		for ch, k := range d.channels {
			m, v := f.coef[ch], 0.0
			for b := 0; b <= deg; b++ {
				if b > 0 && f.bt == nil {
					break
				}
				for a := 0; a+b <= deg; a++ {
					v += m[b*(D+1)+a] * qt[b] * qs[a]
				}
			}
			e := float64(vals[p*d.k+k]) - v
			miss += e * e
		}
	}
	if f.variance <= 0 {
		if miss > 0 {
			return math.Inf(1), nil
		}
		return 0, nil
	}
	return (miss / float64(len(cells))) / (f.variance / float64(f.points)), nil
}
