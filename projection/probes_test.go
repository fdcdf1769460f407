package projection

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// plantedData returns n images of 20 values: mean + 3·a·u + 1·b·v + 0.05·noise, with u and v
// orthonormal, a and b standard normal, so the principal components are ±u (σ ≈ 3) and ±v (σ ≈ 1).
func plantedData(n int) (data []float32, mean, u, v []float64) {
	r := rand.New(rand.NewPCG(11, 3))
	mean, u, v = gaussian(r, 20), gaussian(r, 20), gaussian(r, 20)
	scale(1/norm(u), u)
	axpy(-dot(v, u), u, v)
	scale(1/norm(v), v)
	for s := 0; s < n; s++ {
		a, b := r.NormFloat64(), r.NormFloat64()
		for k := 0; k < 20; k++ {
			data = append(data, float32(mean[k]+3*a*u[k]+b*v[k]+0.05*r.NormFloat64()))
		}
	}
	return
}

func TestPCAPlaneFindsPlantedComponents(t *testing.T) {
	data, _, u, v := plantedData(2000)
	p, err := PCAPlane(shape, data, nil, 1, 9, 0)
	if err != nil {
		t.Fatal(err)
	}
	e1, e2 := to64(p.Dirs[0]), to64(p.Dirs[1])
	if c := math.Abs(dot(e1, u)); c < 0.999 {
		t.Fatalf("|e1·u| = %g", c)
	}
	if c := math.Abs(dot(e2, v)); c < 0.999 {
		t.Fatalf("|e2·v| = %g", c)
	}
	// Against the exact eigen-decomposition of the sample covariance (gonum EigenSym).
	n := len(data) / 20
	m := make([]float64, 20)
	for s := 0; s < n; s++ {
		for k := 0; k < 20; k++ {
			m[k] += float64(data[s*20+k]) / float64(n)
		}
	}
	cov := mat.NewSymDense(20, nil)
	for s := 0; s < n; s++ {
		for i := 0; i < 20; i++ {
			for j := i; j < 20; j++ {
				cov.SetSym(i, j, cov.At(i, j)+(float64(data[s*20+i])-m[i])*(float64(data[s*20+j])-m[j])/float64(n))
			}
		}
	}
	var es mat.EigenSym
	es.Factorize(cov, true)
	vals := es.Values(nil)
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	top := mat.Col(nil, 19, &vecs)
	if c := math.Abs(dot(top, e1)); c < 1-1e-6 {
		t.Fatalf("first component differs from the exact one: |cos| = %g", c)
	}
	// The s axis spans ±3σ1, σ1² the top eigenvalue; the origin is the mean.
	if got, want := p.S[8], 3*math.Sqrt(vals[19]); math.Abs(got-want) > 1e-6*want {
		t.Fatalf("S[last] = %g, want 3σ1 = %g", got, want)
	}
	if got, want := p.T[8], 3*math.Sqrt(vals[18]); math.Abs(got-want) > 1e-6*want {
		t.Fatalf("T[last] = %g, want 3σ2 = %g", got, want)
	}
	assertClose(t, "origin", to64(p.Origin), m, 1e-5)
	// Sign convention: the largest entry is positive, so the result does not depend on the seed.
	q, _ := PCAPlane(shape, data, nil, 99, 9, 0)
	assertClose(t, "seed-independent e1", to64(q.Dirs[0]), e1, 1e-5)
	// Through an image: the image is the origin and the mean is an anchor.
	x := randImage(3)
	p, err = PCAPlane(shape, data, x, 1, 9, 2)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "origin", to64(p.Origin), to64(x), 0)
	mean := p.Anchors[1]
	if mean.Name != "mean" || math.Abs(mean.S-dot(sub(m, to64(x)), e1)) > 1e-5 {
		t.Fatalf("mean anchor %+v", mean)
	}
}

func TestPCAPlaneErrors(t *testing.T) {
	flat := make([]float32, 10*20) // all images equal: no variance
	if _, err := PCAPlane(shape, flat, nil, 1, 9, 0); err == nil || !strings.Contains(err.Error(), "fewer than two") {
		t.Fatalf("constant data: err = %v", err)
	}
	line := make([]float32, 10*20) // images on one line through the data space
	for s := 0; s < 10; s++ {
		for k := 0; k < 20; k++ {
			line[s*20+k] = float32(s) * float32(k%3)
		}
	}
	if _, err := PCAPlane(shape, line, nil, 1, 9, 0); err == nil || !strings.Contains(err.Error(), "fewer than two") {
		t.Fatalf("rank-one data: err = %v", err)
	}
	if _, err := PCAPlane(shape, flat[:30], nil, 1, 9, 0); err == nil {
		t.Fatal("1.5 images accepted")
	}
}

func TestGradientPlane(t *testing.T) {
	x := randImage(1)
	g := randImage(2)
	p, err := GradientPlane(shape, x, g, 5, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	e1, e2 := to64(p.Dirs[0]), to64(p.Dirs[1])
	want := to64(g)
	scale(1/norm(want), want)
	assertClose(t, "e1", e1, want, 1e-6)
	if math.Abs(dot(e1, e2)) > 1e-6 || math.Abs(norm(e2)-1) > 1e-6 {
		t.Fatalf("e2 not a unit vector orthogonal to e1: e1·e2 = %g, |e2| = %g", dot(e1, e2), norm(e2))
	}
	if got := p.S[6]; math.Abs(got-norm(to64(x))) > 1e-9 || p.S[0] != -p.S[6] {
		t.Fatalf("coordinates %v, want ±‖x0‖", p.S)
	}
	q, _ := GradientPlane(shape, x, g, 5, 7, 0)
	assertClose(t, "seeded e2", to64(q.Dirs[1]), e2, 0)
	if _, err := GradientPlane(shape, x, make([]float32, 20), 5, 7, 0); err == nil {
		t.Fatal("zero gradient accepted")
	}
}
