package infer

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/surfscope/surfscope/models/internal/nettest"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// Benchmarks of the plane workloads (shared/bench/WORKLOADS.md): one iteration samples a whole
// 256x256 plane in chunks of 256 points, with the plane shortcut (ForwardAffine) and without
// (Forward on explicit points). Metrics: points/s, and GFLOP/s of the conv and dense layers of the
// whole net per point.

func BenchmarkPlane(b *testing.B) {
	for _, w := range PlaneWorkloads {
		for _, shortcut := range []bool{true, false} {
			name := w
			if !shortcut {
				name += "-plain"
			}
			b.Run(name, func(b *testing.B) { benchPlane(b, w, 256, shortcut) })
		}
	}
}

func benchPlane(b *testing.B, workload string, grid int, shortcut bool) {
	n, err := PlaneWorkloadNet(workload)
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(n)
	if err != nil {
		b.Fatal(err)
	}
	x0, dirs := planeDirections(n.InputSize())
	const chunk = 256
	total := grid * grid
	var coef, pts, out []float32
	b.ReportAllocs()
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for lo := 0; lo < total; lo += chunk {
			m := min(chunk, total-lo)
			coef = planeCoefficients(coef, grid, lo, m)
			if shortcut {
				out = e.ForwardAffine(out, x0, dirs, coef, m)
				continue
			}
			pts = slices.Grow(pts[:0], m*len(x0))[:m*len(x0)]
			for k := 0; k < m; k++ {
				p := pts[k*len(x0) : (k+1)*len(x0)]
				for i := range p {
					p[i] = x0[i] + coef[2*k]*dirs[0][i] + coef[2*k+1]*dirs[1][i]
				}
			}
			out = e.Forward(out, pts, m)
		}
	}
	pps := float64(b.N*total) / b.Elapsed().Seconds()
	b.ReportMetric(pps, "points/s")
	b.ReportMetric(pps*e.FLOPs()/1e9, "GFLOP/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSgemm is the peak the plane workloads are measured against: n×n·n×n on one goroutine
// (BLAS is single-threaded here) and on GOMAXPROCS goroutines.
func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{256, 512, 1024} {
		b.Run(fmt.Sprintf("%s-%d", sgemm.BLAS(), n), func(b *testing.B) {
			a, bb, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sgemm.Gemm(false, false, n, n, n, 1, a, n, bb, n, 0, c, n)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	b.Run("all-cores-512", func(b *testing.B) {
		var g float64
		for i := 0; i < b.N; i++ {
			g, _ = SgemmPeak(512, 300*time.Millisecond)
		}
		b.ReportMetric(g, "GFLOP/s")
	})
}

func TestBenchPlaneSmallGrid(t *testing.T) {
	for _, w := range PlaneWorkloads {
		for _, shortcut := range []bool{false, true} {
			r, err := BenchPlaneDetail(context.Background(), w, 8, shortcut)
			if err != nil {
				t.Fatal(err)
			}
			if r.Points != 64 || !(r.PointsPerSec > 0) || !(r.ExecGFLOPs > 0) || shortcut == (r.ExecGFLOPs == r.NetGFLOPs) {
				t.Errorf("%s shortcut %v: %+v", w, shortcut, r)
			}
		}
	}
	if _, err := BenchPlane(context.Background(), "resnet-plane", 8, false); err == nil {
		t.Error("unknown workload accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := BenchPlane(ctx, "mlp-plane", 8, true); err == nil {
		t.Error("cancelled context ignored")
	}
}

// BenchmarkForwardArchitectures: Forward on batches of 256 random inputs through the nets training
// builds.
func BenchmarkForwardArchitectures(b *testing.B) {
	nets := testArchitectures(b)
	for _, name := range []string{"mlp", "cnn-bn", "resnet8-add-setrue", "resnet8-gate-setrue"} {
		n := nets[name]
		b.Run(name, func(b *testing.B) {
			e, err := New(n)
			if err != nil {
				b.Fatal(err)
			}
			const batch = 256
			x := nettest.Inputs(1, batch, n.InputSize())
			var out []float32
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				out = e.Forward(out, x, batch)
			}
			pps := float64(b.N*batch) / b.Elapsed().Seconds()
			b.ReportMetric(pps, "points/s")
			b.ReportMetric(pps*e.FLOPs()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkInputGrad: gradients of the loss for batches of 256 inputs through the workload nets.
func BenchmarkInputGrad(b *testing.B) {
	for _, w := range PlaneWorkloads {
		b.Run(w, func(b *testing.B) {
			n, err := PlaneWorkloadNet(w)
			if err != nil {
				b.Fatal(err)
			}
			e, err := New(n)
			if err != nil {
				b.Fatal(err)
			}
			const batch = 256
			x := nettest.Inputs(1, batch, n.InputSize())
			labels := make([]int, batch)
			for i := range labels {
				labels[i] = i % n.Classes
			}
			var g []float32
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				g = e.InputGrad(g, x, batch, -1, labels)
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
