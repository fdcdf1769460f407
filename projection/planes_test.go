package projection

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

var shape = [3]int{1, 4, 5}

func randImage(seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, 20)
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

func vec64(x []float32) []float64 { return to64(x) }

// pointAt evaluates the probe at arbitrary coordinates (s, t).
func pointAt(p *Probe, s, t float64) []float64 {
	v := to64(p.Origin)
	axpy(s, to64(p.Dirs[0]), v)
	if len(p.Dirs) > 1 {
		axpy(t, to64(p.Dirs[1]), v)
	}
	return v
}

func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s: element %d = %g, want %g (tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

func TestDataPlaneAnchorsAreTheImages(t *testing.T) {
	x1, x2, x3 := randImage(1), randImage(2), randImage(3)
	p, err := DataPlane(shape, x1, x2, x3, 11, -1)
	if err != nil {
		t.Fatal(err)
	}
	for k, x := range [][]float32{x1, x2, x3} {
		a := p.Anchors[k]
		assertClose(t, a.Name, pointAt(p, a.S, a.T), vec64(x), 1e-5)
	}
	e1, e2 := to64(p.Dirs[0]), to64(p.Dirs[1])
	if math.Abs(norm(e1)-1) > 1e-6 || math.Abs(norm(e2)-1) > 1e-6 || math.Abs(dot(e1, e2)) > 1e-6 {
		t.Fatalf("directions not orthonormal: |e1|=%g |e2|=%g e1·e2=%g", norm(e1), norm(e2), dot(e1, e2))
	}
	// x2 lies on the s axis at distance ‖x2−x1‖; margins are 10% of the box on each side.
	d12 := norm(sub(vec64(x2), vec64(x1)))
	if math.Abs(p.Anchors[1].S-d12) > 1e-9 || p.Anchors[1].T != 0 {
		t.Fatalf("x2 at (%g,%g), want (%g,0)", p.Anchors[1].S, p.Anchors[1].T, d12)
	}
	lo, hi := math.Min(0, p.Anchors[2].S), math.Max(d12, p.Anchors[2].S)
	if got, want := p.S[0], lo-0.1*(hi-lo); math.Abs(got-want) > 1e-12 {
		t.Fatalf("S[0] = %g, want %g", got, want)
	}
	if got, want := p.T[10], 1.1*p.Anchors[2].T; math.Abs(got-want) > 1e-12 {
		t.Fatalf("T[last] = %g, want %g", got, want)
	}
	// Point(k) walks the grid row by row: k = j·nx + i.
	got := make([]float32, 20)
	p.Point(got, 3*11+7)
	assertClose(t, "Point", to64(got), pointAt(p, p.S[7], p.T[3]), 1e-6)
	coef := make([]float32, 2)
	p.Coef(coef, 3*11+7)
	if coef[0] != float32(p.S[7]) || coef[1] != float32(p.T[3]) {
		t.Fatalf("Coef = %v", coef)
	}
}

func TestDataPlaneErrors(t *testing.T) {
	x1, x2 := randImage(1), randImage(2)
	mid := make([]float32, 20)
	for i := range mid {
		mid[i] = 3*x2[i] - 2*x1[i]
	}
	cases := []struct {
		name       string
		a, b, c    []float32
		n          int
		wantSubstr string
	}{
		{"identical", x1, x1, x2, 10, "identical"},
		{"collinear", x1, x2, mid, 10, "collinear"},
		{"size", x1, x2[:5], x1, 10, "values"},
		{"tiny grid", x1, x2, randImage(3), 1, "grid points"},
		{"billion", x1, x2, randImage(3), 1 << 15, "grid points"},
	}
	for _, c := range cases {
		_, err := DataPlane(shape, c.a, c.b, c.c, c.n, 0.1)
		if err == nil || !strings.Contains(err.Error(), c.wantSubstr) {
			t.Errorf("%s: err = %v, want it to mention %q", c.name, err, c.wantSubstr)
		}
	}
	nan := randImage(4)
	nan[3] = float32(math.NaN())
	if _, err := DataPlane(shape, x1, x2, nan, 10, 0.1); err == nil {
		t.Error("NaN pixel accepted")
	}
	// Two different images with the same pixels make a mixup line of length zero.
	if _, err := MixupLine(shape, x1, append([]float32(nil), x1...), 10, 0, 1); err == nil || !strings.Contains(err.Error(), "identical") {
		t.Errorf("a mixup line between identical images: %v", err)
	}
}

func TestFlipPlane(t *testing.T) {
	x := randImage(5)
	p, err := FlipPlane(shape, x, 7, 9, -1)
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "x", pointAt(p, p.Anchors[0].S, 0), vec64(x), 1e-5)
	assertClose(t, "flip x", pointAt(p, p.Anchors[1].S, 0), Flip(shape, vec64(x)), 1e-5)
	e1, e2 := to64(p.Dirs[0]), to64(p.Dirs[1])
	fe1, fe2 := Flip(shape, e1), Flip(shape, e2)
	for i := range e1 {
		if math.Abs(fe1[i]+e1[i]) > 1e-6 || math.Abs(fe2[i]-e2[i]) > 1e-6 {
			t.Fatalf("e1 must be antisymmetric and e2 symmetric under flip (index %d)", i)
		}
	}
	if math.Abs(dot(e1, e2)) > 1e-6 || math.Abs(norm(e2)-1) > 1e-6 {
		t.Fatal("flip plane directions not orthonormal")
	}
	for i := range p.S {
		if p.S[i] != -p.S[len(p.S)-1-i] {
			t.Fatalf("S not exactly symmetric: %v", p.S)
		}
	}
	// Mirror symmetry of the probe itself: point(−s,t) is the flip of point(s,t).
	assertClose(t, "mirror", pointAt(p, -p.S[2], p.T[5]), Flip(shape, pointAt(p, p.S[2], p.T[5])), 1e-5)

	sym := Flip(shape, x)
	for i := range sym {
		sym[i] = (sym[i] + x[i]) / 2
	}
	if _, err := FlipPlane(shape, sym, 7, 9, 0.1); err == nil || !strings.Contains(err.Error(), "symmetric") {
		t.Fatalf("symmetric image: err = %v", err)
	}
}

func TestRandomPlaneSeeded(t *testing.T) {
	x := randImage(6)
	p, err := RandomPlane(shape, x, 42, 5, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	q, _ := RandomPlane(shape, x, 42, 5, 1, 0)
	r, _ := RandomPlane(shape, x, 43, 5, 1, 0)
	for i := range p.Dirs[0] {
		if p.Dirs[0][i] != q.Dirs[0][i] {
			t.Fatal("same seed gave different directions")
		}
	}
	if p.Dirs[0][0] == r.Dirs[0][0] && p.Dirs[0][1] == r.Dirs[0][1] {
		t.Fatal("different seeds gave the same directions")
	}
	u, v := to64(p.Dirs[0]), to64(p.Dirs[1])
	nx := norm(vec64(x))
	if math.Abs(norm(u)-nx) > 1e-5*nx || math.Abs(norm(v)-nx) > 1e-5*nx || math.Abs(dot(u, v)) > 1e-5*nx*nx {
		t.Fatalf("|u|=%g |v|=%g u·v=%g, want |x0|=%g and orthogonal", norm(u), norm(v), dot(u, v), nx)
	}
	if p.S[0] != -1 || p.S[4] != 1 {
		t.Fatalf("coordinates %v, want [-1,1]", p.S)
	}
}

func TestMixupLineEnds(t *testing.T) {
	xi, xj := randImage(7), randImage(8)
	p, err := MixupLine(shape, xi, xj, 5, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if nx, ny := p.Dims(); nx != 5 || ny != 1 {
		t.Fatalf("dims %d,%d", nx, ny)
	}
	got := make([]float32, 20)
	p.Point(got, 0)
	assertClose(t, "λ=0", to64(got), vec64(xi), 0)
	p.Point(got, 4)
	assertClose(t, "λ=1", to64(got), vec64(xj), 1e-6)
	p.Point(got, 2)
	for i := range got {
		if want := 0.5*float64(xi[i]) + 0.5*float64(xj[i]); math.Abs(float64(got[i])-want) > 1e-6 {
			t.Fatalf("λ=0.5 element %d = %g, want %g", i, got[i], want)
		}
	}
	ext, _ := MixupLine(shape, xi, xj, 5, -0.5, 1.5)
	if ext.S[0] != -0.5 || ext.S[4] != 1.5 {
		t.Fatalf("extended range %v", ext.S)
	}
}

func TestLinspaceLikeNumpy(t *testing.T) {
	got := Linspace(-1, 1, 5)
	want := []float64{-1, -0.5, 0, 0.5, 1}
	assertClose(t, "linspace", got, want, 0)
}

// On images of one value (1×1×1) there is no plane: every plane probe returns an error rather
// than a NaN direction (the random plane panicked in the sampler: issue 20).
func TestPlanesOnOneValueImagesAreErrors(t *testing.T) {
	shape := [3]int{1, 1, 1}
	a, b, c := []float32{0.2}, []float32{0.5}, []float32{0.9}
	probes := map[string]func() (*Probe, error){
		"random":   func() (*Probe, error) { return RandomPlane(shape, b, 1, 8, 0, 0) },
		"gradient": func() (*Probe, error) { return GradientPlane(shape, b, []float32{1}, 1, 8, 0) },
		"pca":      func() (*Probe, error) { return PCAPlane(shape, []float32{0.2, 0.5, 0.9, 0.1}, nil, 1, 8, 0) },
		"flip":     func() (*Probe, error) { return FlipPlane(shape, b, 1, 8, 0.1) },
		"data":     func() (*Probe, error) { return DataPlane(shape, a, b, c, 8, 0.1) },
	}
	for name, make := range probes {
		p, err := make()
		if err == nil {
			t.Errorf("%s plane on 1×1×1 images: no error, directions %v", name, p.Dirs)
		}
	}
}
