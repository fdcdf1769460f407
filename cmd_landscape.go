package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// landscapeConfig is what `surfscope landscape` is asked to do.
type landscapeConfig struct {
	model, data, split, other string
	grid, images              int
	span, lo, hi              float64
	seed                      uint64
	biasBN, plain             bool
	hsteps, himages           int
	htol                      float64
	out, acc, vts, json       string
	bnStats                   string // model lines: "recompute" or "interpolate" the batch-norm statistics
	bnImages                  int    // training images the statistics are recomputed on
}

// landscape is a loss landscape computed, with what its report says about it.
type landscape struct {
	grid    *surface.Grid
	set     *dataset.Set
	images  int    // images the loss averages over
	what    string // "filter-normalised plane, …" or "line to …"
	seconds float64
	hessian *surface.HessianSpectrum // nil when not asked for (or on a line)
	hn      int                      // images of the Hessian
	hsecs   float64
	barrier *surface.Barrier // model lines
	bn      string           // model lines: how the batch-norm statistics were set at each λ
}

func cmdLandscape(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("landscape", args)
	c, err := parseLandscape(args, stderr)
	if err != nil {
		return err
	}
	l, err := runLandscape(ctx, c, stderr)
	if err != nil {
		return err
	}
	if err := c.provenance(&rec, l); err != nil {
		return err
	}
	if err := writeLandscape(c, l, rec); err != nil {
		return err
	}
	printLandscape(stdout, c, l)
	return nil
}

// parseLandscape reads and checks the flags of `surfscope landscape`.
func parseLandscape(args []string, stderr io.Writer) (*landscapeConfig, error) {
	fs := newFlags("landscape", "--model FILE --data NAME [--grid 51] [--images 2000] [--other FILE] --out landscape.npy", stderr)
	c := &landscapeConfig{}
	fs.StringVar(&c.model, "model", modelfile.Embedded, view.ModelUsage)
	fs.StringVar(&c.data, "data", "sample", view.DataUsage)
	fs.StringVar(&c.split, "split", dataset.Train, "split whose first --images images the loss is measured on")
	fs.IntVar(&c.grid, "grid", 51, "points per axis (plane) or along the line (--other)")
	fs.IntVar(&c.images, "images", 2000, "number of images the loss averages over")
	fs.Float64Var(&c.span, "range", 1, "plane coordinates α, β in [−range, range]")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the two filter-normalised directions (seed and seed+1)")
	fs.BoolVar(&c.biasBN, "bias-bn", false, "move biases and batch-norm parameters too (Li et al. leave them out by default)")
	fs.StringVar(&c.other, "other", "", "second model (\"embedded\": the built-in one): evaluate the line θ_model + λ(θ_other − θ_model) instead of a plane")
	fs.Float64Var(&c.lo, "from", -0.5, "line: first λ")
	fs.Float64Var(&c.hi, "to", 1.5, "line: last λ")
	fs.StringVar(&c.bnStats, "bn-stats", "recompute", "line: batch-norm statistics at each λ: recompute (on the first --bn-images training images, as update_bn) or interpolate (with the weights)")
	fs.IntVar(&c.bnImages, "bn-images", 2000, "line: training images the batch-norm statistics are recomputed on")
	fs.BoolVar(&c.plain, "plain", false, "evaluate the whole net at every point (no first-layer shortcut)")
	fs.IntVar(&c.hsteps, "hessian-steps", 200, "most Lanczos steps for the Hessian's extreme eigenvalues at the centre (0 = skip)")
	fs.Float64Var(&c.htol, "hessian-tol", 1e-4, "stop when the residual bounds of λmin and λmax are below this share of max |λ|")
	fs.IntVar(&c.himages, "hessian-images", 0, "images for the Hessian (0 = the same --images)")
	fs.StringVar(&c.out, "out", "", "output .npy: mean loss, float32 [N][N] (plane, rows = β) or [N] (line)")
	fs.StringVar(&c.acc, "acc", "", "optional .npy of the accuracy, same shape")
	fs.StringVar(&c.vts, "vts", "", "optional VTK structured grid (.vts) of the loss surface")
	fs.StringVar(&c.json, "json", "", "optional JSON summary")
	if err := parse(fs, args, map[string]flagRule{"images": atLeast(1), "range": above(0)}); err != nil {
		return nil, err
	}
	if c.out == "" {
		return nil, &flagError{"--out is required"}
	}
	if c.other != "" && !(c.lo < c.hi) {
		return nil, &flagError{fmt.Sprintf("--from %g, --to %g: want --from < --to", c.lo, c.hi)}
	}
	if c.bnStats != "recompute" && c.bnStats != "interpolate" {
		return nil, fmt.Errorf("--bn-stats %q: want recompute or interpolate", c.bnStats)
	}
	if c.bnImages < 2 {
		return nil, fmt.Errorf("--bn-images %d: want at least 2", c.bnImages)
	}
	return c, nil
}

// runLandscape loads the model and data, evaluates the loss over the plane or the line and, on a
// plane, the Hessian's extreme eigenvalues at its centre.
func runLandscape(ctx context.Context, c *landscapeConfig, stderr io.Writer) (*landscape, error) {
	net, set, err := openModel(c.model, c.data, c.split)
	if err != nil {
		return nil, err
	}
	l := &landscape{set: set, images: min(c.images, set.Len())}
	images, labels := set.Images[:l.images*set.ImageSize()], set.Labels[:l.images]
	pr := &progress{w: stderr, what: "landscape"}
	opt := &surface.LandscapeOptions{Plain: c.plain}
	start := time.Now()
	if c.other != "" {
		if err := l.modelLine(ctx, c, net, images, labels, opt, pr); err != nil {
			return nil, err
		}
	} else {
		d := &surface.DirectionOptions{BiasBN: c.biasBN}
		dirs := []surface.ParamVector{surface.FilterNormalized(net, c.seed, d), surface.FilterNormalized(net, c.seed+1, d)}
		axis := projection.Linspace(-c.span, c.span, c.grid)
		if l.grid, err = surface.LossLandscape(ctx, net, dirs, axis, axis, images, labels, opt, pr.update); err != nil {
			return nil, err
		}
		l.what = fmt.Sprintf("filter-normalised plane, %dx%d points in [−%g, %g]²", c.grid, c.grid, c.span, c.span)
	}
	l.seconds = time.Since(start).Seconds()
	if c.hsteps > 0 && c.other == "" {
		if err := l.measureHessian(ctx, net, c); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// modelLine evaluates the line from net to --other and its barrier, with the batch-norm
// statistics recomputed at every λ on the first --bn-images training images, or interpolated.
func (l *landscape) modelLine(ctx context.Context, c *landscapeConfig, net *models.Net, images []float32, labels []int,
	opt *surface.LandscapeOptions, pr *progress) error {
	b, err := modelfile.Load(c.other)
	if err != nil {
		return err
	}
	l.bn = "interpolated with the weights"
	if c.bnStats == "recompute" && hasBatchNorm(net) {
		train, err := openSplit(c.data, dataset.Train, nil)
		if err != nil {
			return err
		}
		n := min(c.bnImages, train.Len())
		opt.BatchNormImages = train.Images[:n*train.ImageSize()]
		l.bn = fmt.Sprintf("recomputed at every λ on the first %d images of %s", n, train.Name)
	} else if !hasBatchNorm(net) {
		l.bn = "none (no batch norm)"
	}
	if l.grid, err = surface.ModelLine(ctx, net, b, projection.Linspace(c.lo, c.hi, c.grid), images, labels, opt, pr.update); err != nil {
		return err
	}
	ends, err := surface.ModelLine(ctx, net, b, []float64{0, 1}, images, labels, opt, nil)
	if err != nil {
		return err
	}
	barrier, err := surface.LineBarrier(l.grid, ends)
	if err != nil {
		return err
	}
	l.barrier = &barrier
	l.what = fmt.Sprintf("line to %s, λ in [%g, %g], %d points; batch-norm statistics %s", c.other, c.lo, c.hi, c.grid, l.bn)
	return nil
}

// hasBatchNorm reports whether net has a batch norm with running statistics.
func hasBatchNorm(net *models.Net) bool {
	for _, nd := range net.Nodes {
		if nd.Op == models.OpBatchNorm && !nd.Fixed {
			return true
		}
	}
	return false
}

// measureHessian finds the extreme eigenvalues of the loss Hessian at the centre (the model).
func (l *landscape) measureHessian(ctx context.Context, net *models.Net, c *landscapeConfig) error {
	l.hn = l.images
	if c.himages > 0 {
		l.hn = min(c.himages, l.set.Len())
	}
	start := time.Now()
	spec, err := surface.HessianExtremes(ctx, net, l.set.Images[:l.hn*l.set.ImageSize()], l.set.Labels[:l.hn], &surface.HessianOptions{Steps: c.hsteps, Tol: c.htol})
	if err != nil {
		return fmt.Errorf("Hessian at the centre: %v", err)
	}
	l.hessian, l.hsecs = &spec, time.Since(start).Seconds()
	return nil
}

// provenance completes rec with the landscape's models (the model, and on a line the other), data,
// split, the directions' seed (on a plane) and the grid.
func (c *landscapeConfig) provenance(rec *provenance.Record, l *landscape) error {
	models := []string{c.model}
	if c.other != "" {
		models = append(models, c.other)
	} else {
		rec.SetSeed(c.seed)
	}
	rec.Data, rec.Split = view.DataProvenance(c.data), c.split
	rec.SetGrid(l.grid.S, l.grid.T)
	return identifyModels(rec, models...)
}

// writeLandscape writes the loss map and the optional accuracy, VTK and JSON files, each with
// provenance rec and its metric.
func writeLandscape(c *landscapeConfig, l *landscape, rec provenance.Record) error {
	g := l.grid
	loss, acc := g.Channel(surface.LandscapeLoss), g.Channel(surface.LandscapeAccuracy)
	shape := g.Shape()[:len(g.Shape())-1]
	of := func(metric string) provenance.Record { r := rec; r.Metric = metric; return r }
	if err := surface.WriteNPY(c.out, shape, surface.FieldArray("", loss).Values, of("loss")); err != nil {
		return err
	}
	if c.acc != "" {
		if err := surface.WriteNPY(c.acc, shape, surface.FieldArray("", acc).Values, of("accuracy")); err != nil {
			return err
		}
	}
	if c.vts != "" {
		if err := surface.WriteVTS(c.vts, of("loss"), loss, surface.FieldArray("loss", loss), surface.FieldArray("accuracy", acc)); err != nil {
			return err
		}
	}
	if c.json == "" {
		return nil
	}
	report := map[string]any{"model": c.model, "data": c.data, "split": c.split, "images": l.images, "grid": c.grid,
		"what": l.what, "seconds": l.seconds, "loss": loss.Describe(), "accuracy": acc.Describe()}
	if l.hessian != nil {
		report["hessian"], report["hessian_seconds"] = l.hessian, l.hsecs
	}
	if l.barrier != nil {
		report["barrier"], report["batch_norm_statistics"] = l.barrier, l.bn
	}
	return writeJSON(c.json, of("loss"), report)
}

func printLandscape(w io.Writer, c *landscapeConfig, l *landscape) {
	g := l.grid
	loss := g.Channel(surface.LandscapeLoss)
	centre := [2]int{g.NX / 2, g.NY / 2}
	fmt.Fprintf(w, "landscape of %s on %d images of %s: %s\n", modelfile.Describe(c.model), l.images, l.set.Name, l.what)
	fmt.Fprintf(w, "  loss from %.4g to %.4g; at the centre %.4g (accuracy %.2f%%)\n",
		loss.Describe().Min, loss.Describe().Max, loss.Z(centre[0], centre[1]), 100*g.At(centre[0], centre[1], surface.LandscapeAccuracy))
	fmt.Fprintf(w, "  time %.2f s (%.1f ms per point)\n", l.seconds, 1000*l.seconds/float64(g.NX*g.NY))
	fmt.Fprintf(w, "wrote %s: %v float32 loss\n", c.out, g.Shape()[:len(g.Shape())-1])
	if b := l.barrier; b != nil {
		fmt.Fprintf(w, "  barrier over λ in [0, 1]: loss %.4g (at λ = %.3g), error %.2f%% (at λ = %.3g); endpoints' loss %.4g and %.4g\n",
			b.Loss, b.LossLambda, 100*b.Error, b.ErrorLambda, b.EndLoss[0], b.EndLoss[1])
	}
	if s := l.hessian; s != nil {
		fmt.Fprintf(w, "  Hessian at the centre (%d images, %.1f s): %s\n", l.hn, l.hsecs, view.HessianText(s))
	}
}
