package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/study"
)

// studyConfig is what `surfscope study` is asked to do.
type studyConfig struct {
	cfg  study.Config
	out  string
	opts study.Options
}

func cmdStudy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseStudy(args, stderr)
	if err != nil {
		return err
	}
	c.opts.Command = provenance.CommandLine(append([]string{"surfscope", "study"}, args...)...)
	c.opts.Progress = stderr
	if err := study.Run(ctx, c.cfg, c.out, c.opts); err != nil {
		return err
	}
	if c.opts.Shard.Count > 1 || len(c.opts.Stages) > 0 && !contains(c.opts.Stages, study.StageReport) {
		part := "stages " + strings.Join(c.opts.Stages, ",")
		if c.opts.Shard.Count > 1 {
			part = "shard " + c.opts.Shard.String()
		}
		fmt.Fprintf(stdout, "done: %s (%s); the report comes with `surfscope study … --stages report` once every part is done\n", c.out, part)
		return nil
	}
	res, err := study.ReadResults(c.out)
	if err != nil {
		return err
	}
	study.PrintHeadline(stdout, res)
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(c.out, study.ReportFile), filepath.Join(c.out, study.ResultsFile))
	return nil
}

// parseStudy reads the flags of `surfscope study`: a preset (full, or --quick), then every flag
// given on the command line over it.
func parseStudy(args []string, stderr io.Writer) (*studyConfig, error) {
	fs := newFlags("study", "--data mnist,fashion[,cifar10,cifar100] [--arch resnet --depth 8] [--shortcuts add,mul,bnmul,bnmul1,gate] [--se] [--models DIR] [--limit N] [--quick] [--shard i/n] --out DIR", stderr)
	c, f := &studyConfig{}, study.Full()
	var v studyFlagValues
	rules := registerStudyFlags(fs, c, &f, &v)
	if err := parse(fs, args, rules); err != nil {
		return nil, err
	}
	if c.out == "" {
		return nil, &flagError{"--out is required (the study folder)"}
	}
	if v.data == "" {
		return nil, &flagError{"--data is required (e.g. --data mnist,fashion)"}
	}
	if v.arch != "resnet" {
		return nil, &flagError{fmt.Sprintf("--arch %q: a study compares the shortcut kinds of a resnet; want resnet", v.arch)}
	}
	if v.quick {
		c.cfg = study.Quick()
		overrideSet(fs, &c.cfg) // the flags given on the command line win over the preset
	} else {
		c.cfg = f
	}
	c.cfg.Data = splitList(v.data)
	if v.shortcuts != "" {
		c.cfg.Shortcuts = splitList(v.shortcuts)
	}
	var err error
	if c.opts.Shard, err = parseShardFlag(v.shard); err != nil {
		return nil, err
	}
	c.opts.Stages = splitList(v.stages)
	for _, st := range c.opts.Stages {
		if !contains(study.Stages, st) {
			return nil, &flagError{fmt.Sprintf("--stages: unknown stage %q (want %s)", st, strings.Join(study.Stages, ", "))}
		}
	}
	if err := c.cfg.Validate(); err != nil {
		return nil, &flagError{strings.TrimPrefix(err.Error(), "study: ")}
	}
	if err := checkWritable("out", c.out, "folder"); err != nil { // created only once every flag is good
		return nil, err
	}
	return c, nil
}

// studyFlagValues are the study flags that are read into the configuration after parsing.
type studyFlagValues struct {
	data, arch, shortcuts, shard, stages string
	quick                                bool
}

// registerStudyFlags defines the flags of `surfscope study` on fs, bound to c, f (the full preset,
// which --quick replaces) and v, and returns the rules of the flags whose meaning differs from the
// other commands'.
func registerStudyFlags(fs *flag.FlagSet, c *studyConfig, f *study.Config, v *studyFlagValues) map[string]flagRule {
	s := &f.Settings
	fs.StringVar(&v.data, "data", "", "datasets, comma-separated: mnist, fashion, cifar10, cifar100, sample, or folders")
	fs.StringVar(&v.arch, "arch", "resnet", "architecture family: resnet (its shortcut kinds are the variants)")
	fs.IntVar(&f.Depth, "depth", f.Depth, "resnet depth 6n+2 (8, 14, 20, …)")
	fs.IntVar(&f.Width, "width", f.Width, "resnet channel multiplier")
	fs.StringVar(&v.shortcuts, "shortcuts", "", "variants: shortcut kinds, comma-separated, of "+shortcutKinds()+" (default: add, mul, bnmul, bnmul1, gate; --quick: add,mul)")
	fs.BoolVar(&f.SE, "se", false, "squeeze-excitation gates in every variant")
	fs.StringVar(&f.Models, "models", "", "import models trained elsewhere instead of training: DIR/DATA/VARIANT.safetensors or .onnx (or DIR/DATA-VARIANT.*)")
	fs.IntVar(&f.Limit, "limit", 0, "train on the first N training images (0 = all; --quick: 1000)")
	fs.Int64Var(&f.Seed, "seed", f.Seed, "seed of the weights and the batch order (the same for every variant)")
	fs.IntVar(&f.Train.MaxEpochs, "epochs", f.Train.MaxEpochs, "epoch cap of the training (it stops earlier at 100% training accuracy)")
	fs.BoolVar(&v.quick, "quick", false, "a demonstration preset: small analyses, 1000 training images, add and mul (minutes on the embedded sample)")
	fs.IntVar(&s.Planes, "planes", s.Planes, "atlas: data planes (default: the preset's)")
	fs.IntVar(&s.Lines, "lines", s.Lines, "atlas: mixup lines")
	fs.IntVar(&s.Flips, "flips", s.Flips, "atlas: flip planes")
	fs.IntVar(&s.Randoms, "randoms", s.Randoms, "atlas: random planes")
	fs.IntVar(&s.Grid, "grid", s.Grid, "atlas: points per axis of a plane")
	fs.IntVar(&s.NTK, "ntk", s.NTK, "NTK: kernel samples (the first N test images; 0 = no NTK)")
	fs.IntVar(&s.HessianImages, "hessian-images", s.HessianImages, "Hessian: training images (0 = no Hessian)")
	fs.IntVar(&s.LandscapeGrid, "landscape-grid", s.LandscapeGrid, "loss landscape: points per axis (0 = no landscape)")
	fs.StringVar(&v.shard, "shard", "", "run share i/n of the work (0 ≤ i < n; Slurm: $SLURM_ARRAY_TASK_ID/n); the report comes from a later --stages report run or surfscope merge")
	fs.StringVar(&v.stages, "stages", "", "only these stages, comma-separated: "+strings.Join(study.Stages, ", "))
	fs.IntVar(&c.opts.Jobs, "jobs", 1, "stages run at once (the engines already use every core)")
	fs.IntVar(&c.opts.MemMiB, "mem", 0, "memory budget of the stages running at once, MiB (0 = no bound beyond --jobs)")
	fs.StringVar(&c.out, "out", "", "study folder: results, figures, report.html, results.json")
	return map[string]flagRule{"out": {}, "width": atLeast(1), "grid": between(4, 1024), "ntk": atLeast(0), "jobs": atLeast(1), "mem": atLeast(0),
		"planes": atLeast(0), "lines": atLeast(0), "flips": atLeast(0), "landscape-grid": atLeast(0), "hessian-images": atLeast(0), "epochs": atLeast(1)}
}

// overrideSet sets in cfg (a preset) every flag given on the command line, parsed by fs: the
// flags are bound to cfg on a second flag set and given the values fs parsed.
func overrideSet(fs *flag.FlagSet, cfg *study.Config) {
	again := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	registerStudyFlags(again, &studyConfig{}, cfg, &studyFlagValues{})
	fs.Visit(func(fl *flag.Flag) {
		// The value was read from the command line by fs, so it is valid for the same flag here.
		_ = again.Set(fl.Name, fl.Value.String())
	})
}

// splitList splits "a,b, c" into its non-empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// shortcutKinds lists the resnet shortcut kinds.
func shortcutKinds() string {
	var out []string
	for _, s := range models.Shortcuts {
		out = append(out, string(s))
	}
	return strings.Join(out, ", ")
}
