package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// Animation frames: the size `surfscope animate` draws by default, and the orbit's frames.
const (
	animationWidth, animationHeight, animationSamples = 800, 560, 4
	orbitFrames                                       = 60
)

// exportAnimation asks where to save an animation of the Surface tab and writes it as the export
// job (progress and Cancel in the status line): with a series open (the timeline), the probe
// shown over every checkpoint on one colour and height scale, one frame per checkpoint; else the
// camera turning once around the surface. A .mp4 name writes H.264 through ffmpeg.
func (u *UI) exportAnimation() {
	s := u.session.Snapshot()
	if s.Grid == nil {
		u.showError(errors.New("nothing sampled yet"))
		return
	}
	st := u.viewOf(s)
	st.Width, st.Height, st.Samples = animationWidth, animationHeight, animationSamples
	tl := &u.timeline
	dir, ix := tl.dir, tl.index
	if !tl.box.Visible() {
		ix = nil
	}
	name := "orbit.gif"
	if ix != nil {
		name = "evolution.gif"
	} else if st.View != "surface" || s.Grid.NY < 2 {
		u.showError(errors.New("an animation turns around a 3D surface, or runs over a series (File ▸ Open Series): show a plane in 3D, or open a series"))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.exportWith(path, func(ctx context.Context, r *JobRun, path string) (string, error) {
			return u.writeAnimation(ctx, r, path, st, s, dir, ix)
		})
	}, u.window)
	d.SetFileName(name)
	d.Show()
}

// writeAnimation draws and writes the animation exportAnimation describes; ix nil means an orbit
// of s's grid.
func (u *UI) writeAnimation(ctx context.Context, r *JobRun, path string, st view.State, s Snapshot, dir string, ix *series.Index) (string, error) {
	mp4 := strings.EqualFold(filepath.Ext(path), ".mp4")
	if mp4 {
		if err := render.CheckFFmpeg(); err != nil {
			return "", err
		}
	}
	steps := orbitFrames
	if ix != nil {
		steps = 2 * len(ix.Checkpoints)
	}
	var scenes []render.Scene
	var err error
	if ix != nil {
		tiles := make([]view.Tile, len(ix.Checkpoints))
		for i, e := range ix.Checkpoints {
			g, err := u.timeline.grid(ctx, dir, ix, i, st.Sampling, s.Test)
			if err != nil {
				return "", err
			}
			ts := st
			ts.Model = ix.Path(dir, i)
			tiles[i] = view.Tile{Name: fmt.Sprintf("epoch %d · train accuracy %.1f%%", e.Epoch, 100*e.TrainAcc), State: ts, Grid: g, Set: s.Test}
			r.Progress(i+1, steps)
		}
		scenes, err = view.EvolutionScenes(tiles)
	} else {
		scenes, err = view.OrbitScenes(view.Tile{Name: view.ModelName(s.Model), State: st, Grid: s.Grid, Set: s.Test}, orbitFrames)
	}
	if err != nil {
		return "", err
	}
	frames := make([]*image.RGBA, len(scenes))
	for i := range scenes {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		frames[i] = image.NewRGBA(image.Rect(0, 0, st.Width, st.Height))
		if err := u.renderer.Render(frames[i], &scenes[i]); err != nil {
			return "", err
		}
		r.Progress(steps-len(scenes)+i+1, steps)
	}
	rec := animationRecord(st, s, dir, ix, path)
	fps := 20.0
	if ix != nil {
		fps = 2
	}
	if mp4 {
		err = render.WriteMP4(ctx, path, frames, fps, rec)
	} else {
		pal := render.AnimationPalette(scenes[0].Colormap, view.Background(st.Theme))
		ps := make([]*image.Paletted, len(frames))
		for i, f := range frames {
			ps[i] = render.Paletted(f, pal)
		}
		err = render.WriteGIF(path, ps, render.GIFOptions{FPS: fps}, rec)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("saved %s: %d frames", path, len(frames)), nil
}

// animationRecord is the provenance of an animation: the `surfscope animate` command that draws
// it headless, and the model (or every checkpoint of the series).
func animationRecord(st view.State, s Snapshot, dir string, ix *series.Index, path string) provenance.Record {
	args := st.Args() // --model M first
	if ix != nil {
		args = append([]string{"--series", dir}, args[2:]...)
	} else {
		args = append(args, "--orbit", "--frames", fmt.Sprint(orbitFrames))
	}
	cmd := provenance.CommandLine(append(append([]string{"surfscope", "animate"}, args...), "--out", path)...)
	rec := exportRecord("Export Animation", cmd, st.Metric, s)
	if ix != nil {
		rec.Models = nil
		for i := range ix.Checkpoints {
			if m, err := modelfile.Identify(ix.Path(dir, i)); err == nil {
				rec.Models = append(rec.Models, m)
			}
		}
	}
	return rec
}
