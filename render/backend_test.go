package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/provenance"
)

// newGLOrSkip returns the GL renderer. Where GL is expected (CI=true, as .ci/run sets it) a
// renderer that cannot start — no EGL context, no OpenGL 3.3, a shader that does not compile — is
// a test failure; elsewhere the test is skipped with a message that says so.
func newGLOrSkip(t testing.TB) Renderer {
	t.Helper()
	r, err := NewGL()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("GL is required in CI (CI=true) and does not work: %v", err)
		}
		t.Skipf("GL TESTS SKIPPED: no working EGL/OpenGL 3.3 here (%v); with CI=true this fails", err)
	}
	return r
}

// backends returns the CPU renderer and, where EGL works, the GL renderer (closed when the test
// ends). Where GL is expected (CI=true) a GL renderer that cannot start fails the test.
func backends(t *testing.T) []Renderer {
	t.Helper()
	rs := []Renderer{NewCPU()}
	g, err := NewGL()
	switch {
	case err == nil:
		t.Cleanup(func() { g.Close() })
		rs = append(rs, g)
	case os.Getenv("CI") == "true":
		t.Fatalf("GL is required in CI (CI=true) and does not work: %v", err)
	default:
		t.Logf("GL SKIPPED: no working EGL/OpenGL 3.3 here (%v); with CI=true this fails", err)
	}
	return rs
}

// The two backends draw the same picture: mean channel difference under 1.5
// (of 255) and under 1% of pixels off by more than 24 (edges, where
// multisampling and supersampling differ).
func TestGLMatchesCPU(t *testing.T) {
	g := newGLOrSkip(t)
	defer g.Close()
	scenes := map[string]*Scene{
		"paraboloid": {Field: paraboloid(48), Contours: 6},
		"waves":      {Field: waves(96), Contours: 12, Wireframe: true, Title: "waves"},
		"holes":      {Field: holes(80), Colormap: Coolwarm, Background: color.Black, Camera: Camera{Yaw: 0.4, Pitch: 0.9, Distance: 3}},
		"aliased":    {Field: waves(64), Samples: 1, ZScale: 1},
		"classes":    {Field: waves(64), Color: regions(64), Categorical: true, Contours: 5, ColorBar: true, Wireframe: true, Step: 2},
		"strip":      {Field: &funcField{nx: 40, ny: 20, x0: 0, x1: 10, y0: 0, y1: 1, f: func(x, y float64) float64 { return math.Sin(x) * y }}, Contours: 4},
	}
	gb := g.(*renderer).b.(*glBackend)
	for name, s := range scenes {
		cpu := renderCPU(t, s, 320, 240)
		// Both ways GL antialiases: supersampling (what software GL uses)
		// and multisampling (what GPUs use).
		for _, ss := range []bool{true, false} {
			gb.supersample = ss
			gl := image.NewRGBA(image.Rect(0, 0, 320, 240))
			if err := g.Render(gl, s); err != nil {
				t.Fatal(err)
			}
			mean, frac := imageDiff(cpu, gl, 24)
			t.Logf("%s (supersampled %v): mean %.3f, %.3f%% off by > 24", name, ss, mean, 100*frac)
			if mean > 1.5 || frac > 0.01 {
				t.Errorf("%s (supersampled %v): GL and CPU differ: mean %.3f, %.3f%% of pixels off by > 24", name, ss, mean, 100*frac)
				WritePNG("testdata/failed/"+name+"_gl.png", gl, provenance.Record{})
				WritePNG("testdata/failed/"+name+"_cpu.png", cpu, provenance.Record{})
			}
		}
	}
}

// A destination that is a sub-image (stride wider than the picture) gets
// the same picture, and the pixels around it stay untouched.
func TestRenderIntoSubImage(t *testing.T) {
	rs := backends(t)
	s := &Scene{Field: waves(32), Samples: 1}
	for _, r := range rs {
		whole := image.NewRGBA(image.Rect(0, 0, 100, 80))
		if err := r.Render(whole, s); err != nil {
			t.Fatal(err)
		}
		big := image.NewRGBA(image.Rect(0, 0, 140, 120))
		sub := big.SubImage(image.Rect(20, 30, 120, 110)).(*image.RGBA)
		if err := r.Render(sub, s); err != nil {
			t.Fatal(err)
		}
		for y := 0; y < 80; y++ {
			for x := 0; x < 100; x++ {
				if whole.RGBAAt(x, y) != sub.RGBAAt(x+20, y+30) {
					t.Fatalf("%s: pixel (%d,%d) differs in the sub-image", r.Name(), x, y)
				}
			}
		}
		if big.RGBAAt(10, 10) != (color.RGBA{}) || big.RGBAAt(130, 115) != (color.RGBA{}) {
			t.Errorf("%s: drew outside the sub-image", r.Name())
		}
	}
}

// NaN and Inf make holes: seen from above, the background shows through
// the NaN disc, and nothing panics for fields that are all NaN.
func TestNaNMakesHoles(t *testing.T) {
	rs := backends(t)
	top := Camera{Pitch: math.Pi / 2, Yaw: -math.Pi / 2, Distance: defaultDistance}
	bg := color.RGBA{255, 255, 255, 255}
	for _, r := range rs {
		s := &Scene{Field: holes(96), Camera: top}
		img := image.NewRGBA(image.Rect(0, 0, 200, 200))
		if err := r.Render(img, s); err != nil {
			t.Fatal(err)
		}
		cr := NewCPU().(*renderer)
		f, _ := cr.prepare(img.Bounds(), s)
		hx, hy, _ := f.projectField(1, 1, 0)    // centre of the NaN disc
		sx, sy, _ := f.projectField(-1.5, 1, 0) // a valid point
		if c := img.RGBAAt(int(hx), int(hy)); c != bg {
			t.Errorf("%s: hole centre is %v, want background", r.Name(), c)
		}
		if c := img.RGBAAt(int(sx), int(sy)); c == bg {
			t.Errorf("%s: surface point is background", r.Name())
		}
		nan := &funcField{nx: 5, ny: 5, x0: 0, x1: 1, y0: 0, y1: 1, f: func(x, y float64) float64 { return math.NaN() }}
		if err := r.Render(img, &Scene{Field: nan, Contours: 5, Title: "all NaN"}); err != nil {
			t.Errorf("%s: all-NaN field: %v", r.Name(), err)
		}
		flat := &funcField{nx: 5, ny: 5, x0: 0, x1: 1, y0: 0, y1: 1, f: func(x, y float64) float64 { return 3 }}
		if err := r.Render(img, &Scene{Field: flat, Contours: 5, Wireframe: true}); err != nil {
			t.Errorf("%s: constant field: %v", r.Name(), err)
		}
	}
}

func TestMeshSkipsBadTriangles(t *testing.T) {
	g := &Grid{NX: 3, NY: 3, Values: []float64{
		0, 1, 2,
		1, math.NaN(), 3,
		2, 3, math.Inf(-1),
	}}
	var m mesh
	st := resolve(&Scene{})
	if err := m.build(&Scene{Field: g}, &st); err != nil {
		t.Fatal(err)
	}
	// The centre vertex is bad: every cell touches it, and each cell with
	// exactly one bad corner keeps one triangle, except the cell with two.
	if got, want := len(m.idx)/3, 3; got != want {
		t.Errorf("%d triangles, want %d", got, want)
	}
	for _, k := range m.idx {
		if k == 4 || k == 8 {
			t.Errorf("triangle uses bad vertex %d", k)
		}
	}
	if m.zmin != 0 || m.zmax != 3 {
		t.Errorf("height range [%g, %g], want [0, 3]", m.zmin, m.zmax)
	}
}

func TestSceneErrors(t *testing.T) {
	r := NewCPU()
	img := image.NewRGBA(image.Rect(0, 0, 10, 10))
	bad := map[string]*Scene{
		"no field":   {},
		"1 column":   {Field: &Grid{NX: 1, NY: 4, Values: make([]float64, 4)}},
		"colour":     {Field: paraboloid(4), Color: paraboloid(5)},
		"range":      {Field: paraboloid(4), Min: 2, Max: 1},
		"inf range":  {Field: paraboloid(4), Min: 0, Max: math.Inf(1)},
		"coordinate": {Field: &Grid{NX: 2, NY: 2, Values: make([]float64, 4), Xs: []float64{0, math.NaN()}}},
		"flat x":     {Field: &Grid{NX: 2, NY: 2, Values: make([]float64, 4), Xs: []float64{1, 1}}},
	}
	for name, s := range bad {
		err := r.Render(img, s)
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "render: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, err)
		}
	}
	if err := r.Render(image.NewRGBA(image.Rect(0, 0, 0, 5)), &Scene{Field: paraboloid(4)}); err == nil {
		t.Error("empty image: no error")
	}
	if err := r.Render(img, nil); err == nil {
		t.Error("nil scene: no error")
	}
	r.Close()
	if err := r.Render(img, &Scene{Field: paraboloid(4)}); err == nil {
		t.Error("render after Close: no error")
	}
}

func TestNewFallsBack(t *testing.T) {
	t.Setenv("SURFSCOPE_RENDER", "cpu")
	r, err := New()
	if err != nil || r.Name() != "cpu" {
		t.Fatalf("SURFSCOPE_RENDER=cpu: %v, %v", r, err)
	}
	t.Setenv("SURFSCOPE_RENDER", "vulkan")
	if _, err := New(); err == nil {
		t.Error("SURFSCOPE_RENDER=vulkan: no error")
	}
	t.Setenv("SURFSCOPE_RENDER", "")
	r, err = New()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	t.Logf("New chose %s", r.Name())
	if !strings.HasPrefix(r.Name(), "gl") && !strings.HasPrefix(r.Name(), "cpu (no GL: ") {
		t.Errorf("New gave %q", r.Name())
	}
	if os.Getenv("CI") == "true" && !strings.HasPrefix(r.Name(), "gl") {
		t.Errorf("GL is required in CI (CI=true), but New fell back to %q", r.Name())
	}
}

// Concurrent Render calls on one renderer are serialised and each gets the
// same picture as a lone call.
func TestConcurrentRender(t *testing.T) {
	rs := backends(t)
	s := &Scene{Field: waves(24), Contours: 4, Samples: 1}
	for _, r := range rs {
		want := image.NewRGBA(image.Rect(0, 0, 64, 48))
		if err := r.Render(want, s); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 4)
		for k := 0; k < 4; k++ {
			go func() {
				img := image.NewRGBA(image.Rect(0, 0, 64, 48))
				err := r.Render(img, s)
				if err == nil && string(img.Pix) != string(want.Pix) {
					err = fmt.Errorf("%s: concurrent picture differs", r.Name())
				}
				errs <- err
			}()
		}
		for k := 0; k < 4; k++ {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}
