package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/app"
	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
)

// command is one headless subcommand of surfscope.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"data", "check a dataset and print what it holds", cmdData},
		{"train", "train a network until it fits its training set", cmdTrain},
		{"sample", "sample a network's logits over a probe into an .npy file", cmdSample},
		{"eval", "evaluate a network on chosen images into an .npy file", cmdEval},
		{"render", "render a probe's surface to a PNG file (no display needed)", cmdRender},
		{"bench", "time the standard workloads beside the PyTorch reference", cmdBench},
		{"analyze", "analyse a probe: smoothness, curvature, symmetry, mixup linearity, degree, regions", cmdAnalyze},
		{"atlas", "distributions of every surface summary over many probes, models side by side", cmdAtlas},
		{"landscape", "loss over a filter-normalised parameter plane, or the line between two models", cmdLandscape},
		{"ntk", "empirical neural tangent kernel: spectrum, power law, eigenlearning predictions against measured errors", cmdNTK},
		{"version", "the version, commit, Go release, BLAS and renderer of this build", cmdVersion},
	}
}

// errUsage marks an error the flag package has already explained.
var errUsage = errors.New("usage")

// runCommand runs subcommand args[0] and returns the process exit status: 0 on success, 1 for an
// error (printed as one line), 2 for a usage error.
func runCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(stderr, "surfscope %s: %v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "surfscope: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: surfscope [--model FILE] [--data NAME]   open the app")
	fmt.Fprintln(w, "       surfscope COMMAND [flags]                run headless; COMMAND -h for its flags")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// newFlags returns a flag set that prints its usage to stderr and reports errors instead of exiting.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("surfscope "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: surfscope %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args and rejects stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "surfscope: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

// loadModel reads a surfscope checkpoint or an ONNX file; "" means the embedded default model.
func loadModel(path string) (*models.Net, error) { return app.LoadModel(path) }

// openSplit loads a split and checks that the net takes its images.
func openSplit(name, split string, net *models.Net) (*dataset.Set, error) {
	set, err := dataset.Open(name, split)
	if err != nil {
		return nil, err
	}
	if net != nil {
		if err := app.FitData(net, [3]int{set.C, set.H, set.W}, set.Name); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// imageGetter returns image i of set, or an error naming the set for an index out of range.
func imageGetter(set *dataset.Set) func(int) ([]float32, error) {
	return func(i int) ([]float32, error) {
		if i < 0 || i >= set.Len() {
			return nil, fmt.Errorf("image %d is out of range: %s has %d images (0 to %d)", i, set.Name, set.Len(), set.Len()-1)
		}
		return set.Image(i), nil
	}
}

// parseIDs parses "0-15,20" into the list of image indices it names (ranges inclusive).
func parseIDs(s string, n int) ([]int, error) {
	var ids []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, fmt.Errorf("--ids %q: %q is not an index or a range like 0-15", s, part)
		}
		if b >= n {
			return nil, fmt.Errorf("--ids %q: index %d is out of range (the split has %d images)", s, b, n)
		}
		if len(ids)+b-a+1 > 1<<20 {
			return nil, fmt.Errorf("--ids %q: more than %d images", s, 1<<20)
		}
		for i := a; i <= b; i++ {
			ids = append(ids, i)
		}
	}
	return ids, nil
}

// progress prints "what: done/total (p%)" to w at most every half second and once at the end.
type progress struct {
	w    io.Writer
	what string
	last time.Time
}

func (p *progress) update(done, total int) {
	if done < total && time.Since(p.last) < 500*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "%s: %d/%d (%d%%)\n", p.what, done, total, 100*done/max(total, 1))
}
