package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"strings"

	"github.com/surfscope/surfscope/internal/detach"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/render/vector"
	"github.com/surfscope/surfscope/view"
)

func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("render", args)
	fs := newFlags("render", "[--model FILE] [--data NAME] [--probe SPEC] [--metric M] [--class K] [--view V] [--width W --height H] --out shot.png|.svg|.pdf", stderr)
	st := view.Default()
	st.Register(fs)
	out := fs.String("out", "", "file to write: PNG, or SVG or PDF (vector; heatmaps and lines, not the 3D surface)")
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
	format := "png" // unless the name ends in .svg or .pdf
	if f, err := vector.FormatOf(*out); err == nil {
		format = f
	}
	sm, err := sampleProbe(ctx, st.Sampling, stderr)
	if err != nil {
		return err
	}
	k, err := st.ClassOf(sm.Grid, sm.Set)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s, logit %d on %s", st.Metric, k, st.Probe)
	if format != "png" {
		sc, err := st.Scene(sm.Grid, sm.Set)
		if err != nil {
			return err
		}
		if !vector.Supported(&sc) {
			return fmt.Errorf("--out %s: SVG and PDF hold 2D plots; draw the plane with --view heatmap", *out)
		}
		if err := vector.WriteFile(*out, st.Provenance(rec, sm.Model, sm.Grid, k), []*render.Scene{&sc}, st.Width, st.Height); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %s, %dx%d px at 96 per inch, %s\n", *out, strings.ToUpper(format), st.Width, st.Height, what)
		return nil
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
	rec.Renderer = r.Name()
	if err := r.Close(); err != nil {
		return err
	}
	if err := render.WritePNG(*out, img, st.Provenance(rec, sm.Model, sm.Grid, k)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %dx%d, %s, drawn by %s\n", *out, st.Width, st.Height, what, r.Name())
	return nil
}
