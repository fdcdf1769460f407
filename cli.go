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
	"syscall"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/idlist"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
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
		{"animate", "animate a probe over checkpoints (a series or models) or around one surface: GIF or MP4", cmdAnimate},
		{"bench", "time the standard workloads beside the PyTorch reference", cmdBench},
		{"analyze", "analyse a probe: smoothness, curvature, symmetry, mixup linearity, degree, regions", cmdAnalyze},
		{"atlas", "distributions of every surface summary over many probes, models side by side", cmdAtlas},
		{"landscape", "loss over a filter-normalised parameter plane, or the line between two models", cmdLandscape},
		{"ntk", "empirical neural tangent kernel: spectrum, power law, eigenlearning predictions against measured errors", cmdNTK},
		{"study", "train (or import) ResNet variants on several datasets, analyse them all, and write report.html and results.json", cmdStudy},
		{"version", "the version, commit, Go release, BLAS and renderer of this build", cmdVersion},
		{"provenance", "where a file surfscope wrote came from: version, command, model SHA-256, data, probe, …", cmdProvenance},
	}
}

// runCommand runs subcommand args[0] with the context of interruptible and returns the process
// exit status (report).
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
		ctx, stop := interruptible(stderr)
		defer stop()
		return report(stderr, c.name, c.run(ctx, args[1:], stdout, stderr))
	}
	fmt.Fprintf(stderr, "surfscope: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// report prints what err says about command name as one line and returns the exit status: 0
// for success, 2 for a flag that is unknown, does not parse or breaks its rule, 3 when train ended
// with a net that does not fit its training set, 130 when Ctrl-C stopped the command, 1 for any
// other error.
func report(stderr io.Writer, name string, err error) int {
	var fe *flagError
	var ie *interruptedError
	var ue *unfitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &fe):
		fmt.Fprintf(stderr, "surfscope %s: %v\n", name, err)
		return 2
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "surfscope %s: %v\n", name, err)
		return 3
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "surfscope %s: %v\n", name, err)
		return 130
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "surfscope %s: interrupted; nothing was written\n", name)
		return 130
	}
	fmt.Fprintf(stderr, "surfscope %s: %v\n", name, err)
	return 1
}

// interruptedError is a command stopped by Ctrl-C that has more to say than "nothing was
// written" (train: what it saved).
type interruptedError struct{ msg string }

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return context.Canceled }

// interruptible returns the context of a command: the first Ctrl-C (SIGINT) or SIGTERM cancels
// it, and the command stops as soon as its work checks the context, writing nothing half-done. A
// second one ends the process at once with status 130, after removing the temporary files being
// written (atomicfile.RemovePending). stop releases the signals.
func interruptible(stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
		case <-done:
			return
		}
		fmt.Fprintln(stderr, "surfscope: interrupted, stopping (Ctrl-C again quits at once)")
		cancel()
		select {
		case <-sig:
			atomicfile.RemovePending()
			fmt.Fprintln(stderr, "surfscope: interrupted twice, quit")
			os.Exit(130)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel()
	}
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

// parse parses args, rejects stray positional arguments and checks every flag against its rule
// (checkFlags): own holds the rules of the command's flags whose names mean something else than
// in flagRules. A flag that is not defined or a value that does not parse is one line (-h lists
// the flags).
func parse(fs *flag.FlagSet, args []string, own ...map[string]flagRule) error {
	rest, err := parseWithArgs(fs, args, own...)
	if err == nil && len(rest) > 0 {
		return &flagError{fmt.Sprintf("unexpected argument %q (%s -h lists the flags)", rest[0], fs.Name())}
	}
	return err
}

// parseWithArgs is parse for a command that takes arguments after its flags: it returns them.
func parseWithArgs(fs *flag.FlagSet, args []string, own ...map[string]flagRule) ([]string, error) {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = usage
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return nil, err
	case err != nil: // the flag package names flags with one dash; the commands' help uses two
		msg := strings.NewReplacer("flag -", "flag --", "defined: -", "defined: --").Replace(err.Error())
		return nil, &flagError{fmt.Sprintf("%s (%s -h lists the flags)", msg, fs.Name())}
	}
	var rules map[string]flagRule
	if len(own) > 0 {
		rules = own[0]
	}
	return fs.Args(), checkFlags(fs, rules)
}

// openModel loads a model file (modelfile.Load) and a split of data, and fits the model to the
// split's images.
func openModel(model, data, split string) (*models.Net, *dataset.Set, error) {
	net, err := modelfile.Load(model)
	if err != nil {
		return nil, nil, err
	}
	set, err := openSplit(data, split, net)
	if err != nil {
		return nil, nil, err
	}
	return net, set, nil
}

// openSplit loads a split and checks that the net takes its images.
func openSplit(name, split string, net *models.Net) (*dataset.Set, error) {
	set, err := dataset.Open(name, split)
	if err != nil {
		return nil, err
	}
	if net != nil {
		if err := modelfile.Fit(net, [3]int{set.C, set.H, set.W}, set.Name); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// parseIDs parses the --ids list s (idlist.Parse) for a split of n images.
func parseIDs(s string, n int) ([]int, error) {
	ids, err := idlist.Parse(s, n)
	if err != nil {
		return nil, fmt.Errorf("--ids %q: %v", s, err)
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

// stagedProgress is a progress printer for work in named stages: it prints a stage's first
// update at once and then at most every half second.
func stagedProgress(stderr io.Writer) func(stage string, done, total int) {
	p := &progress{w: stderr}
	return func(stage string, done, total int) {
		if stage != p.what {
			p.what, p.last = stage, time.Time{}
		}
		p.update(done, total)
	}
}

// parseInts parses a comma-separated list of positive integers ("256,256"); empty items are skipped.
func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// writeJSON writes v, a JSON object, as indented JSON with rec as its first key "provenance",
// through a temporary file.
func writeJSON(path string, rec provenance.Record, v any) error {
	b, err := provenance.MarshalJSON(rec, v)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// commandRecord is the provenance of what `surfscope name args…` writes, started now.
func commandRecord(name string, args []string) provenance.Record {
	return provenance.New(provenance.CommandLine(append([]string{"surfscope", name}, args...)...))
}

// identifyModels adds the files and SHA-256 sums of models to rec (modelfile.Identify).
func identifyModels(rec *provenance.Record, models ...string) error {
	for _, m := range models {
		id, err := modelfile.Identify(m)
		if err != nil {
			return err
		}
		rec.Models = append(rec.Models, id)
	}
	return nil
}
