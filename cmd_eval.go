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

// evalConfig is what `surfscope eval` is asked to do.
type evalConfig struct {
	model, data, split, ids string
	flip                    bool
	out                     string
}

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("eval", args)
	c, err := parseEval(args, stderr)
	if err != nil {
		return err
	}
	e, err := runEval(ctx, c)
	if err != nil {
		return err
	}
	rec.Data, rec.Split, rec.Metric = view.DataProvenance(c.data), c.split, "logits"
	if err := identifyModels(&rec, c.model); err != nil {
		return err
	}
	if err := surface.WriteNPY(c.out, []int{e.images, e.classes}, e.logits, rec); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: [%d %d] logits; %d of %d correct\n", c.out, e.images, e.classes, e.correct, e.images)
	return nil
}

// parseEval reads the flags of `surfscope eval`.
func parseEval(args []string, stderr io.Writer) (*evalConfig, error) {
	fs := newFlags("eval", "--model FILE --data NAME [--split test] --ids 0-15,20 [--flip] --out FILE.npy", stderr)
	c := &evalConfig{}
	fs.StringVar(&c.model, "model", modelfile.Embedded, view.ModelUsage)
	fs.StringVar(&c.data, "data", "sample", view.DataUsage)
	fs.StringVar(&c.split, "split", "test", "train or test")
	fs.StringVar(&c.ids, "ids", "0-15", "image indices, ranges inclusive: 0-15,20")
	fs.BoolVar(&c.flip, "flip", false, "evaluate the horizontally mirrored images")
	fs.StringVar(&c.out, "out", "", "output .npy file: float32 logits [n][classes]")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if c.out == "" {
		return nil, &flagError{"--out is required"}
	}
	return c, nil
}

// evaluation is a net's logits on the chosen images, [images][classes], and how many of the
// images it classifies correctly.
type evaluation struct {
	logits                   []float32
	images, classes, correct int
}

// runEval evaluates the net on the chosen images (mirrored with --flip) and scores it, a chunk of
// images at a time so that a cancelled ctx stops it.
func runEval(ctx context.Context, c *evalConfig) (*evaluation, error) {
	net, set, err := openModel(c.model, c.data, c.split)
	if err != nil {
		return nil, err
	}
	ids, err := parseIDs(c.ids, set.Len())
	if err != nil {
		return nil, err
	}
	ev, err := infer.New(net)
	if err != nil {
		return nil, err
	}
	const chunk = 256
	e := &evaluation{images: len(ids), classes: net.Classes}
	x := make([]float32, 0, min(chunk, len(ids))*set.ImageSize())
	for lo := 0; lo < len(ids); lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		part := ids[lo:min(lo+chunk, len(ids))]
		x = x[:0]
		for _, i := range part {
			img := set.Image(i)
			if c.flip {
				img = projection.Flip(net.Input, img)
			}
			x = append(x, img...)
		}
		e.logits = append(e.logits, ev.Forward(nil, x, len(part))...)
	}
	for r, i := range ids {
		if surface.Argmax(e.logits[r*e.classes:(r+1)*e.classes]) == set.Labels[i] {
			e.correct++
		}
	}
	return e, nil
}
