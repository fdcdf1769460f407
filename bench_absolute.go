package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// The workloads of issue 19 with absolute targets (seconds on this machine, no PyTorch
// counterpart): the atlases of a trained CNN and a trained multiplicative ResNet-8, the app's
// sampling of a ResNet-8 on a 256² plane, and the app's first surface. Their nets are the ones the
// training workloads train: each training workload saves its net in the bench's work folder, and
// these load it from there, or train it themselves when it is not there (a run of one workload).

// absoluteTargets are the workloads' targets in seconds (at most).
var absoluteTargets = map[string]float64{
	"atlas-cnn": 30, "atlas-resnet8mul": 100, "app-resnet8-256": 10, "app-first-surface": 3,
}

// benchNetOf names the training workload whose net an absolute workload uses.
var benchNetOf = map[string]string{
	"atlas-cnn": "cnn-train", "atlas-resnet8mul": "resnet8mul-train", "app-resnet8-256": "resnet8-train",
}

// benchAtlasProbes is the atlas workloads' count of data planes, mixup lines and flip planes each
// (the 100; --atlas-probes lowers it for tests).
var benchAtlasProbes = 100

// firstSurfaceEnv, set to 1, makes the app print the seconds from its start to the first surface
// drawn as a workload line and quit (the app-first-surface workload).
const firstSurfaceEnv = "SURFSCOPE_BENCH_FIRST_SURFACE"

// benchModelPath is where training workload w saves its net in the work folder dir.
func benchModelPath(dir, w string) string { return filepath.Join(dir, w+".safetensors") }

// saveBenchNet writes a training workload's trained net into the work folder (nothing without one).
func saveBenchNet(dir, w string, net *models.Net) error {
	if dir == "" {
		return nil
	}
	rec := commandRecord("bench", []string{"--workloads", w})
	rec.Data, rec.Split = view.DataProvenance(dataset.MNIST), dataset.Train
	rec.SetSeed(0)
	if net.Meta == nil {
		net.Meta = map[string]string{}
	}
	net.Meta[provenance.MetaKey] = rec.JSON()
	return models.Save(benchModelPath(dir, w), net)
}

// trainedBenchNet returns the net training workload w trains: from the work folder when a training
// workload of this run saved it there, else trained now as that workload trains it (and saved).
func trainedBenchNet(ctx context.Context, dir, w string, stderr io.Writer) (*models.Net, error) {
	if dir != "" {
		net, err := models.Load(benchModelPath(dir, w))
		if err == nil {
			fmt.Fprintf(stderr, "%s: the net %s trained in this run\n", w, w)
			return net, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	set, err := benchTrainingSet()
	if err != nil {
		return nil, err
	}
	net, epochs, err := benchTrainNet(w)
	if err != nil {
		return nil, err
	}
	if _, err := benchFit(ctx, w, net, set, epochs, stderr); err != nil {
		return nil, err
	}
	return net, saveBenchNet(dir, w, net)
}

// runAbsoluteWorkload runs an absolute workload in this process; ok is false for other names.
func runAbsoluteWorkload(ctx context.Context, name, dir string, stderr io.Writer) (r benchResult, ok bool, err error) {
	switch name {
	case "atlas-cnn", "atlas-resnet8mul":
		r, err = benchAtlas(ctx, name, dir, stderr)
	case "app-resnet8-256":
		r, err = benchAppSample(ctx, dir, stderr)
	case "app-first-surface":
		r, err = benchFirstSurface(ctx, dir, stderr)
	default:
		return r, false, nil
	}
	return r, true, err
}

// benchAtlas times `surfscope atlas --data mnist --planes N --lines N --flips N --grid 32` of the
// trained net (regions counted, as by default), without the training.
func benchAtlas(ctx context.Context, name, dir string, stderr io.Writer) (benchResult, error) {
	net, err := trainedBenchNet(ctx, dir, benchNetOf[name], stderr)
	if err != nil {
		return benchResult{}, err
	}
	set, err := openSplit(dataset.MNIST, dataset.Test, net)
	if err != nil {
		return benchResult{}, err
	}
	// What parseAtlas gives for these flags.
	n := benchAtlasProbes
	cfg := surface.AtlasConfig{Planes: n, Lines: n, Flips: n, Grid: 32, Points: 101, Seed: 1, Regions: true, Exact: true}
	pr := &progress{w: stderr, what: name}
	start := time.Now()
	if _, err := surface.BuildAtlas(ctx, net, set.Images, set.Labels, &cfg, pr.update); err != nil {
		return benchResult{}, err
	}
	sec := time.Since(start).Seconds()
	fmt.Fprintf(stderr, "%s: atlas of %s (%d data planes, %d mixup lines, %d flip planes, grid 32, regions) in %.2fs\n",
		name, benchNetOf[name], n, n, n, sec)
	probes := strconv.Itoa(n)
	return benchResult{impl: "surfscope", workload: name, unit: "s", metric: sec,
		extra: []string{"planes=" + probes, "lines=" + probes, "flips=" + probes, "grid=32"}}, nil
}

// benchAppSample times what the app's Surface tab does for a new probe (Session.Sample): build
// the data plane through test images 0, 1, 2 at 256² and sample the loaded ResNet-8's logits on it.
func benchAppSample(ctx context.Context, dir string, stderr io.Writer) (benchResult, error) {
	net, err := trainedBenchNet(ctx, dir, "resnet8-train", stderr)
	if err != nil {
		return benchResult{}, err
	}
	test, err := openSplit(dataset.MNIST, dataset.Test, net)
	if err != nil {
		return benchResult{}, err
	}
	ev, err := infer.New(net)
	if err != nil {
		return benchResult{}, err
	}
	smp := view.DefaultSampling()
	smp.Grid = 256
	spec, err := smp.Spec()
	if err != nil {
		return benchResult{}, err
	}
	start := time.Now()
	probe, err := surface.BuildProbe(spec, net.Input, test.Images, test.Labels, ev, smp.Sizes())
	if err != nil {
		return benchResult{}, err
	}
	if _, err := surface.Sample(ctx, ev, probe, nil, func(int, int) {}); err != nil {
		return benchResult{}, err
	}
	sec := time.Since(start).Seconds()
	fmt.Fprintf(stderr, "app-resnet8-256: the app's sampling of the ResNet-8 trained as resnet8-train on %s (%s, 256²) in %.2fs\n",
		spec, "MNIST test", sec)
	return benchResult{impl: "surfscope", workload: "app-resnet8-256", unit: "s", metric: sec, extra: []string{"grid=256x256"}}, nil
}

// benchFirstSurface runs the app (this executable, on the embedded default as `make run` opens it)
// under xvfb-run, or on $DISPLAY without it, and reads the seconds from its start to its first
// surface drawn, which the app prints when firstSurfaceEnv is set. Without a display the line says
// so (display=none, metric 0).
func benchFirstSurface(ctx context.Context, dir string, stderr io.Writer) (benchResult, error) {
	r := benchResult{impl: "surfscope", workload: "app-first-surface", unit: "s"}
	exe, err := os.Executable()
	if err != nil {
		return r, err
	}
	var cmd *exec.Cmd
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if xvfb, err := exec.LookPath("xvfb-run"); err == nil {
		cmd = exec.CommandContext(ctx, xvfb, "-a", "-s", "-screen 0 1600x1000x24", exe)
	} else if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		cmd = exec.CommandContext(ctx, exe)
	} else {
		fmt.Fprintln(stderr, "app-first-surface: no display (no xvfb-run, no $DISPLAY): not measured")
		r.extra = []string{"display=none"}
		return r, nil
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "surfscope-bench-"); err != nil {
			return r, err
		}
		defer os.RemoveAll(dir)
	}
	// The app's preferences (last data set, theme) go to a folder of its own: the default opens.
	cmd.Env = append(os.Environ(), firstSurfaceEnv+"=1", "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	lines, _, err := runLines(cmd, stderr)
	if err != nil {
		return r, fmt.Errorf("the app: %w", err)
	}
	got, ok := lines["app-first-surface"]
	if !ok {
		return r, errors.New("the app printed no first-surface line")
	}
	fmt.Fprintf(stderr, "app-first-surface: the app on the embedded model drew its first surface %.2fs after it started\n", got.metric)
	return got, nil
}

// newAbsoluteRow is the row of a workload with an absolute target: its verdict is the metric
// against the target, without a reference.
func newAbsoluteRow(name string, o benchResult) benchRow {
	max := absoluteTargets[name]
	r := benchRow{name: name, ours: o, target: fmt.Sprintf("≤ %g s", max), absolute: true}
	switch {
	case slicesContains(o.extra, "display=none"):
		r.verdict = "not measured (no display)"
	case o.metric <= 0:
		r.verdict = "not measured"
	case o.metric <= max:
		r.verdict = "met"
	default:
		r.verdict = "NOT met"
	}
	return r
}
