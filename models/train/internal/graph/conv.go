package graph

import (
	"runtime"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/kernel"
)

// convKernel is a 2D convolution (one group) over a batch: inputs x [B,Cin,H,W], w [Cout,Cin,kh,kw],
// optional b [Cout]. Each sample is lowered with im2col into a [Cin·kh·kw, OH·OW] matrix and
// multiplied by W (Chellapilla et al. 2006, "High performance convolutional neural networks for
// document processing"). Samples are split across cores; each core owns one im2col buffer, so the
// extra memory is O(cores · Cin·kh·kw · OH·OW), independent of the batch size.
type convKernel struct {
	batch, cin, cout int
	g                kernel.Window
	bias, inputGrad  bool
	fixed            bool        // the weights are constants (models.Node.Fixed): no ∂W, ∂b
	identity         bool        // 1×1, stride 1, no padding: the sample is its own im2col matrix
	cols             [][]float32 // per worker
	partial          [][]float32 // per worker ∂W accumulators
	// saved holds every sample's im2col matrix from the forward pass for ∂W, when training, the
	// window is strided (not kernel.Window.RowMajor) and it fits in convSaveBytes; otherwise ∂W
	// lowers each sample again into its worker's buffer.
	saved []float32
}

// convSaveBytes bounds the im2col matrices one training convolution keeps between its forward
// and backward passes. Stride-1 windows are not kept at all: their im2col is a few contiguous
// copies per row, and lowering a sample again into a buffer that stays in the core's cache costs
// less CPU time than writing every sample's matrix out to memory and reading it back (measured
// on ResNet-8 and the CNN of shared/bench/WORKLOADS.md); it also saves their memory (58 MB for a
// 16-channel 28×28 layer at batch 128).
const convSaveBytes = 64 << 20

func newConvKernel(batch int, in, out []int, nd *models.Node, training, inputGrad bool) *convKernel {
	k := &convKernel{batch: batch, cin: in[0], cout: nd.Params["weight"].Shape[0], bias: nd.Params["bias"] != nil,
		inputGrad: inputGrad, fixed: nd.Fixed, g: kernel.ConvWindow(nd, in, out)}
	k.identity = k.g.KH == 1 && k.g.KW == 1 && k.g.SH == 1 && k.g.SW == 1 && k.g.PT == 0 && k.g.PL == 0 &&
		k.g.OH == k.g.H && k.g.OW == k.g.W
	if size := batch * k.kdim() * k.plane(); training && !k.fixed && !k.identity && !k.g.RowMajor() && size*4 <= convSaveBytes {
		k.saved = make([]float32, size)
	}
	workers := runtime.GOMAXPROCS(0)
	k.cols = make([][]float32, workers)
	k.partial = make([][]float32, workers)
	return k
}

func (k *convKernel) kdim() int  { return k.cin * k.g.KH * k.g.KW }
func (k *convKernel) plane() int { return k.g.OH * k.g.OW }

func (k *convKernel) needsGrad(i int) bool { return i > 0 && !k.fixed || i == 0 && k.inputGrad }

// col returns the im2col matrix of sample s of x, lowering it into worker w's buffer unless the
// sample's saved matrix is wanted (fromSaved) and available.
func (k *convKernel) col(w int, x []float32, s int, fromSaved bool) []float32 {
	xs := x[s*k.cin*k.g.H*k.g.W : (s+1)*k.cin*k.g.H*k.g.W]
	if k.identity {
		return xs
	}
	if k.saved != nil {
		size := k.kdim() * k.plane()
		c := k.saved[s*size : (s+1)*size]
		if !fromSaved {
			kernel.Im2col(c, xs, k.cin, k.g)
		}
		return c
	}
	if k.cols[w] == nil {
		k.cols[w] = make([]float32, k.kdim()*k.plane())
	}
	kernel.Im2col(k.cols[w], xs, k.cin, k.g)
	return k.cols[w]
}

// workers returns the number of per-worker buffers, grown to GOMAXPROCS if it grew since the
// kernel was built: parallel.Split uses at most that many workers.
func (k *convKernel) workers() int {
	if n := runtime.GOMAXPROCS(0); len(k.cols) < n {
		k.cols = append(k.cols, make([][]float32, n-len(k.cols))...)
		k.partial = append(k.partial, make([][]float32, n-len(k.partial))...)
	}
	return len(k.cols)
}

// eachSample runs f over the samples, one contiguous range per worker (parallel.Split), passing
// the worker index, which selects the worker's im2col buffer and ∂W partial sum.
func (k *convKernel) eachSample(f func(w, s int)) {
	k.workers()
	parallel.Split(k.batch, 1, func(w, lo, hi int) {
		for s := lo; s < hi; s++ {
			f(w, s)
		}
	})
}

func (k *convKernel) forward(y []float32, in [][]float32) {
	x, wt := in[0], in[1]
	kd, p := k.kdim(), k.plane()
	k.eachSample(func(w, s int) {
		ys := y[s*k.cout*p : (s+1)*k.cout*p]
		kernel.Gemm(false, false, k.cout, p, kd, 1, wt, kd, k.col(w, x, s, false), p, 0, ys, p)
		if k.bias {
			for o, b := range in[2][:k.cout] {
				row := ys[o*p : (o+1)*p]
				for i := range row {
					row[i] += b
				}
			}
		}
	})
}

func (k *convKernel) backward(i int, dx []float32, in [][]float32, _, dy []float32) {
	x, wt := in[0], in[1]
	kd, p := k.kdim(), k.plane()
	switch i {
	case 0: // ∂x_s = col2im(Wᵀ·dy_s)
		hw := k.cin * k.g.H * k.g.W
		k.eachSample(func(w, s int) {
			dxs, dys := dx[s*hw:(s+1)*hw], dy[s*k.cout*p:(s+1)*k.cout*p]
			if k.identity {
				kernel.Gemm(true, false, kd, p, k.cout, 1, wt, kd, dys, p, 0, dxs, p)
				return
			}
			if k.cols[w] == nil {
				k.cols[w] = make([]float32, kd*p)
			}
			kernel.Gemm(true, false, kd, p, k.cout, 1, wt, kd, dys, p, 0, k.cols[w], p)
			clear(dxs)
			kernel.Col2imAdd(dxs, k.cols[w], k.cin, k.g)
		})
	case 1: // ∂W = Σ_s dy_s·col_sᵀ, one partial sum per worker
		used := make([]bool, k.workers())
		k.eachSample(func(w, s int) {
			if !used[w] {
				if k.partial[w] == nil {
					k.partial[w] = make([]float32, k.cout*kd)
				}
				clear(k.partial[w])
				used[w] = true
			}
			kernel.Gemm(false, true, k.cout, kd, p, 1, dy[s*k.cout*p:], p, k.col(w, x, s, true), p, 1, k.partial[w], kd)
		})
		clear(dx)
		for w, ok := range used {
			if ok {
				for j, v := range k.partial[w] {
					dx[j] += v
				}
			}
		}
	case 2: // ∂b = Σ over samples and positions
		clear(dx)
		for s := 0; s < k.batch; s++ {
			for o := 0; o < k.cout; o++ {
				dx[o] += kernel.Sum(dy[(s*k.cout+o)*p : (s*k.cout+o+1)*p])
			}
		}
	}
}

// poolKernel is max or average pooling over a batch of [C,H,W] samples.
type poolKernel struct {
	op        models.Op
	batch, c  int
	g         kernel.Window
	inputGrad bool
}

func newPoolKernel(batch int, in, out []int, nd *models.Node, inputGrad bool) *poolKernel {
	return &poolKernel{op: nd.Op, batch: batch, c: in[0], inputGrad: inputGrad, g: kernel.PoolWindow(nd, in, out)}
}

func (k *poolKernel) needsGrad(int) bool { return k.inputGrad }

func (k *poolKernel) sizes() (int, int) { return k.c * k.g.H * k.g.W, k.c * k.g.OH * k.g.OW }

func (k *poolKernel) forward(y []float32, in [][]float32) {
	x := in[0]
	is, os := k.sizes()
	parallel.Split(k.batch, 1, func(_, lo, hi int) {
		for s := lo; s < hi; s++ {
			if k.op == models.OpMaxPool {
				kernel.MaxPool(y[s*os:(s+1)*os], x[s*is:(s+1)*is], k.c, k.g)
			} else {
				kernel.AvgPool(y[s*os:(s+1)*os], x[s*is:(s+1)*is], k.c, k.g)
			}
		}
	})
}

func (k *poolKernel) backward(_ int, dx []float32, in [][]float32, _, dy []float32) {
	x := in[0]
	is, os := k.sizes()
	parallel.Split(k.batch, 1, func(_, lo, hi int) {
		for s := lo; s < hi; s++ {
			dxs := dx[s*is : (s+1)*is]
			clear(dxs)
			if k.op == models.OpMaxPool {
				kernel.MaxPoolBackward(dxs, x[s*is:(s+1)*is], dy[s*os:(s+1)*os], k.c, k.g)
			} else {
				kernel.AvgPoolBackward(dxs, dy[s*os:(s+1)*os], k.c, k.g)
			}
		}
	})
}
