package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"strings"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// animateConfig is what `surfscope animate` was asked for.
type animateConfig struct {
	st     view.State
	series string
	models modelList
	out    string
	orbit  bool
	frames int
	fps    float64
}

// animateRules are the rules of animate's own numeric flags.
var animateRules = map[string]flagRule{"frames": between(2, 3600), "fps": between(0, 100)}

func cmdAnimate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("animate", args)
	c, err := parseAnimate(args, stderr)
	if err != nil {
		return err
	}
	names, err := c.resolveModels()
	if err != nil {
		return err
	}
	if err := c.checkMemory(); err != nil {
		return err
	}
	pr := &progress{w: stderr, what: "sample " + c.st.Probe}
	sms, err := c.st.SampleModels(ctx, c.models, pr.update)
	if err != nil {
		return err
	}
	tiles := make([]view.Tile, len(sms))
	for i, sm := range sms {
		st := c.st
		st.Model = c.models[i]
		tiles[i] = view.Tile{Name: names[i], Model: sm.Model, State: st, Grid: sm.Grid, Set: sm.Set}
	}
	var scenes []render.Scene
	if c.orbit {
		scenes, err = view.OrbitScenes(tiles[0], c.frames)
	} else {
		scenes, err = view.EvolutionScenes(tiles)
	}
	if err != nil {
		return err
	}
	k, err := c.st.ClassOf(sms[0].Grid, sms[0].Set)
	if err != nil {
		return err
	}
	rec = c.st.Provenance(rec, sms[0].Model, sms[0].Grid, k)
	for _, sm := range sms[1:] {
		rec.Models = append(rec.Models, sm.Model)
	}
	return c.write(ctx, scenes, rec, stdout, stderr)
}

// parseAnimate reads animate's flags: the picture's (view.State, but --model may be given once
// per model), the models (--series or --model), the output and its timing.
func parseAnimate(args []string, stderr io.Writer) (*animateConfig, error) {
	fs := newFlags("animate", "--series DIR | --model A --model B … [--probe SPEC] [picture flags as render] [--orbit [--frames N]] [--fps N] --out evolution.gif|.mp4", stderr)
	c := &animateConfig{st: view.Default()}
	c.st.Width, c.st.Height, c.st.Samples = 800, 560, 4
	var state flag.FlagSet
	c.st.Register(&state)
	state.VisitAll(func(f *flag.Flag) {
		if f.Name != "model" {
			fs.Var(f.Value, f.Name, f.Usage)
		}
	})
	fs.StringVar(&c.series, "series", "", "checkpoint series folder (train --out-dir): one frame per checkpoint, titled with its epoch")
	fs.Var(&c.models, "model", "a model, one frame each, in the order given (repeat the flag); with --orbit, the one model: "+view.ModelUsage)
	fs.StringVar(&c.out, "out", "", "file to write: .gif, or .mp4 (needs the ffmpeg program)")
	fs.BoolVar(&c.orbit, "orbit", false, "turn the camera once around one model's surface instead")
	fs.IntVar(&c.frames, "frames", 60, "--orbit: frames of the turn")
	fs.Float64Var(&c.fps, "fps", 0, "frames per second (0: 2 over models, 20 for an orbit)")
	if err := parse(fs, args, animateRules); err != nil {
		return nil, err
	}
	switch ext := strings.ToLower(filepath.Ext(c.out)); {
	case c.out == "":
		return nil, &flagError{"--out is required"}
	case ext != ".gif" && ext != ".mp4":
		return nil, &flagError{fmt.Sprintf("--out %s: want a .gif or .mp4 file", c.out)}
	case (c.series == "") == (len(c.models) == 0):
		return nil, &flagError{"give either --series DIR or --model FILE (once per model)"}
	case c.orbit && (c.series != "" || len(c.models) != 1):
		return nil, &flagError{"--orbit turns around one model: give --model FILE once"}
	case !c.orbit && len(c.models) == 1:
		return nil, &flagError{"one --model makes one frame: give more models, a --series, or --orbit"}
	}
	if ext := strings.ToLower(filepath.Ext(c.out)); ext == ".mp4" {
		if err := render.CheckFFmpeg(); err != nil {
			return nil, fmt.Errorf("--out %s: %v", c.out, err)
		}
	}
	if c.fps == 0 {
		c.fps = 2
		if c.orbit {
			c.fps = 20
		}
	}
	warnIgnored(fs, stderr, samplingIgnored(c.st.Sampling))
	return c, c.st.Validate()
}

// resolveModels fills c.models from the series when one is given and returns each frame's name:
// the epoch and training accuracy of a checkpoint, else the model's name.
func (c *animateConfig) resolveModels() ([]string, error) {
	if c.series == "" {
		names := make([]string, len(c.models))
		for i, m := range c.models {
			names[i] = view.ModelName(m)
		}
		return names, nil
	}
	ix, err := series.Read(c.series)
	if err != nil {
		return nil, err
	}
	if len(ix.Checkpoints) == 0 {
		return nil, fmt.Errorf("%s: the series has no checkpoint yet", c.series)
	}
	var names []string
	for i, e := range ix.Checkpoints {
		c.models = append(c.models, ix.Path(c.series, i))
		names = append(names, fmt.Sprintf("epoch %d · train accuracy %.1f%%", e.Epoch, 100*e.TrainAcc))
	}
	return names, nil
}

// checkMemory checks, before any work, the frames that write holds until the file is written
// against the memory cap: every frame as RGBA, for a GIF its paletted copy too, and the buffers of
// drawing one picture (render.MemoryNeed). 3,600 frames of 16384×8192 would be 2.4 TB.
func (c *animateConfig) checkMemory() error {
	n := len(c.models)
	if c.orbit {
		n = c.frames
	}
	perFrame := int64(4)
	if !strings.EqualFold(filepath.Ext(c.out), ".mp4") {
		perFrame++
	}
	need := memcap.Mul(int64(n), int64(c.st.Width), int64(c.st.Height), perFrame)
	if need >= 0 {
		need += render.MemoryNeed(c.st.Width, c.st.Height, c.st.Samples)
	}
	return memcap.Check(fmt.Sprintf("%d frames of %dx%d", n, c.st.Width, c.st.Height), need)
}

// write draws the scenes and writes them as a GIF or an MP4.
func (c *animateConfig) write(ctx context.Context, scenes []render.Scene, rec provenance.Record, stdout, stderr io.Writer) error {
	r, err := render.New()
	if err != nil {
		return err
	}
	defer r.Close()
	rec.Renderer = r.Name()
	pr := &progress{w: stderr, what: "draw frames"}
	frames := make([]*image.RGBA, len(scenes))
	for i := range scenes {
		if err := ctx.Err(); err != nil {
			return err
		}
		frames[i] = image.NewRGBA(image.Rect(0, 0, c.st.Width, c.st.Height))
		if err := r.Render(frames[i], &scenes[i]); err != nil {
			return err
		}
		pr.update(i+1, len(scenes))
	}
	if strings.EqualFold(filepath.Ext(c.out), ".mp4") {
		if err := render.WriteMP4(ctx, c.out, frames, c.fps, rec); err != nil {
			return err
		}
	} else {
		pal := render.AnimationPalette(scenes[0].Colormap, view.Background(c.st.Theme), view.Background("light"), view.Background("dark"))
		ps := make([]*image.Paletted, len(frames))
		for i, f := range frames {
			ps[i] = render.Paletted(f, pal)
		}
		hold := 0
		if !c.orbit {
			hold = 2 // the last (fitted) frame stays a little longer before the loop starts again
		}
		if err := render.WriteGIF(c.out, ps, render.GIFOptions{FPS: c.fps, HoldLast: hold}, rec); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s: %d frames, %dx%d, %g per second, drawn by %s\n", c.out, len(frames), c.st.Width, c.st.Height, c.fps, r.Name())
	return nil
}
