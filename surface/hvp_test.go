package surface

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train"
)

// withTheta returns a copy of the MLP m's net parameters set to θ (in mlpCurvature order).
func (m *mlpCurvature) withTheta(theta []float64) *mlpCurvature {
	c := *m
	c.w, c.b = c.split(theta)
	c.chunks = nil
	return &c
}

// TestMLPHessianVectorProducts checks the R-operator products against central differences of the
// float64 gradient (h = 1e-6, 6 images: no ReLU crosses its kink), the gradient against
// train.LossGradient, and the symmetry ⟨u, Hv⟩ = ⟨v, Hu⟩.
func TestMLPHessianVectorProducts(t *testing.T) {
	for _, act := range []models.Op{models.OpReLU, models.OpLeakyReLU, models.OpTanh, models.OpSigmoid} {
		net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 4, 5}, Classes: 3, Hidden: []int{7, 5},
			Activation: act, Normalize: &[2]float32{0.4, 0.3}}, 4)
		if err != nil {
			t.Fatal(err)
		}
		x, y := randomData(6, 6, 20, 3)
		m := newMLPCurvature(net, x, y)
		if m == nil {
			t.Fatalf("%s: MLP not recognised", act)
		}
		n := m.numParams()
		if n != net.NumParams()-2 { // less the normalize node's mean and std
			t.Fatalf("%s: %d parameters, net has %d", act, n, net.NumParams())
		}
		r := rand.New(rand.NewPCG(2, 2))
		u, v := make([]float64, n), make([]float64, n)
		for i := range v {
			u[i], v[i] = r.NormFloat64(), r.NormFloat64()
		}
		hv, hu, g := make([]float64, n), make([]float64, n), make([]float64, n)
		loss, err := m.hvp(context.Background(), hv, v, g)
		if err != nil {
			t.Fatal(err)
		}
		m.hvp(context.Background(), hu, u, nil)
		near(t, string(act)+" symmetry", dot64(u, hv), dot64(v, hu), 1e-10*(1+math.Abs(dot64(u, hv))))
		theta := m.params()
		const h = 1e-6
		tp, tm := slicesAdd(theta, v, h), slicesAdd(theta, v, -h)
		gp, gm, tmp := make([]float64, n), make([]float64, n), make([]float64, n)
		m.withTheta(tp).hvp(context.Background(), tmp, v, gp)
		m.withTheta(tm).hvp(context.Background(), tmp, v, gm)
		scale := norm64(hv)
		for i := range hv {
			fd := (gp[i] - gm[i]) / (2 * h)
			if math.Abs(fd-hv[i]) > 1e-5*scale {
				t.Fatalf("%s: (Hv)[%d] = %g, finite differences %g", act, i, hv[i], fd)
			}
		}
		lg, err := train.NewLossGradient(net, x, y, 0)
		if err != nil {
			t.Fatal(err)
		}
		l32, g32, _ := lg.Eval(context.Background(), nil)
		lg.Close()
		near(t, string(act)+" loss", loss, l32, 1e-6)
		k := 0
		for _, gt := range g32 {
			for _, v := range gt {
				near(t, string(act)+" gradient", g[k], float64(v), 1e-5)
				k++
			}
		}
	}
	// Not an MLP: a CNN goes to finite differences.
	cnn, _ := models.NewCNN(models.CNNConfig{Input: [3]int{1, 4, 5}, Classes: 3, Channels: []int{2}}, 1)
	if newMLPCurvature(cnn, nil, nil) != nil {
		t.Error("a CNN taken for an MLP")
	}
}

func slicesAdd(a, b []float64, s float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] + s*b[i]
	}
	return out
}

// TestHessianFiniteDifferencePath runs the Lanczos estimate on a small tanh CNN (38 parameters)
// through finite differences of gradients: at most 15 steps find the top eigenvalue of a run to
// convergence at 1e-12.
func TestHessianFiniteDifferencePath(t *testing.T) {
	net, _ := models.NewCNN(models.CNNConfig{Input: [3]int{1, 4, 4}, Classes: 2, Channels: []int{2}, Activation: models.OpTanh}, 3)
	x, y := randomData(9, 12, 16, 2)
	s, err := HessianExtremes(context.Background(), net, x, y, &HessianOptions{Steps: 15})
	if err != nil {
		t.Fatal(err)
	}
	if s.Method[:6] != "finite" || s.Params != net.NumParams() {
		t.Fatalf("method %q, %d parameters of %d", s.Method, s.Params, net.NumParams())
	}
	if !(s.Max > 0) || s.Min > s.Max || len(s.Ritz) == 0 {
		t.Fatalf("spectrum %+v", s)
	}
	full, _ := HessianExtremes(context.Background(), net, x, y, &HessianOptions{Steps: s.Params, Tol: 1e-12})
	if !full.Converged || full.MaxBound > 1e-12*math.Abs(full.Max) {
		t.Fatalf("full run: %d steps, λmax %g ± %g, converged %v", full.Steps, full.Max, full.MaxBound, full.Converged)
	}
	near(t, "λmax (15 steps vs all)", s.Max, full.Max, 1e-3*full.Max)
}
