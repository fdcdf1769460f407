package infer

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/sgemm"
)

// The standard plane workloads of shared/bench/WORKLOADS.md, so that `make bench` can time the
// fast forward pass without a command of its own.

// PlaneWorkloads lists the workloads BenchPlane knows.
var PlaneWorkloads = []string{"mlp-plane", "cnn-plane"}

// PlaneWorkloadNet returns the net of a plane workload with PyTorch's default initialisation
// (uniform ±1/sqrt(fan-in), seeded): "mlp-plane" is the MLP 784-256-256-10 with ReLU, "cnn-plane"
// conv3x3 1→16 pad 1, ReLU, conv3x3 16→32 pad 1, ReLU, maxpool 2, dense 6272→10.
func PlaneWorkloadNet(workload string) (*models.Net, error) {
	r := rand.New(rand.NewPCG(0, 0))
	uniform := func(fanIn int, shape ...int) *models.Tensor {
		t := models.NewTensor(shape...)
		bound := 1 / math.Sqrt(float64(fanIn))
		for i := range t.Data {
			t.Data[i] = float32(bound * (2*r.Float64() - 1))
		}
		return t
	}
	dense := func(in, nin, nout int) models.Node {
		return models.Node{Op: models.OpDense, Inputs: []int{in}, Params: map[string]*models.Tensor{"weight": uniform(nin, nout, nin), "bias": uniform(nin, nout)}}
	}
	conv := func(in, cin, cout int) models.Node {
		return models.Node{Op: models.OpConv, Inputs: []int{in}, Attr: models.Attr{Pad: [4]int{1, 1, 1, 1}},
			Params: map[string]*models.Tensor{"weight": uniform(cin*9, cout, cin, 3, 3), "bias": uniform(cin*9, cout)}}
	}
	var n *models.Net
	switch workload {
	case "mlp-plane":
		n = &models.Net{Input: [3]int{1, 28, 28}, Classes: 10, Nodes: []models.Node{{Op: models.OpInput}, {Op: models.OpFlatten, Inputs: []int{0}},
			dense(1, 784, 256), {Op: models.OpReLU, Inputs: []int{2}}, dense(3, 256, 256), {Op: models.OpReLU, Inputs: []int{4}}, dense(5, 256, 10)}}
	case "cnn-plane":
		n = &models.Net{Input: [3]int{1, 28, 28}, Classes: 10, Nodes: []models.Node{{Op: models.OpInput},
			conv(0, 1, 16), {Op: models.OpReLU, Inputs: []int{1}}, conv(2, 16, 32), {Op: models.OpReLU, Inputs: []int{3}},
			{Op: models.OpMaxPool, Inputs: []int{4}, Attr: models.Attr{Kernel: [2]int{2, 2}, Stride: [2]int{2, 2}}},
			{Op: models.OpFlatten, Inputs: []int{5}}, dense(6, 6272, 10)}}
	default:
		return nil, fmt.Errorf("infer: unknown plane workload %q (want one of %v)", workload, PlaneWorkloads)
	}
	n.Arch = map[string]string{"workload": workload}
	return n, n.Validate()
}

// PlaneBench is the outcome of one timed plane workload.
type PlaneBench struct {
	Points       int     // grid·grid
	Seconds      float64 // wall time of the sampling, without building the net and the probe
	PointsPerSec float64
	// NetGFLOPs is the rate in conv and dense FLOPs of the whole net per point (what a plain forward
	// pass would execute); ExecGFLOPs counts what ran with the plane shortcut.
	NetGFLOPs, ExecGFLOPs float64
}

// BenchPlane times a plane workload: the net's logits on a grid×grid plane x0 + a·u + b·v,
// a, b in [−1, 1], x0 uniform in [0,1) and u, v Gaussian. With shortcut it samples in chunks of 256
// points through the exact plane shortcut (AffineProbe, as surface.Sample does); without, it does
// the reference's work: every point formed in pixel space, in batches of the reference's size
// (4,096 for the MLP, 1,024 for the CNN), and the whole net run on it (Forward). It stops early
// with ctx's error.
func BenchPlane(ctx context.Context, workload string, grid int, shortcut bool) (pointsPerSec float64, err error) {
	b, err := BenchPlaneDetail(ctx, workload, grid, shortcut)
	return b.PointsPerSec, err
}

// BenchPlaneDetail is BenchPlane with the timing details.
func BenchPlaneDetail(ctx context.Context, workload string, grid int, shortcut bool) (PlaneBench, error) {
	if grid < 2 {
		return PlaneBench{}, fmt.Errorf("infer: plane grid %d, want at least 2", grid)
	}
	n, err := PlaneWorkloadNet(workload)
	if err != nil {
		return PlaneBench{}, err
	}
	e, err := New(n)
	if err != nil {
		return PlaneBench{}, err
	}
	x0, dirs := planeDirections(n.InputSize())
	total := grid * grid
	var sec, execFLOPs float64
	if shortcut {
		sec, execFLOPs, err = planeShortcut(ctx, e, x0, dirs, grid)
	} else {
		batch := map[string]int{"mlp-plane": 4096, "cnn-plane": 1024}[workload]
		sec, err = planeFormed(ctx, e, x0, dirs, grid, batch)
		execFLOPs = e.FLOPs()
	}
	if err != nil {
		return PlaneBench{}, err
	}
	pps := float64(total) / sec
	return PlaneBench{Points: total, Seconds: sec, PointsPerSec: pps,
		NetGFLOPs: pps * e.FLOPs() / 1e9, ExecGFLOPs: pps * execFLOPs / 1e9}, nil
}

// planeShortcut samples the plane through the affine shortcut as surface.Sample does: chunks of
// 256 points, GOMAXPROCS of them in flight, each evaluated by the probe in its work units. It
// returns the seconds it took (building the probe included) and the FLOPs executed per point.
func planeShortcut(ctx context.Context, e *Evaluator, x0 []float32, dirs [][]float32, grid int) (float64, float64, error) {
	const chunk = 256
	total := grid * grid
	start := time.Now()
	pr, err := e.Affine(x0, dirs)
	if err != nil {
		return 0, 0, err
	}
	workers := runtime.GOMAXPROCS(0)
	coef, out := make([][]float32, workers), make([][]float32, workers)
	err = parallel.Chunks(ctx, total, chunk, workers, func(w, lo, hi int) {
		coef[w] = planeCoefficients(coef[w], grid, lo, hi-lo)
		out[w] = pr.Forward(out[w], coef[w], hi-lo)
	})
	if err != nil {
		return 0, 0, err
	}
	return time.Since(start).Seconds(), pr.FLOPs(), nil
}

// planeFormed forms every point x0 + a·u + b·v of the plane in batches and runs the whole net on
// each batch, returning the seconds it took.
func planeFormed(ctx context.Context, e *Evaluator, x0 []float32, dirs [][]float32, grid, batch int) (float64, error) {
	total, size := grid*grid, len(x0)
	x := make([]float32, batch*size)
	u, v := dirs[0], dirs[1]
	start := time.Now()
	var coef, out []float32
	for lo := 0; lo < total; lo += batch {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		m := min(batch, total-lo)
		coef = planeCoefficients(coef, grid, lo, m)
		for k := 0; k < m; k++ {
			a, b, p := coef[2*k], coef[2*k+1], x[k*size:(k+1)*size]
			for i := range p {
				p[i] = x0[i] + a*u[i] + b*v[i]
			}
		}
		out = e.Forward(out, x, m)
	}
	return time.Since(start).Seconds(), nil
}

// planeDirections returns the seeded x0, u and v of the plane workloads.
func planeDirections(size int) ([]float32, [][]float32) {
	r := rand.New(rand.NewPCG(1, 2))
	x0, u, v := make([]float32, size), make([]float32, size), make([]float32, size)
	for i := range x0 {
		x0[i], u[i], v[i] = r.Float32(), float32(r.NormFloat64()), float32(r.NormFloat64())
	}
	return x0, [][]float32{u, v}
}

// planeCoefficients writes the (a, b) of grid points lo … lo+m−1, a along rows (linspace(−1, 1)).
func planeCoefficients(dst []float32, grid, lo, m int) []float32 {
	dst = slices.Grow(dst[:0], 2*m)[:2*m]
	step := 2 / float64(grid-1)
	for k := 0; k < m; k++ {
		i, j := (lo+k)%grid, (lo+k)/grid
		dst[2*k], dst[2*k+1] = float32(-1+step*float64(i)), float32(-1+step*float64(j))
	}
	return dst
}

// SgemmPeak measures the machine's single-precision matrix multiplication rate in GFLOP/s: n×n
// products on GOMAXPROCS goroutines (BLAS itself runs single-threaded) for about d. It names the
// BLAS implementation too ("openblas" or "gonum").
func SgemmPeak(n int, d time.Duration) (gflops float64, blas string) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	counts := make([]int, workers)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
			for i := range a {
				a[i], b[i] = float32(i%7)/7, float32(i%5)/5
			}
			for time.Since(start) < d {
				sgemm.Gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
				counts[w]++
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	return float64(total) * 2 * float64(n) * float64(n) * float64(n) / time.Since(start).Seconds() / 1e9, sgemm.BLAS()
}
