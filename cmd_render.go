package main

import (
	"context"
	"fmt"
	"image"
	"io"

	"github.com/surfscope/surfscope/internal/detach"
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
	warnIgnored(fs, stderr, samplingIgnored(st.Sampling))
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
	// A draw cannot stop half-way (seconds for a large antialiased picture): Ctrl-C stops the wait
	// for it, and the renderer, still busy, is left to the end of the process.
	img, err := detach.Run(ctx, func() (*image.RGBA, error) { return st.Render(r, sm.Grid, sm.Set) })
	if err != nil {
		return err
	}
	if err := r.Close(); err != nil {
		return err
	}
	if err := render.WritePNG(*out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %dx%d, logit %d on %s, drawn by %s\n", *out, st.Width, st.Height, k, st.Probe, r.Name())
	return nil
}
