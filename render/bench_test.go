package render

import (
	"fmt"
	"image"
	"testing"

	"github.com/surfscope/surfscope/render/internal/gl"
)

// gridOf samples a test field into a Grid, as sampled data arrives.
func gridOf(f *funcField) *Grid {
	g := &Grid{NX: f.nx, NY: f.ny, Values: make([]float64, f.nx*f.ny), Xs: make([]float64, f.nx), Ys: make([]float64, f.ny)}
	for i := range g.Xs {
		g.Xs[i] = f.X(i)
	}
	for j := range g.Ys {
		g.Ys[j] = f.Y(j)
	}
	for j := 0; j < f.ny; j++ {
		for i := 0; i < f.nx; i++ {
			g.Values[j*f.nx+i] = f.Z(i, j)
		}
	}
	return g
}

// benchFrames renders the waves field of n x n (a Grid) at w x h with r,
// b.N times, and reports ms/frame.
func benchFrames(b *testing.B, r Renderer, n, w, h int, s Scene) {
	s.Field = gridOf(waves(n))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	b.ReportAllocs()
	for b.Loop() {
		s.Camera.Orbit(0.01, 0) // a new view each frame, as when dragging
		if err := r.Render(img, &s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
}

// frameCases are the sizes benchmarked: the full-detail 256² field at
// 1024x768 with 4 samples, one sample, and the coarse (Step 4) drag mode.
var frameCases = []struct {
	name string
	s    Scene
}{
	{"full", Scene{Contours: 10}},
	{"nosamples", Scene{Contours: 10, Samples: 1}},
	{"drag", Scene{Contours: 10, Samples: 1, Step: 4}},
	{"heatmap", Scene{Contours: 10, View: ViewHeatmap, ColorBar: true}},
}

func BenchmarkGLFrame(b *testing.B) {
	r := newGLOrSkip(b)
	defer r.Close()
	for _, c := range frameCases {
		b.Run(c.name, func(b *testing.B) { benchFrames(b, r, 256, 1024, 768, c.s) })
	}
}

func BenchmarkCPUFrame(b *testing.B) {
	r := NewCPU()
	for _, c := range frameCases {
		b.Run(c.name, func(b *testing.B) { benchFrames(b, r, 256, 1024, 768, c.s) })
	}
}

// BenchmarkGLReadback times glReadPixels of a 1024x768 RGBA frame alone.
func BenchmarkGLReadback(b *testing.B) {
	c, err := gl.Open()
	if err != nil {
		b.Skipf("render: no EGL: %v", err)
	}
	defer c.Close()
	const w, h = 1024, 768
	f := &gl.Frame{Width: w, Height: h, Samples: 1, LUT: Viridis.bytes()}
	dst := make([]byte, 4*w*h)
	if err := c.Draw(f, dst); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(dst)))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Read(dst); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/read")
}

// BenchmarkMesh times building the mesh of an n x n field.
func BenchmarkMesh(b *testing.B) {
	for _, n := range []int{64, 256} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := &Scene{Field: gridOf(waves(n))}
			st := resolve(s)
			var m mesh
			b.ReportAllocs()
			for b.Loop() {
				if err := m.build(s, &st); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
