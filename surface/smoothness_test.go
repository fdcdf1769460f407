package surface

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

func TestGradientNormOfLinearFunction(t *testing.T) {
	g := analyticGrid(7, 5, 1, -1, 1, 0, 2, func(s, t float64, z []float64) { z[0] = 3*s - 4*t + 1 })
	gn, err := GradientNorm(g.Channel(0))
	if err != nil {
		t.Fatal(err)
	}
	st := gn.Describe()
	near(t, "min ‖∇f‖", st.Min, 5, 1e-5)
	near(t, "max ‖∇f‖", st.Max, 5, 1e-5)
	line := analyticGrid(9, 1, 1, 0, 1, 0, 0, func(s, _ float64, z []float64) { z[0] = s * s })
	gl, _ := GradientNorm(line.Channel(0))
	for i := 0; i < 9; i++ {
		near(t, "|f'|", gl.Z(i, 0), 2*line.S[i], 1e-5)
	}
}

// smallMLP returns a random ReLU MLP on 1×4×5 images with 3 classes.
func smallMLP(t testing.TB, act models.Op, seed int64) *models.Net {
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 4, 5}, Classes: 3, Hidden: []int{16, 12}, Activation: act}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func randImage(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = r.Float32()
	}
	return x
}

// TestInputGradientAgainstFiniteDifferences checks ‖∇ₓ f_k‖ at grid points against central
// differences of the reference forward pass along every input axis (tanh: smooth everywhere).
func TestInputGradientAgainstFiniteDifferences(t *testing.T) {
	net := smallMLP(t, models.OpTanh, 3)
	ev, err := infer.New(net)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	p, err := projection.DataPlane(net.Input, randImage(r, 20), randImage(r, 20), randImage(r, 20), 5, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Sample(context.Background(), ev, p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, class := range []int{1, TopClass} {
		gn, err := InputGradientNorm(context.Background(), ev, g, class)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, 20)
		for _, q := range []int{0, 7, 24} {
			p.Point(x, q)
			k := class
			if k == TopClass {
				k = Argmax(g.Values[q*3 : q*3+3])
			}
			const h = 1e-2
			sum := 0.0
			for d := range x {
				xp, xm := append([]float32(nil), x...), append([]float32(nil), x...)
				xp[d] += h
				xm[d] -= h
				fp, _ := net.ForwardReference(xp)
				fm, _ := net.ForwardReference(xm)
				dd := (float64(fp[k]) - float64(fm[k])) / (2 * h)
				sum += dd * dd
			}
			near(t, "‖∇f‖", float64(gn.Values[q]), math.Sqrt(sum), 1e-3*math.Sqrt(sum)+1e-4)
		}
		// The plane gradient is the projection of the input gradient onto the (orthonormal) plane.
		if class >= 0 {
			pg, _ := GradientNorm(g.Isometric(class))
			for q := range pg.Values {
				if float64(pg.Values[q]) > float64(gn.Values[q])*1.02+1e-4 {
					t.Fatalf("point %d: plane gradient %g exceeds the input gradient %g", q, pg.Values[q], gn.Values[q])
				}
			}
		}
	}
	if _, err := InputGradientNorm(context.Background(), ev, &Grid{NX: 2, NY: 1, K: 3}, 0); err == nil {
		t.Error("a grid without a probe accepted")
	}
}

func TestIsometricUsesDirectionLengths(t *testing.T) {
	xi := []float32{0, 0, 0, 0, 0, 0}
	xj := []float32{3, 4, 0, 0, 0, 0} // ‖xj − xi‖ = 5
	p, _ := projection.MixupLine(shape, xi, xj, 11, 0, 0)
	g, _ := Sample(context.Background(), &quadNet{size: 6}, p, nil, nil)
	f := g.Isometric(0) // Σx = 7λ = 7/5 per unit distance
	gn, err := GradientNorm(f)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "directional derivative", gn.Z(4, 0), 7.0/5, 1e-5)
	near(t, "last coordinate", f.X(10), 5, 1e-12)
}
