package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/shard"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/view"
)

// A flagRule says which values a flag takes. Every command's flags are checked against the rules
// right after parsing, before any work: numbers against their range (and every float flag must be
// finite, whatever its rule), files to be written for writability (atomicfile.Check), folders to
// be written into are created. A value that breaks its rule is one line naming the flag and the
// value, and exit status 2.
type flagRule struct {
	lo, hi float64 // numeric flags: the range, inclusive
	loOpen bool    // lo itself is excluded
	write  string  // "file": a file the command writes; "folder": a folder it writes files into
}

// atLeast is the rule of a number ≥ lo.
func atLeast(lo float64) flagRule { return flagRule{lo: lo, hi: math.Inf(1)} }

// above is the rule of a number > lo.
func above(lo float64) flagRule { return flagRule{lo: lo, hi: math.Inf(1), loOpen: true} }

// between is the rule of a number in [lo, hi].
func between(lo, hi float64) flagRule { return flagRule{lo: lo, hi: hi} }

var (
	outputFile   = flagRule{write: "file"}
	outputFolder = flagRule{write: "folder"}
	axisPoints   = between(2, projection.MaxAxis)
)

// flagRules are the rules of the flags by name. A name means the same in every command that has
// it; a command whose flag of that name means something else passes its own rule to parse.
var flagRules = map[string]flagRule{
	// probes and pictures (view.Sampling, view.State), atlas, ntk --plane, bench
	"grid": axisPoints, "points": axisPoints, "margin": atLeast(0), "range": atLeast(0),
	"class": atLeast(-1), "contours": atLeast(0), "samples": atLeast(1),
	"width": between(16, 16384), "height": between(16, 16384),
	// train
	"limit": atLeast(0), "epochs": atLeast(1), "batch": atLeast(1), "lr": atLeast(0), "momentum": between(0, 1),
	"wd": atLeast(0), "mixup": atLeast(0), "depth": atLeast(8), "save-every": atLeast(0),
	// landscape, atlas, ntk
	"images": atLeast(0), "hessian-steps": atLeast(0), "hessian-images": atLeast(0),
	"planes": atLeast(0), "lines": atLeast(0), "flips": atLeast(0), "randoms": atLeast(0),
	"n": atLeast(2), "test-n": atLeast(0), "mem": atLeast(1), "trials": atLeast(0), "modes": atLeast(1), "ridge": atLeast(0),
	"top": atLeast(0),
	// what commands write
	"out": outputFile, "npy": outputFile, "vts": outputFile, "json": outputFile, "acc": outputFile,
	"plane-out": outputFile, "out-dir": outputFolder,
}

// flagError is a flag value that breaks its rule; it is reported as one line with exit status 2.
type flagError struct{ msg string }

func (e *flagError) Error() string { return e.msg }

// checkFlags checks every flag of fs against its rule (own, else flagRules): numbers first, then
// the files and folders to be written.
func checkFlags(fs *flag.FlagSet, own map[string]flagRule) error {
	var err error
	rule := func(name string) (flagRule, bool) {
		if r, ok := own[name]; ok {
			return r, true
		}
		r, ok := flagRules[name]
		return r, ok
	}
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil {
			return
		}
		r, ok := rule(f.Name)
		err = checkNumber(f, r, ok)
	})
	fs.VisitAll(func(f *flag.Flag) {
		if r, ok := rule(f.Name); ok && err == nil && r.write != "" && f.Value.String() != "" {
			err = checkWritable(f.Name, f.Value.String(), r.write)
		}
	})
	return err
}

// checkNumber checks a numeric flag: finite, and in range when it has a rule.
func checkNumber(f *flag.Flag, r flagRule, hasRule bool) error {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return nil
	}
	var v float64
	switch x := g.Get().(type) {
	case float64:
		v = x
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &flagError{fmt.Sprintf("--%s %v: want a finite number", f.Name, v)}
		}
	case int:
		v = float64(x)
	case int64:
		v = float64(x)
	default:
		return nil
	}
	if !hasRule || r.write != "" || (v > r.lo || v == r.lo && !r.loOpen) && v <= r.hi {
		return nil
	}
	return &flagError{fmt.Sprintf("--%s %s: want %s", f.Name, f.Value.String(), r.describe())}
}

// describe says what the rule wants: "at least 2", "2 to 4096", "more than 0".
func (r flagRule) describe() string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch {
	case math.IsInf(r.hi, 1) && r.loOpen:
		return "more than " + g(r.lo)
	case math.IsInf(r.hi, 1):
		return "at least " + g(r.lo)
	}
	return g(r.lo) + " to " + g(r.hi)
}

// checkWritable checks, before any work, that what --name names can be written: a file through
// atomicfile.Check, a folder by creating it (with its parents) and checking a file in it.
func checkWritable(name, path, kind string) error {
	if kind == "folder" {
		if err := os.MkdirAll(path, 0o755); err != nil {
			return &flagError{fmt.Sprintf("--%s %s: cannot create the folder: %v", name, path, err)}
		}
		path = filepath.Join(path, ".surfscope-check")
	}
	if err := atomicfile.Check(path); err != nil {
		return &flagError{fmt.Sprintf("--%s %v", name, err)}
	}
	return nil
}

// warnIgnored prints one warning line to w for each flag that was given on the command line but
// has no effect, with the reason: ignored maps flag names to why (the result still means
// something, so these are not errors).
func warnIgnored(fs *flag.FlagSet, w io.Writer, ignored map[string]string) {
	fs.Visit(func(f *flag.Flag) {
		if why, ok := ignored[f.Name]; ok {
			fmt.Fprintf(w, "surfscope %s: warning: --%s is ignored: %s\n", strings.TrimPrefix(fs.Name(), "surfscope "), f.Name, why)
		}
	})
}

// samplingIgnored names the sampling flags (view.Sampling) that the probe kind of s does not use.
func samplingIgnored(s view.Sampling) map[string]string {
	spec, err := s.Spec()
	if err != nil {
		return nil
	}
	uses := map[string][]string{"data": {"grid", "margin"}, "flip": {"grid", "margin"}, "mixup": {"points", "from", "to"},
		"random": {"grid", "range"}, "grad": {"grid", "range"}, "pca": {"grid", "range"}}[spec.Kind]
	out := map[string]string{}
	for _, name := range []string{"grid", "points", "margin", "range", "from", "to"} {
		if !slices.Contains(uses, name) {
			out[name] = "a " + spec.Kind + " probe does not use it"
		}
	}
	return out
}

// parseShardFlag reads --shard: "" is the whole work (the zero Shard), else "i/n"; a bad value is
// a flag error.
func parseShardFlag(s string) (shard.Shard, error) {
	if s == "" {
		return shard.Shard{}, nil
	}
	sh, err := shard.Parse(s)
	if err != nil {
		return shard.Shard{}, &flagError{err.Error()}
	}
	return sh, nil
}
