package main

import (
	"context"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("render", "[--model FILE] [--data NAME] [--probe SPEC] [--metric M] [--class K] [--view V] [--width W --height H] --out shot.png", stderr)
	st := view.Default()
	st.Register(fs)
	out := fs.String("out", "", "PNG file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return &flagError{"--out is required"}
	}
	if err := st.Validate(); err != nil {
		return err
	}
	sm, err := sampleProbe(ctx, st.Sampling, stderr)
	if err != nil {
		return err
	}
	k, err := st.ClassOf(sm.Grid, sm.Set)
	if err != nil {
		return err
	}
	r, err := render.New()
	if err != nil {
		return err
	}
	defer r.Close()
	img, err := st.Render(r, sm.Grid, sm.Set)
	if err != nil {
		return err
	}
	if err := render.WritePNG(*out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %dx%d, logit %d on %s, drawn by %s\n", *out, st.Width, st.Height, k, st.Probe, r.Name())
	return nil
}
