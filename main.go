// Command surfscope shows what a neural network that fits its training set has learned: it samples
// the network's outputs on planes and lines through input space and renders them as 3D surfaces.
//
// With no command it opens the desktop app (the only use of package app). With a command it runs
// headless:
//
//	data       check a dataset and print what it holds
//	train      train a network until it fits its training set
//	sample     sample a network's logits over a probe into an .npy file
//	eval       evaluate a network on chosen images into an .npy file
//	render     render a probe's surface to a PNG file (no display needed)
//	animate    a probe over checkpoints (a series or models) or around one surface: GIF or MP4
//	bench      time the standard workloads beside the PyTorch reference
//	analyze    analyse a probe: smoothness, curvature, symmetry, mixup linearity, degree, regions
//	atlas      distributions of every surface summary over many probes, models side by side
//	landscape  loss over a filter-normalised parameter plane, or the line between two models
//	ntk        empirical neural tangent kernel: spectrum, power law, eigenlearning predictions
//	merge      join the parts of a run with --shard i/n (atlas, landscape, study) into what the unsharded run writes
//	study      the comparison of ResNet shortcut variants across datasets: report.html, results.json
//	version    the version, commit, Go release, BLAS and renderer of this build
//	provenance where a file surfscope wrote came from: version, command, model SHA-256, data, probe, …
//
// `surfscope COMMAND -h` lists a command's flags. Each command lives in cmd_NAME.go as parse →
// config → run → print; cli.go dispatches them and holds what they share.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/surfscope/surfscope/app"
	_ "github.com/surfscope/surfscope/internal/cleanlocale" // before Fyne's initialisers
	"github.com/surfscope/surfscope/internal/console"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return runCommand(args, stdout, stderr)
	}
	fs := flag.NewFlagSet("surfscope", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts app.Options
	fs.StringVar(&opts.Model, "model", "", "checkpoint or .onnx file to open (default: the embedded model)")
	fs.StringVar(&opts.Data, "data", "sample", "dataset: mnist, fashion, cifar10, cifar100, sample, or a folder")
	fs.StringVar(&opts.Probe, "probe", "data:0,1,2", "probe to show first")
	fs.StringVar(&opts.Study, "study", "", "study folder (surfscope study) to show in the Study tab")
	fs.Usage = func() {
		usage(stderr)
		fmt.Fprintln(stderr, "\napp flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		return runCommand(fs.Args(), stdout, stderr)
	}
	if os.Getenv(firstSurfaceEnv) == "1" { // surfscope bench's app-first-surface
		opts.FirstSurface = func(d time.Duration) {
			fmt.Fprintf(stdout, "impl=surfscope workload=app-first-surface metric=%.6g unit=s\n", d.Seconds())
		}
	}
	console.Release() // Windows: close the console window made for the app alone
	if err := app.Run(opts); err != nil {
		fmt.Fprintf(stderr, "surfscope: %v\n", err)
		return 1
	}
	return 0
}
