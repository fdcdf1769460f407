package main

import (
	"context"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// sampleProbe samples what s says (view.Sampling.Sample), printing progress to stderr.
func sampleProbe(ctx context.Context, s view.Sampling, stderr io.Writer) (*view.Sampled, error) {
	pr := &progress{w: stderr, what: "sample " + s.Probe}
	return s.Sample(ctx, pr.update)
}

func cmdSample(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("sample", args)
	fs := newFlags("sample", "--model FILE --data NAME --probe SPEC [--grid N] [--points M] --out FILE.npy", stderr)
	smp := view.DefaultSampling()
	smp.Register(fs)
	out := fs.String("out", "", "output .npy file: float32 logits [N][N][classes] for planes, [M][classes] for lines")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return &flagError{"--out is required"}
	}
	warnIgnored(fs, stderr, samplingIgnored(smp))
	sm, err := sampleProbe(ctx, smp, stderr)
	if err != nil {
		return err
	}
	g := sm.Grid
	rec = smp.Provenance(rec, sm.Model, g)
	rec.Metric = "logits"
	if err := surface.WriteNPY(*out, g.Shape(), g.Values, rec); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %v float32 logits of probe %s\n", *out, g.Shape(), smp.Probe)
	return nil
}
