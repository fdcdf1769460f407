package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
)

func cmdLandscape(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("landscape", "--model FILE --data NAME [--grid 51] [--images 2000] [--other FILE] --out landscape.npy", stderr)
	model := fs.String("model", modelfile.Embedded, "surfscope checkpoint or ONNX file; \"embedded\" is the built-in model")
	data := fs.String("data", "sample", "dataset: mnist, fashion, cifar10, cifar100, sample, or a folder")
	split := fs.String("split", "train", "split whose first --images images the loss is measured on")
	grid := fs.Int("grid", 51, "points per axis (plane) or along the line (--other)")
	nImages := fs.Int("images", 2000, "number of images the loss averages over")
	span := fs.Float64("range", 1, "plane coordinates α, β in [−range, range]")
	seed := fs.Uint64("seed", 1, "seed of the two filter-normalised directions (seed and seed+1)")
	biasBN := fs.Bool("bias-bn", false, "move biases and batch-norm parameters too (Li et al. leave them out by default)")
	other := fs.String("other", "", "second model (\"embedded\": the built-in one): evaluate the line θ_model + λ(θ_other − θ_model) instead of a plane")
	lo := fs.Float64("from", -0.5, "line: first λ")
	hi := fs.Float64("to", 1.5, "line: last λ")
	plain := fs.Bool("plain", false, "evaluate the whole net at every point (no first-layer shortcut)")
	hsteps := fs.Int("hessian-steps", 20, "Lanczos steps for the Hessian eigenvalues at the centre (0 = skip)")
	himages := fs.Int("hessian-images", 0, "images for the Hessian (0 = the same --images)")
	out := fs.String("out", "", "output .npy: mean loss, float32 [N][N] (plane, rows = β) or [N] (line)")
	accOut := fs.String("acc", "", "optional .npy of the accuracy, same shape")
	vts := fs.String("vts", "", "optional VTK structured grid (.vts) of the loss surface")
	jsonOut := fs.String("json", "", "optional JSON summary")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required")
	}
	if *grid < 2 || *grid > projection.MaxAxis {
		return fmt.Errorf("--grid %d: want 2 to %d", *grid, projection.MaxAxis)
	}
	net, err := modelfile.Load(*model)
	if err != nil {
		return err
	}
	set, err := openSplit(*data, *split, net)
	if err != nil {
		return err
	}
	n := min(*nImages, set.Len())
	if n <= 0 {
		return fmt.Errorf("--images %d: want at least 1", *nImages)
	}
	images, labels := set.Images[:n*set.ImageSize()], set.Labels[:n]
	pr := &progress{w: stderr, what: "landscape"}
	opt := &surface.LandscapeOptions{Plain: *plain}
	start := time.Now()
	var g *surface.Grid
	what := ""
	if *other != "" {
		b, err := modelfile.Load(*other)
		if err != nil {
			return err
		}
		g, err = surface.ModelLine(ctx, net, b, projection.Linspace(*lo, *hi, *grid), images, labels, opt, pr.update)
		if err != nil {
			return err
		}
		what = fmt.Sprintf("line to %s, λ in [%g, %g], %d points", *other, *lo, *hi, *grid)
	} else {
		d := &surface.DirectionOptions{BiasBN: *biasBN}
		dirs := []surface.ParamVector{surface.FilterNormalized(net, *seed, d), surface.FilterNormalized(net, *seed+1, d)}
		c := projection.Linspace(-*span, *span, *grid)
		if g, err = surface.LossLandscape(ctx, net, dirs, c, c, images, labels, opt, pr.update); err != nil {
			return err
		}
		what = fmt.Sprintf("filter-normalised plane, %dx%d points in [−%g, %g]²", *grid, *grid, *span, *span)
	}
	secs := time.Since(start).Seconds()
	loss := g.Channel(surface.LandscapeLoss)
	shape := g.Shape()[:len(g.Shape())-1]
	if err := surface.WriteNPY(*out, shape, surface.FieldArray("", loss).Values); err != nil {
		return err
	}
	if *accOut != "" {
		if err := surface.WriteNPY(*accOut, shape, surface.FieldArray("", g.Channel(surface.LandscapeAccuracy)).Values); err != nil {
			return err
		}
	}
	if *vts != "" {
		if err := surface.WriteVTS(*vts, loss, surface.FieldArray("loss", loss), surface.FieldArray("accuracy", g.Channel(surface.LandscapeAccuracy))); err != nil {
			return err
		}
	}
	centre := [2]int{g.NX / 2, g.NY / 2}
	fmt.Fprintf(stdout, "landscape of %s on %d images of %s: %s\n", modelfile.Describe(*model), n, set.Name, what)
	fmt.Fprintf(stdout, "  loss from %.4g to %.4g; at the centre %.4g (accuracy %.2f%%)\n",
		loss.Describe().Min, loss.Describe().Max, loss.Z(centre[0], centre[1]), 100*g.At(centre[0], centre[1], surface.LandscapeAccuracy))
	fmt.Fprintf(stdout, "  time %.2f s (%.1f ms per point)\n", secs, 1000*secs/float64(g.NX*g.NY))
	fmt.Fprintf(stdout, "wrote %s: %v float32 loss\n", *out, shape)
	report := map[string]any{"model": *model, "data": *data, "split": *split, "images": n, "grid": *grid, "what": what,
		"seconds": secs, "loss": loss.Describe(), "accuracy": g.Channel(surface.LandscapeAccuracy).Describe()}
	if *hsteps > 0 && *other == "" {
		hn := n
		if *himages > 0 {
			hn = min(*himages, set.Len())
		}
		hstart := time.Now()
		spec, err := surface.HessianExtremes(ctx, net, set.Images[:hn*set.ImageSize()], set.Labels[:hn], &surface.HessianOptions{Steps: *hsteps})
		if err != nil {
			return fmt.Errorf("Hessian at the centre: %v", err)
		}
		hsecs := time.Since(hstart).Seconds()
		fmt.Fprintf(stdout, "  Hessian at the centre (%d parameters, %d images, %d Lanczos steps, %.1f s): λmax %.4g, λmin %.4g, |λmin/λmax| %.4g\n",
			spec.Params, hn, *hsteps, hsecs, spec.Max, spec.Min, spec.Ratio)
		report["hessian"] = spec
		report["hessian_seconds"] = hsecs
	}
	if *jsonOut != "" {
		if err := writeJSON(*jsonOut, report); err != nil {
			return err
		}
	}
	return nil
}
