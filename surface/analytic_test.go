package surface

import (
	"math"
	"testing"

	"github.com/surfscope/surfscope/projection"
)

// analyticGrid samples fn(s, t) ∈ R^K on an nx×ny grid over [s0,s1]×[t0,t1] (a line when ny == 1)
// in float32, as Sample would store it. The grid has no probe.
func analyticGrid(nx, ny, k int, s0, s1, t0, t1 float64, fn func(s, t float64, z []float64)) *Grid {
	g := &Grid{NX: nx, NY: ny, K: k, S: projection.Linspace(s0, s1, nx), Values: make([]float32, nx*ny*k)}
	if ny > 1 {
		g.T = projection.Linspace(t0, t1, ny)
	}
	z := make([]float64, k)
	for j := 0; j < ny; j++ {
		t := 0.0
		if g.T != nil {
			t = g.T[j]
		}
		for i := 0; i < nx; i++ {
			fn(g.S[i], t, z)
			for c, v := range z {
				g.Values[(j*nx+i)*k+c] = float32(v)
			}
		}
	}
	return g
}

// symmetricGrid is analyticGrid with s coordinates that are exact negatives, like a flip plane's.
func symmetricGrid(n, k int, r float64, fn func(s, t float64, z []float64)) *Grid {
	g := analyticGrid(n, n, k, -r, r, -r, r, fn)
	for i := range g.S {
		g.S[i] = r * float64(2*i-(n-1)) / float64(n-1)
	}
	return analyticGrid2(g, fn)
}

// analyticGrid2 re-evaluates fn at g's coordinates.
func analyticGrid2(g *Grid, fn func(s, t float64, z []float64)) *Grid {
	z := make([]float64, g.K)
	for j := 0; j < g.NY; j++ {
		for i := 0; i < g.NX; i++ {
			fn(g.S[i], g.T[j], z)
			for c, v := range z {
				g.Values[(j*g.NX+i)*g.K+c] = float32(v)
			}
		}
	}
	return g
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Fatalf("%s = %.10g, want %.10g (tolerance %g)", what, got, want, tol)
	}
}
