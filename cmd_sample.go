package main

import (
	"context"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/app"
	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
)

// probeFlags are the flags every probe-sampling command shares.
type probeFlags struct {
	model, data, split, probe string
	grid, points              int
	margin, lo, hi            float64
}

func (p *probeFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Float64Var(*float64, string, float64, string)
}) {
	fs.StringVar(&p.model, "model", "", "surfscope checkpoint (.safetensors) or ONNX file (default: the embedded model)")
	fs.StringVar(&p.data, "data", "sample", "dataset: mnist, fashion, cifar10, cifar100, sample, or a folder")
	fs.StringVar(&p.split, "split", "test", "split the image indices refer to: train or test")
	fs.StringVar(&p.probe, "probe", "data:0,1,2", "data:I,J,K | mixup:I,J | random:I,SEED | flip:I,SEED | grad:I,SEED | pca | pca:I")
	fs.IntVar(&p.grid, "grid", 64, "points per axis of a plane")
	fs.IntVar(&p.points, "points", 101, "points along a line")
	fs.Float64Var(&p.margin, "margin", 0.1, "data and flip planes: margin around the images, as a share of the box")
	fs.Float64Var(&p.lo, "from", 0, "mixup lines: first λ (e.g. -0.5 for an extended range)")
	fs.Float64Var(&p.hi, "to", 1, "mixup lines: last λ")
}

// sampled is a probe sampled by the commands.
type sampled struct {
	net  *models.Net
	set  *dataset.Set
	spec projection.Spec
	grid *surface.Grid
}

// sample loads the model and data, builds the probe and samples the logits over it.
func (p *probeFlags) sample(ctx context.Context, stderr io.Writer) (*sampled, error) {
	spec, err := projection.ParseSpec(p.probe)
	if err != nil {
		return nil, err
	}
	net, err := loadModel(p.model)
	if err != nil {
		return nil, err
	}
	set, err := openSplit(p.data, p.split, net)
	if err != nil {
		return nil, err
	}
	margin := p.margin
	if margin == 0 {
		margin = -1 // Sizes: negative means no margin
	}
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	probe, err := app.BuildProbe(spec, net.Input, ev, set, projection.Sizes{
		Grid: p.grid, Points: p.points, Margin: margin, Lo: p.lo, Hi: p.hi})
	if err != nil {
		return nil, err
	}
	pr := &progress{w: stderr, what: "sample " + spec.String()}
	g, err := surface.Sample(ctx, ev, probe, nil, pr.update)
	if err != nil {
		return nil, err
	}
	return &sampled{net, set, spec, g}, nil
}

func cmdSample(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sample", "--model FILE --data NAME --probe SPEC [--grid N] [--points M] --out FILE.npy", stderr)
	var pf probeFlags
	pf.register(fs)
	out := fs.String("out", "", "output .npy file: float32 logits [N][N][classes] for planes, [M][classes] for lines")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required")
	}
	sm, err := pf.sample(ctx, stderr)
	if err != nil {
		return err
	}
	g := sm.grid
	if err := surface.WriteNPY(*out, g.Shape(), g.Values); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %v float32 logits of probe %s\n", *out, g.Shape(), pf.probe)
	return nil
}

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "--model FILE --data NAME [--split test] --ids 0-15,20 [--flip] --out FILE.npy", stderr)
	model := fs.String("model", "", "surfscope checkpoint or ONNX file (default: the embedded model)")
	data := fs.String("data", "sample", "dataset: mnist, fashion, cifar10, cifar100, sample, or a folder")
	split := fs.String("split", "test", "train or test")
	idSpec := fs.String("ids", "0-15", "image indices, ranges inclusive: 0-15,20")
	flip := fs.Bool("flip", false, "evaluate the horizontally mirrored images")
	out := fs.String("out", "", "output .npy file: float32 logits [n][classes]")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required")
	}
	net, err := loadModel(*model)
	if err != nil {
		return err
	}
	set, err := openSplit(*data, *split, net)
	if err != nil {
		return err
	}
	ids, err := parseIDs(*idSpec, set.Len())
	if err != nil {
		return err
	}
	ev, err := infer.New(net)
	if err != nil {
		return err
	}
	size := set.ImageSize()
	x := make([]float32, 0, len(ids)*size)
	for _, i := range ids {
		img := set.Image(i)
		if *flip {
			img = projection.Flip(net.Input, img)
		}
		x = append(x, img...)
	}
	logits := ev.Forward(nil, x, len(ids))
	k := net.Classes
	correct := 0
	for r, i := range ids {
		if argmax(logits[r*k:(r+1)*k]) == set.Labels[i] {
			correct++
		}
	}
	if err := surface.WriteNPY(*out, []int{len(ids), k}, logits); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: [%d %d] logits; %d of %d correct\n", *out, len(ids), k, correct, len(ids))
	return ctx.Err()
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
