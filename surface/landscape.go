package surface

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/surfscope/surfscope/internal/parallel"
	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// Loss landscapes (Li et al., "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018): the
// mean cross-entropy and the accuracy of a net over labelled images at θ + α·d1 + β·d2 on a grid
// of (α, β), or along a line θ + α·d1 — with d1 = θ_b − θ_a, the line between two trained models
// (Goodfellow et al., "Qualitatively characterizing neural network optimization problems", ICLR
// 2015).
//
// The first parametric layer is linear in its weights: for a dense or convolution node L fed by
// parameter-free nodes, L(u; W + αD1 + βD2, b + αe1 + βe2) = L(u; W, b) + α L(u; D1, e1) +
// β L(u; D2, e2). LossLandscape therefore evaluates that layer three times on all images up front
// and per grid point only combines the three results and runs the rest of the net — for the
// 784-256-256-10 MLP about a quarter of the work of a full forward pass. The shortcut is exact up
// to float32 rounding; it is checked at the centre against the plain evaluation and skipped when
// the net does not allow it (a direction on an earlier node, a later node reading past the first
// layer, or intermediate values over 192 MiB).

// LandscapeOptions tunes LossLandscape; nil means the defaults.
type LandscapeOptions struct {
	// Plain evaluates the whole net at every grid point (no first-layer shortcut).
	Plain bool
	// BatchNormImages, when not empty, are images ([N,C,H,W], training images by convention) on
	// which every batch norm's running statistics are recomputed at each grid point
	// (RecomputeBatchNorm) before the loss is measured, instead of being moved along the
	// directions with the other parameters. Model lines need this: the statistics interpolated
	// between two nets do not describe the interpolated net's activations, which exaggerates the
	// barrier between them. It implies Plain.
	BatchNormImages []float32
}

// Landscape channels of the grid LossLandscape returns.
const (
	LandscapeLoss     = 0 // mean cross-entropy
	LandscapeAccuracy = 1 // share of images classified as labelled
)

// LossLandscape evaluates net at θ + Σ_d c_d·dirs[d] for c_1 in alphas and c_2 in betas (one or two
// directions; a line when betas is nil and dirs has one entry) on the labelled images ([N,C,H,W],
// N·InputSize values, len(labels) = N). It returns a Grid with NX = len(alphas), NY = len(betas)
// (1 for a line) and K = 2: LandscapeLoss and LandscapeAccuracy. progress, when not nil, gets the
// grid points done. It stops with ctx's error when ctx is cancelled.
func LossLandscape(ctx context.Context, net *models.Net, dirs []ParamVector, alphas, betas []float64, images []float32, labels []int,
	opt *LandscapeOptions, progress func(done, total int)) (*Grid, error) {
	var o LandscapeOptions
	if opt != nil {
		o = *opt
	}
	if err := checkLandscape(net, dirs, alphas, betas, images, labels); err != nil {
		return nil, err
	}
	theta := ParamsOf(net)
	var ev landscapeEval
	if len(o.BatchNormImages) > 0 {
		ev = &recomputeEval{plainEval: plainEval{net: net, theta: theta, dirs: dirs, images: images}, ctx: ctx, bnImages: o.BatchNormImages}
	} else if !o.Plain {
		if f, err := newFirstLayerEval(net, theta, dirs, images); err == nil && f != nil {
			ev = f
		}
	}
	if ev == nil {
		ev = &plainEval{net: net, theta: theta, dirs: dirs, images: images}
	}
	nx, ny := len(alphas), max(len(betas), 1)
	g := &Grid{NX: nx, NY: ny, K: 2, S: slices.Clone(alphas), Values: make([]float32, nx*ny*2)}
	if betas != nil {
		g.T = slices.Clone(betas)
	}
	// Model lines recompute batch-norm statistics on a net of their own per point: one at a time.
	workers := runtime.GOMAXPROCS(0)
	if len(o.BatchNormImages) > 0 {
		workers = 1
	}
	if err := landscapePoints(ctx, ev, g, len(dirs), labels, net.Classes, workers, progress); err != nil {
		return nil, err
	}
	return g, nil
}

// landscapePoints fills g (its axes set) with the loss and accuracy of ev at every grid point,
// up to workers points at once: each point's numbers are computed alone, whatever runs beside it.
// progress gets the points done so far, from one goroutine at a time.
func landscapePoints(ctx context.Context, ev landscapeEval, g *Grid, ndirs int, labels []int, classes, workers int,
	progress func(done, total int)) error {
	total := g.NX * g.NY
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		done     int
		firstErr error
	)
	logits := make([][]float32, workers)
	err := parallel.Chunks(ctx, total, 1, workers, func(w, k, _ int) {
		c := make([]float64, ndirs)
		c[0] = g.S[k%g.NX]
		if ndirs > 1 {
			c[1] = g.T[k/g.NX]
		}
		var err error
		if logits[w], err = ev.logits(logits[w], c); err != nil {
			mu.Lock()
			firstErr = cmp.Or(firstErr, err)
			mu.Unlock()
			cancel()
			return
		}
		loss, acc := meanLoss(logits[w], labels, classes)
		g.Values[k*2], g.Values[k*2+1] = float32(loss), float32(acc)
		if progress != nil {
			mu.Lock()
			done++
			progress(done, total)
			mu.Unlock()
		}
	})
	return cmp.Or(firstErr, err)
}

// ModelLine evaluates the loss and accuracy along θ_a + λ(θ_b − θ_a) for λ in lambdas (λ = 0 is
// model a, λ = 1 model b). The two nets must share one architecture.
func ModelLine(ctx context.Context, a, b *models.Net, lambdas []float64, images []float32, labels []int,
	opt *LandscapeOptions, progress func(done, total int)) (*Grid, error) {
	if len(a.Nodes) != len(b.Nodes) || a.Input != b.Input || a.Classes != b.Classes {
		return nil, fmt.Errorf("surface: model line: the two nets have different architectures")
	}
	for i := range a.Nodes {
		if a.Nodes[i].Op != b.Nodes[i].Op || !slices.Equal(a.Nodes[i].Inputs, b.Nodes[i].Inputs) {
			return nil, fmt.Errorf("surface: model line: node %d differs (%s against %s)", i, a.Nodes[i].Op, b.Nodes[i].Op)
		}
	}
	d, err := Sub(ParamsOf(b), ParamsOf(a))
	if err != nil {
		return nil, fmt.Errorf("surface: model line: %v", err)
	}
	return LossLandscape(ctx, a, []ParamVector{d}, lambdas, nil, images, labels, opt, progress)
}

func checkLandscape(net *models.Net, dirs []ParamVector, alphas, betas []float64, images []float32, labels []int) error {
	if err := net.Validate(); err != nil {
		return err
	}
	switch {
	case len(dirs) == 1 && betas == nil, len(dirs) == 2 && betas != nil:
	default:
		return fmt.Errorf("surface: landscape: %d directions with %d β values; want one direction for a line, two for a plane", len(dirs), len(betas))
	}
	if len(alphas) == 0 || len(alphas)*max(len(betas), 1) > MaxPoints {
		return fmt.Errorf("surface: landscape: %d×%d grid points", len(alphas), len(betas))
	}
	theta := ParamsOf(net)
	for d := range dirs {
		if err := sameLayout(theta, dirs[d]); err != nil {
			return fmt.Errorf("surface: landscape: direction %d does not fit the net: %v", d+1, err)
		}
	}
	size := net.InputSize()
	if len(labels) == 0 || len(images) != len(labels)*size {
		return fmt.Errorf("surface: landscape: %d values and %d labels do not make images of %d values", len(images), len(labels), size)
	}
	for i, l := range labels {
		if l < 0 || l >= net.Classes {
			return fmt.Errorf("surface: landscape: label %d of image %d is not in [0,%d)", l, i, net.Classes)
		}
	}
	return nil
}

// meanLoss returns the mean cross-entropy and the accuracy of logits [N][k] against labels.
func meanLoss(logits []float32, labels []int, k int) (loss, acc float64) {
	correct := 0
	for s, l := range labels {
		z := logits[s*k : (s+1)*k]
		loss += softmax.LogSumExp(z) - float64(z[l])
		if Argmax(z) == l {
			correct++
		}
	}
	n := float64(len(labels))
	return loss / n, float64(correct) / n
}

// landscapeEval computes the logits of all images at θ + Σ c_d dirs[d].
type landscapeEval interface {
	logits(dst []float32, c []float64) ([]float32, error)
}

// plainEval rebuilds the whole net at every point.
type plainEval struct {
	net    *models.Net
	theta  ParamVector
	dirs   []ParamVector
	images []float32
}

func (p *plainEval) logits(dst []float32, c []float64) ([]float32, error) {
	ev, err := infer.New(withParams(p.net, p.theta, p.dirs, c))
	if err != nil {
		return nil, err
	}
	return ev.Forward(dst, p.images, len(p.images)/p.net.InputSize()), nil
}

// recomputeEval rebuilds the whole net at every point and recomputes its batch-norm statistics on
// bnImages before evaluating it.
type recomputeEval struct {
	plainEval
	ctx      context.Context
	bnImages []float32
}

func (r *recomputeEval) logits(dst []float32, c []float64) ([]float32, error) {
	net := withParams(r.net, r.theta, r.dirs, c) // shares unmoved tensors with r.net: replaced, not written
	if err := RecomputeBatchNorm(r.ctx, net, r.bnImages); err != nil {
		return nil, err
	}
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	return ev.Forward(dst, r.images, len(r.images)/r.net.InputSize()), nil
}

// firstLayerEval combines the first parametric layer's outputs and runs the rest of the net.
type firstLayerEval struct {
	tail      *models.Net
	tailTheta ParamVector
	tailDirs  []ParamVector
	z         [][]float32 // z[0] = L(u; θ), z[1+d] = L(u; dirs[d]), [N][m] each
	n         int
	bufs      sync.Pool // of *[]float32, the combined first-layer outputs of one point
}

// maxFrontFloats bounds the three first-layer outputs the shortcut keeps (192 MiB).
const maxFrontFloats = 48 << 20

// newFirstLayerEval prepares the shortcut, or returns nil when the net does not allow it.
func newFirstLayerEval(net *models.Net, theta ParamVector, dirs []ParamVector, images []float32) (*firstLayerEval, error) {
	shapes, err := net.Shapes()
	if err != nil {
		return nil, err
	}
	cut := shortcutCut(net, theta, dirs)
	if cut < 0 {
		return nil, nil
	}
	m := 1
	for _, s := range shapes[cut] {
		m *= s
	}
	N := len(images) / net.InputSize()
	if (1+len(dirs))*N*m > maxFrontFloats {
		return nil, nil
	}
	f := &firstLayerEval{n: N}
	for d := -1; d < len(dirs); d++ { // θ's head first, then each direction's
		params := func(t int) []float32 { return theta.Data[t] }
		if d >= 0 {
			params = func(t int) []float32 { return dirs[d].Data[t] }
		}
		z, err := headOutputs(net, theta, cut, m, images, params)
		if err != nil {
			return nil, nil
		}
		f.z = append(f.z, z)
	}
	if f.tail = tailNet(net, shapes[cut], cut); f.tail == nil {
		return nil, nil
	}
	f.tailTheta = tailParams(theta, cut)
	for d := range dirs {
		f.tailDirs = append(f.tailDirs, tailParams(dirs[d], cut))
	}
	ok, err := tailMatchesNet(net, f.tail, images, f.z[0], m)
	if err != nil || !ok {
		return nil, err
	}
	return f, nil
}

// shortcutCut is the node where the first-layer shortcut cuts the net: the first node any
// direction moves, when it is a dense or convolution layer that no later node skips; else −1.
func shortcutCut(net *models.Net, theta ParamVector, dirs []ParamVector) int {
	cut := -1
	for t, key := range theta.Keys {
		for d := range dirs {
			if anyNonZero(dirs[d].Data[t]) && (cut < 0 || key.Node < cut) {
				cut = key.Node
			}
		}
	}
	if cut < 0 {
		return -1
	}
	if op := net.Nodes[cut].Op; op != models.OpDense && op != models.OpConv {
		return -1
	}
	for k := cut + 1; k < len(net.Nodes); k++ {
		for _, in := range net.Nodes[k].Inputs {
			if in < cut {
				return -1
			}
		}
	}
	return cut
}

// headOutputs runs the net up to node cut (m outputs a sample) on the images, with the cut's
// parameters given by params (index into theta.Keys; a nil or all-zero bias is left out).
func headOutputs(net *models.Net, theta ParamVector, cut, m int, images []float32, params func(t int) []float32) ([]float32, error) {
	nd := net.Nodes[cut]
	h := &models.Net{Input: net.Input, Classes: m, Nodes: slices.Clone(net.Nodes[:cut+1])}
	h.Nodes[cut].Params = map[string]*models.Tensor{}
	for t, key := range theta.Keys {
		if key.Node == cut {
			if v := params(t); v != nil && (key.Name == "weight" || anyNonZero(v)) {
				h.Nodes[cut].Params[key.Name] = &models.Tensor{Shape: nd.Params[key.Name].Shape, Data: v}
			}
		}
	}
	ev, err := infer.New(h)
	if err != nil {
		return nil, err
	}
	return ev.Forward(nil, images, len(images)/net.InputSize()), nil
}

// tailNet is the net after node cut, whose output (of shape in) becomes its input ([m,1,1] for a
// vector); nil when it cannot be built.
func tailNet(net *models.Net, in []int, cut int) *models.Net {
	var input [3]int
	switch len(in) {
	case 1:
		input = [3]int{in[0], 1, 1}
	case 3:
		input = [3]int{in[0], in[1], in[2]}
	default:
		return nil
	}
	tail := &models.Net{Input: input, Classes: net.Classes, Nodes: []models.Node{{Name: "input", Op: models.OpInput}}}
	for k := cut + 1; k < len(net.Nodes); k++ {
		c := net.Nodes[k]
		c.Inputs = make([]int, len(net.Nodes[k].Inputs))
		for i, x := range net.Nodes[k].Inputs {
			c.Inputs[i] = x - cut
		}
		tail.Nodes = append(tail.Nodes, c)
	}
	if tail.Validate() != nil {
		return nil
	}
	return tail
}

// tailParams keeps v's parameters of the nodes after cut, renumbered as in tailNet.
func tailParams(v ParamVector, cut int) ParamVector {
	var out ParamVector
	for t, key := range v.Keys {
		if key.Node > cut {
			out.Keys = append(out.Keys, ParamKey{key.Node - cut, key.Name})
			out.Data = append(out.Data, v.Data[t])
		}
	}
	return out
}

// tailMatchesNet checks the tail on the head's outputs z0 (m a sample) against the whole net on
// the first few images.
func tailMatchesNet(net, tail *models.Net, images, z0 []float32, m int) (bool, error) {
	few := min(len(images)/net.InputSize(), 16)
	full, err := infer.New(net)
	if err != nil {
		return false, err
	}
	want := full.Forward(nil, images[:few*net.InputSize()], few)
	tev, err := infer.New(tail)
	if err != nil {
		return false, nil
	}
	got := tev.Forward(nil, z0[:few*m], few)
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-3*(1+math.Abs(float64(want[i]))) {
			return false, nil
		}
	}
	return true, nil
}

func (f *firstLayerEval) logits(dst []float32, c []float64) ([]float32, error) {
	z := f.z
	buf, _ := f.bufs.Get().(*[]float32)
	if buf == nil {
		buf = new([]float32)
		*buf = make([]float32, len(z[0]))
	}
	defer f.bufs.Put(buf)
	u := *buf
	copy(u, z[0])
	for d := range c {
		if a := float32(c[d]); a != 0 {
			for i, v := range z[1+d] {
				u[i] += a * v
			}
		}
	}
	ev, err := infer.New(withParams(f.tail, f.tailTheta, f.tailDirs, c))
	if err != nil {
		return nil, err
	}
	return ev.Forward(dst, u, f.n), nil
}
