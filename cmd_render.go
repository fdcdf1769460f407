package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"strings"

	"github.com/surfscope/surfscope/app"

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
	cmap := fs.String("colormap", "viridis", "colormap: "+strings.Join(render.ColormapNames(), ", "))
	viewName := fs.String("view", "surface", "surface (3D) or heatmap; lines are always drawn as curves")
	samples := fs.Int("samples", 16, "antialiasing samples per pixel (1 = none)")
	metric := fs.String("metric", "logit", "planes: "+strings.Join(app.Metrics, ", "))
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
	view := render.ViewSurface
	switch *viewName {
	case "surface":
	case "heatmap":
		view = render.ViewHeatmap
	default:
		return fmt.Errorf("--view %q: want surface or heatmap", *viewName)
	}
	sm, err := pf.sample(ctx, stderr)
	if err != nil {
		return err
	}
	g := sm.grid
	k := *class
	if k < 0 {
		k = 0
		if len(sm.spec.Images) > 0 { // the class of the probe's first image; logit 0 for a PCA plane of the mean
			k = sm.set.Labels[sm.spec.Images[0]]
		}
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
	scene, err := app.Scene(g, sm.set, app.SceneOptions{Class: k, View: view, Contours: *contours, Colormap: cm,
		Samples: *samples, Metric: *metric})
	if err != nil {
		return err
	}
	if err := r.Render(img, &scene); err != nil {
		return err
	}
	if err := render.WritePNG(*out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %dx%d, logit %d on %s, drawn by %s\n", *out, *width, *height, k, pf.probe, r.Name())
	return nil
}
