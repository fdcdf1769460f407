package main

import (
	"context"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// sampleProbe samples what s says (view.Sampling.Sample), printing progress to stderr.
func sampleProbe(ctx context.Context, s view.Sampling, stderr io.Writer) (*view.Sampled, error) {
	pr := &progress{w: stderr, what: "sample " + s.Probe}
	return s.Sample(ctx, pr.update)
}

func cmdSample(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sample", "--model FILE --data NAME --probe SPEC [--grid N] [--points M] --out FILE.npy", stderr)
	smp := view.DefaultSampling()
	smp.Register(fs)
	out := fs.String("out", "", "output .npy file: float32 logits [N][N][classes] for planes, [M][classes] for lines")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required")
	}
	sm, err := sampleProbe(ctx, smp, stderr)
	if err != nil {
		return err
	}
	g := sm.Grid
	if err := surface.WriteNPY(*out, g.Shape(), g.Values); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %v float32 logits of probe %s\n", *out, g.Shape(), smp.Probe)
	return nil
}

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "--model FILE --data NAME [--split test] --ids 0-15,20 [--flip] --out FILE.npy", stderr)
	model := fs.String("model", modelfile.Embedded, "surfscope checkpoint or ONNX file; \"embedded\" is the built-in model")
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
	net, err := modelfile.Load(*model)
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
		if surface.Argmax(logits[r*k:(r+1)*k]) == set.Labels[i] {
			correct++
		}
	}
	if err := surface.WriteNPY(*out, []int{len(ids), k}, logits); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: [%d %d] logits; %d of %d correct\n", *out, len(ids), k, correct, len(ids))
	return ctx.Err()
}
