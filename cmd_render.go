package main

import (
	"context"
	"fmt"
	"image"
	"io"

	"github.com/surfscope/surfscope/render"
)

func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("render", "[--model FILE] [--data NAME] [--probe SPEC] [--class K] [--width W --height H] --out shot.png", stderr)
	var pf probeFlags
	pf.register(fs)
	class := fs.Int("class", -1, "logit drawn as height (-1: the class of the probe's first image)")
	width := fs.Int("width", 1600, "picture width in pixels")
	height := fs.Int("height", 1000, "picture height in pixels")
	contours := fs.Int("contours", 12, "number of contour lines (0 = none)")
	cmap := fs.String("colormap", "viridis", "colormap: "+fmt.Sprint(render.ColormapNames()))
	out := fs.String("out", "", "PNG file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required")
	}
	if *width < 16 || *height < 16 || *width > 16384 || *height > 16384 || *width**height > 1<<27 {
		return fmt.Errorf("picture size %dx%d: want 16 to 16384 pixels a side and at most %d pixels", *width, *height, 1<<27)
	}
	cm, err := render.ColormapByName(*cmap)
	if err != nil {
		return err
	}
	sm, err := pf.sample(ctx, stderr)
	if err != nil {
		return err
	}
	g := sm.grid
	if g.NY < 2 {
		return fmt.Errorf("probe %s is a line; render draws planes (use sample for lines)", pf.probe)
	}
	k := *class
	if k < 0 {
		k = sm.set.Labels[sm.spec.Images[0]]
	}
	if k >= g.K {
		return fmt.Errorf("--class %d: the model has %d classes", k, g.K)
	}
	r, err := render.New()
	if err != nil {
		return err
	}
	defer r.Close()
	img := image.NewRGBA(image.Rect(0, 0, *width, *height))
	scene := &render.Scene{Field: g.Channel(k), Contours: *contours, Colormap: cm,
		Title: fmt.Sprintf("logit %d on probe %s", k, pf.probe)}
	if err := r.Render(img, scene); err != nil {
		return err
	}
	if err := render.WritePNG(*out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %dx%d, logit %d on %s, drawn by %s\n", *out, *width, *height, k, pf.probe, r.Name())
	return nil
}
