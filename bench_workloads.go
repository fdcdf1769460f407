package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/train"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/surface/ntk"
)

// The standard workloads of shared/bench/WORKLOADS.md as surfscope runs them: each does the work
// the PyTorch reference's workload of the same name does (referenceName pairs the plane shortcuts
// with the reference's whole-net figure).

// benchWorkloadNames lists every workload in the order `surfscope bench` runs them by default.
var benchWorkloadNames = []string{"mlp-plane", "mlp-plane-shortcut", "cnn-plane", "cnn-plane-shortcut",
	"mlp-train", "cnn-train", "resnet8-train", "resnet8mul-train", "landscape", "ntk",
	"atlas-cnn", "atlas-resnet8mul", "app-resnet8-256", "app-first-surface"}

// benchTarget is an issue's speed target for a workload, as the ratio surfscope/PyTorch of the
// metric: at least min for rates (points/s), at most max for times.
type benchTarget struct {
	min, max float64
	maxRSSMB float64 // peak resident memory, 0 for none
}

var benchTargets = map[string]benchTarget{
	"mlp-plane": {min: 2}, "mlp-plane-shortcut": {min: 10}, "cnn-plane": {min: 6},
	"mlp-train": {max: 0.25}, "cnn-train": {max: 0.5, maxRSSMB: 1024},
	"resnet8-train": {max: 0.5}, "resnet8mul-train": {max: 0.5},
	"landscape": {max: 0.1}, "ntk": {max: 0.25},
}

// referenceName is the reference's workload that a surfscope workload is set against.
func referenceName(w string) string {
	switch w {
	case "mlp-plane-shortcut":
		return "mlp-plane"
	case "cnn-plane-shortcut":
		return "cnn-plane"
	}
	return w
}

// runBenchWorkload runs the workload name in this process and returns its line (without peak RSS).
// dir is the run's work folder, where training workloads leave their nets for the absolute
// workloads ("" for none).
func runBenchWorkload(ctx context.Context, name string, grid int, dir string, stderr io.Writer) (benchResult, error) {
	r := benchResult{impl: "surfscope", workload: name}
	if r, ok, err := runAbsoluteWorkload(ctx, name, dir, stderr); ok {
		return r, err
	}
	switch name {
	case "mlp-plane", "cnn-plane", "mlp-plane-shortcut", "cnn-plane-shortcut":
		return benchPlane(ctx, name, grid, stderr)
	case "mlp-train", "cnn-train", "resnet8-train", "resnet8mul-train":
		return benchTrain(ctx, name, dir, stderr)
	case "landscape":
		return benchLandscape(ctx, stderr)
	case "ntk":
		return benchNTK(ctx, stderr)
	}
	return r, fmt.Errorf("unknown workload %q (want one of %v)", name, benchWorkloadNames)
}

func benchPlane(ctx context.Context, name string, grid int, stderr io.Writer) (benchResult, error) {
	base := referenceName(name)
	shortcut := base != name
	b, err := infer.BenchPlaneDetail(ctx, base, grid, shortcut)
	if err != nil {
		return benchResult{}, err
	}
	how := "every point formed, whole net"
	if shortcut {
		how = "exact plane shortcut"
	}
	fmt.Fprintf(stderr, "%s: %d points in %.2fs (%s), %.1f GFLOP/s of the whole net (%.1f executed)\n",
		name, b.Points, b.Seconds, how, b.NetGFLOPs, b.ExecGFLOPs)
	return benchResult{impl: "surfscope", workload: name, unit: "points/s", metric: b.PointsPerSec}, nil
}

// benchTrainingSet returns the workloads' training data: the first 10,000 MNIST training images.
func benchTrainingSet() (*dataset.Set, error) {
	full, err := dataset.Open(dataset.MNIST, dataset.Train)
	if err != nil {
		return nil, err
	}
	return full.Head(10000), nil
}

// benchTrainNet returns a training workload's net (seed 0) and the reference's epoch cap.
func benchTrainNet(name string) (*models.Net, int, error) {
	in := [3]int{1, 28, 28}
	switch name {
	case "mlp-train", "landscape", "ntk":
		n, err := models.NewMLP(models.MLPConfig{Input: in, Classes: 10, Hidden: []int{256, 256}}, 0)
		return n, 30, err
	case "cnn-train":
		n, err := models.NewCNN(models.CNNConfig{Input: in, Classes: 10, Channels: []int{16, 32}}, 0)
		return n, 3, err
	case "resnet8-train":
		n, err := models.NewResNet(models.ResNetConfig{Input: in, Classes: 10, Shortcut: models.ShortcutAdd}, 0)
		return n, 2, err
	case "resnet8mul-train":
		n, err := models.NewResNet(models.ResNetConfig{Input: in, Classes: 10, Shortcut: models.ShortcutMul}, 0)
		return n, 2, err
	}
	return nil, 0, fmt.Errorf("no training net for workload %q", name)
}

// benchFit trains net as the reference does (batch 128, the last partial batch dropped, Adam
// 1e-3, until 100% training accuracy or epochs) and returns the history.
func benchFit(ctx context.Context, name string, net *models.Net, set *dataset.Set, epochs int, stderr io.Writer) ([]train.EpochStats, error) {
	return train.Run(ctx, net, set, nil, train.Config{UntilFit: true, MaxEpochs: epochs, DropLast: true}, func(p train.Progress) {
		if p.Done != nil {
			fmt.Fprintf(stderr, "%s: epoch %d: %.2fs, train accuracy %.4f\n", name, p.Epoch, p.Done.Seconds, p.Done.TrainAcc)
		}
	})
}

func benchTrain(ctx context.Context, name, dir string, stderr io.Writer) (benchResult, error) {
	set, err := benchTrainingSet()
	if err != nil {
		return benchResult{}, err
	}
	net, epochs, err := benchTrainNet(name)
	if err != nil {
		return benchResult{}, err
	}
	hist, err := benchFit(ctx, name, net, set, epochs, stderr)
	if err != nil {
		return benchResult{}, err
	}
	if err := saveBenchNet(dir, name, net); err != nil {
		return benchResult{}, err
	}
	times := make([]float64, len(hist))
	for i, h := range hist {
		times[i] = h.Seconds
	}
	reached := "None"
	if hist[len(hist)-1].TrainAcc == 1 {
		reached = fmt.Sprint(len(hist))
	}
	return benchResult{impl: "surfscope", workload: name, unit: "s/epoch", metric: medianOf(times),
		extra: []string{"epochs_to_100=" + reached}}, nil
}

// medianOf returns the median of v as the reference computes it (numpy: the mean of the middle two
// of an even count).
func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func benchLandscape(ctx context.Context, stderr io.Writer) (benchResult, error) {
	set, err := benchTrainingSet()
	if err != nil {
		return benchResult{}, err
	}
	net, _, err := benchTrainNet("landscape")
	if err != nil {
		return benchResult{}, err
	}
	if _, err := benchFit(ctx, "landscape", net, set, 2, stderr); err != nil {
		return benchResult{}, err
	}
	head := set.Head(2000)
	sec, err := surface.BenchLandscape(ctx, net, head.Images, head.Labels, 51)
	if err != nil {
		return benchResult{}, err
	}
	fmt.Fprintf(stderr, "landscape: 51x51 filter-normalised parameter plane of the MLP trained 2 epochs, loss on 2,000 images in %.2fs\n", sec)
	return benchResult{impl: "surfscope", workload: "landscape", unit: "s", metric: sec, extra: []string{"grid=51x51", "samples=2000"}}, nil
}

func benchNTK(ctx context.Context, stderr io.Writer) (benchResult, error) {
	set, err := benchTrainingSet()
	if err != nil {
		return benchResult{}, err
	}
	net, _, err := benchTrainNet("ntk")
	if err != nil {
		return benchResult{}, err
	}
	head := set.Head(2000)
	start := time.Now()
	k, st, err := ntk.Kernel(ctx, net, head.Images, head.N, ntk.KernelOptions{}, nil)
	if err != nil {
		return benchResult{}, err
	}
	eig := time.Now()
	if _, err := ntk.Decompose(k, false); err != nil {
		return benchResult{}, err
	}
	sec := time.Since(start).Seconds()
	fmt.Fprintf(stderr, "ntk: 2,000×2,000 mean per-logit kernel of the MLP at initialisation: gradients %.2fs, products %.2fs, eigenvalues %.2fs\n",
		st.JacobianSeconds, st.DotSeconds, time.Since(eig).Seconds())
	return benchResult{impl: "surfscope", workload: "ntk", unit: "s", metric: sec, extra: []string{"samples=2000"}}, nil
}
