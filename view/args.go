package view

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
)

// Flag help shared by every command that takes a model, data or a probe.
const (
	ModelUsage = "surfscope checkpoint (.safetensors) or ONNX file; \"embedded\" is the built-in model"
	DataUsage  = "dataset: mnist, fashion, cifar10, cifar100, sample, or a folder"
	ProbeUsage = "data:I,J,K | mixup:I,J | random:I,SEED | flip:I,SEED | grad:I,SEED (adversarial) | pca | pca:I"
)

// Register defines the sampling flags on fs, bound to s's fields with s's values as defaults.
func (s *Sampling) Register(fs *flag.FlagSet) {
	fs.StringVar(&s.Model, "model", s.Model, ModelUsage)
	fs.StringVar(&s.Data, "data", s.Data, DataUsage)
	fs.StringVar(&s.Split, "split", s.Split, "split the image indices refer to: train or test")
	fs.StringVar(&s.Probe, "probe", s.Probe, ProbeUsage)
	fs.IntVar(&s.Grid, "grid", s.Grid, "points per axis of a plane")
	fs.IntVar(&s.Points, "points", s.Points, "points along a line")
	fs.Float64Var(&s.Margin, "margin", s.Margin, "data and flip planes: margin around the images, as a share of the box")
	fs.Float64Var(&s.Range, "range", s.Range, "random, adversarial and PCA planes: coordinates in [−range, range] (PCA: standard deviations; 0 = the kind's default)")
	fs.Float64Var(&s.From, "from", s.From, "mixup lines: first λ (e.g. -0.5 for an extended range)")
	fs.Float64Var(&s.To, "to", s.To, "mixup lines: last λ")
}

// Register defines every flag of the State on fs (the sampling flags and the picture's), bound to
// s's fields with s's values as defaults. `surfscope render` reads its picture through it.
func (s *State) Register(fs *flag.FlagSet) {
	s.Sampling.Register(fs)
	fs.StringVar(&s.Metric, "metric", s.Metric, "planes: "+strings.Join(Metrics, ", "))
	fs.IntVar(&s.Class, "class", s.Class, "logit drawn as height (-1: the class of the probe's first image)")
	fs.StringVar(&s.View, "view", s.View, "surface (3D) or heatmap; lines are always drawn as curves")
	fs.StringVar(&s.Colormap, "colormap", s.Colormap, "colormap: "+strings.Join(render.ColormapNames(), ", ")+" (suffix _r reverses; default: viridis, coolwarm for curvatures)")
	fs.Var(valueRange{&s.ColorMin, &s.ColorMax}, "color-range", "colour range LO,HI (default: automatic, see --color-clip and --symmetric)")
	fs.Float64Var(&s.ColorClip, "color-clip", s.ColorClip, "automatic colour range: percent of the values left out at each end (1 = 1st to 99th percentile; 0 = full range)")
	fs.BoolVar(&s.Symmetric, "symmetric", s.Symmetric, "automatic colour range symmetric about zero")
	fs.Var(valueRange{&s.HeightMin, &s.HeightMax}, "height-range", "height range LO,HI drawn from the floor to the top of the 3D box (default: automatic, see --height-clip)")
	fs.BoolVar(&s.HeightClip, "height-clip", s.HeightClip, "automatic height range: clip far outliers at Tukey's far-out fences (q1 − 3·IQR, q3 + 3·IQR)")
	fs.IntVar(&s.Contours, "contours", s.Contours, "number of contour lines (0 = none)")
	fs.StringVar(&s.Theme, "theme", s.Theme, "background: light or dark (as the app's themes)")
	fs.Var((*cameraFlag)(&s.Camera), "camera", "3D viewpoint YAW,PITCH,DISTANCE[,TX,TY,TZ,FOV] (radians, degrees for FOV; default: the default view)")
	fs.IntVar(&s.Width, "width", s.Width, "picture width in pixels")
	fs.IntVar(&s.Height, "height", s.Height, "picture height in pixels")
	fs.IntVar(&s.Samples, "samples", s.Samples, "antialiasing samples per pixel (1 = none)")
}

// firstFlags come first in Args, in this order; the rest follow by name.
var firstFlags = []string{"model", "data", "split", "probe"}

// Args returns the `surfscope render` flags that reproduce s: the model, data and probe always,
// every other flag whose value differs from Default. ParseArgs(s.Args()) gives s back.
func (s State) Args() []string {
	var have, def flag.FlagSet
	s.Register(&have)
	d := Default()
	d.Register(&def)
	return changedArgs(&have, &def)
}

// changedArgs returns the flags of have: the firstFlags always (split only when it differs from
// def), then every other flag whose value differs from def's.
func changedArgs(have, def *flag.FlagSet) []string {
	var args, rest []string
	values := map[string]string{}
	have.VisitAll(func(f *flag.Flag) {
		v := f.Value.String()
		values[f.Name] = v
		if !slices.Contains(firstFlags, f.Name) && v != def.Lookup(f.Name).Value.String() {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				rest = append(rest, "--"+f.Name+"="+v) // "--flag false" would end the flags
				return
			}
			rest = append(rest, "--"+f.Name, v)
		}
	})
	for _, name := range firstFlags {
		if name != "split" || values[name] != def.Lookup(name).Value.String() {
			args = append(args, "--"+name, values[name])
		}
	}
	return append(args, rest...)
}

// CommandLine returns the shell command that draws s into the PNG file out:
// "surfscope render ARGS --out OUT", each argument quoted for a POSIX shell where it needs it.
func (s State) CommandLine(out string) string {
	return provenance.CommandLine(append(append([]string{"surfscope", "render"}, s.Args()...), "--out", out)...)
}

// CommandLine returns the shell command `surfscope command` (sample, analyze, …) with the flags
// that sample what s describes (model, data and probe always, the others where they differ from
// DefaultSampling), followed by extra, each argument quoted for a POSIX shell where it needs it.
func (s Sampling) CommandLine(command string, extra ...string) string {
	var have, def flag.FlagSet
	s.Register(&have)
	d := DefaultSampling()
	d.Register(&def)
	return provenance.CommandLine(append(append([]string{"surfscope", command}, changedArgs(&have, &def)...), extra...)...)
}

// ParseArgs reads the flags Args writes (any subset: missing flags keep their Default values) and
// validates the State.
func ParseArgs(args []string) (State, error) {
	s := Default()
	fs := flag.NewFlagSet("surfscope render", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s.Register(fs)
	if err := fs.Parse(args); err != nil {
		return State{}, err
	}
	if fs.NArg() > 0 {
		return State{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return s, s.Validate()
}

// formatFloats writes numbers so that strconv.ParseFloat gives them back exactly.
func formatFloats(v ...float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// parseFloats reads n or m comma-separated finite numbers (m = 0: exactly n).
func parseFloats(text string, n, m int) ([]float64, error) {
	parts := strings.Split(text, ",")
	if len(parts) != n && len(parts) != m {
		return nil, fmt.Errorf("want %d numbers separated by commas", n)
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%q is not a finite number", p)
		}
		v[i] = x
	}
	return v, nil
}

// valueRange is a "LO,HI" flag (--color-range, --height-range) over two fields of a State; empty
// (or 0,0 in the State) is the automatic range.
type valueRange struct{ lo, hi *float64 }

func (r valueRange) String() string {
	if r.lo == nil || *r.lo == 0 && *r.hi == 0 {
		return ""
	}
	return formatFloats(*r.lo, *r.hi)
}

func (r valueRange) Set(text string) error {
	if strings.TrimSpace(text) == "" {
		*r.lo, *r.hi = 0, 0
		return nil
	}
	v, err := parseFloats(text, 2, 0)
	if err != nil {
		return err
	}
	if !(v[0] < v[1]) {
		return errors.New("want LO < HI")
	}
	*r.lo, *r.hi = v[0], v[1]
	return nil
}

// cameraFlag is the --camera flag: "YAW,PITCH,DISTANCE" or "YAW,PITCH,DISTANCE,TX,TY,TZ,FOV", empty
// for the default view.
type cameraFlag render.Camera

func (c *cameraFlag) String() string {
	if c == nil || *c == (cameraFlag{}) {
		return ""
	}
	if c.Target == [3]float64{} && c.FOV == 0 {
		return formatFloats(c.Yaw, c.Pitch, c.Distance)
	}
	return formatFloats(c.Yaw, c.Pitch, c.Distance, c.Target[0], c.Target[1], c.Target[2], c.FOV)
}

func (c *cameraFlag) Set(text string) error {
	if strings.TrimSpace(text) == "" {
		*c = cameraFlag{}
		return nil
	}
	v, err := parseFloats(text, 3, 7)
	if err != nil {
		return err
	}
	*c = cameraFlag{Yaw: v[0], Pitch: v[1], Distance: v[2]}
	if len(v) == 7 {
		c.Target, c.FOV = [3]float64{v[3], v[4], v[5]}, v[6]
	}
	return nil
}
