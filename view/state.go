package view

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// Sampling says what is sampled: a model, a dataset split, a probe through its images, and the
// probe's resolution and extent. Every command that samples a probe takes these as flags
// (Register); the JSON keys are the flag names.
type Sampling struct {
	Model  string  `json:"model"`  // checkpoint (.safetensors) or .onnx file; "embedded" (or "") is the built-in model
	Data   string  `json:"data"`   // mnist, fashion, cifar10, cifar100, sample, or a folder
	Split  string  `json:"split"`  // the split the probe's image numbers index: train or test
	Probe  string  `json:"probe"`  // probe spec, as projection.ParseSpec reads it
	Grid   int     `json:"grid"`   // points per axis of a plane
	Points int     `json:"points"` // points along a line
	Margin float64 `json:"margin"` // data and flip planes: margin around the images, a share of the box; 0 means none
	Range  float64 `json:"range"`  // random, adversarial and PCA planes: half-width; 0 means the kind's default
	From   float64 `json:"from"`   // mixup lines: first λ
	To     float64 `json:"to"`     // mixup lines: last λ
}

// DefaultSampling is what the commands sample when given no flags: logits of the embedded model
// on the data plane through the embedded sample's test images 0, 1 and 2.
func DefaultSampling() Sampling {
	return Sampling{Model: "embedded", Data: "sample", Split: dataset.Test, Probe: "data:0,1,2",
		Grid: 64, Points: 101, Margin: 0.1, To: 1}
}

// Spec parses the probe spec.
func (s Sampling) Spec() (projection.Spec, error) { return projection.ParseSpec(s.Probe) }

// Sizes returns the resolution and extent of the probe in projection's terms.
func (s Sampling) Sizes() projection.Sizes {
	margin := s.Margin
	if margin == 0 {
		margin = -1 // projection.Sizes: zero is the default margin, negative none
	}
	return projection.Sizes{Grid: s.Grid, Points: s.Points, Margin: margin, Range: s.Range, Lo: s.From, Hi: s.To}
}

// Validate reports the first field that cannot describe a probe; sizes out of range are left to
// projection, which names the limits.
func (s Sampling) Validate() error {
	if s.Split != dataset.Train && s.Split != dataset.Test {
		return fmt.Errorf("--split %q: want train or test", s.Split)
	}
	if _, err := s.Spec(); err != nil {
		return err
	}
	for _, f := range []struct {
		flag  string
		value float64
	}{{"margin", s.Margin}, {"range", s.Range}, {"from", s.From}, {"to", s.To}} {
		if math.IsNaN(f.value) || math.IsInf(f.value, 0) {
			return fmt.Errorf("--%s %v: want a finite number", f.flag, f.value)
		}
		if f.value < 0 && (f.flag == "margin" || f.flag == "range") {
			return fmt.Errorf("--%s %g: want a value ≥ 0", f.flag, f.value)
		}
	}
	if !(s.From < s.To) {
		return fmt.Errorf("--from %g, --to %g: a mixup line needs --from < --to", s.From, s.To)
	}
	return nil
}

// State describes one picture completely: what is sampled and how it is drawn. The same State
// gives the same picture in the app and from `surfscope render` (Args gives its flags, ParseArgs
// reads them back); it is saved as JSON with the flag names as keys (ParseJSON reads it back).
type State struct {
	Sampling
	Metric   string  `json:"metric"`    // one of Metrics
	Class    int     `json:"class"`     // logit drawn; -1 means the class of the probe's first image (0 without one)
	View     string  `json:"view"`      // surface or heatmap; a line is always drawn as curves
	Colormap string  `json:"colormap"`  // a render.ColormapNames name, "_r" reverses it; "" means the metric's (DefaultColormap)
	ColorMin float64 `json:"color_min"` // colour range; both zero means the automatic range (ColorClip, Symmetric)
	ColorMax float64 `json:"color_max"`
	// ColorClip is the percentage of the colour values left out at each end of the automatic colour
	// range (1: the 1st to 99th percentile); 0 means the values' full range. Symmetric makes the
	// automatic range symmetric about zero (diverging colormaps always are).
	ColorClip float64 `json:"color_clip"`
	Symmetric bool    `json:"symmetric"`
	// HeightMin and HeightMax fix the height range (render.Scene.ZMin/ZMax); both zero means the
	// automatic range: the heights' own, clipped at Tukey's far-out fences when HeightClip is set
	// and some height lies beyond them (see HeightScale). Pictures compared side by side share one.
	HeightMin  float64       `json:"height_min,omitempty"`
	HeightMax  float64       `json:"height_max,omitempty"`
	HeightClip bool          `json:"height_clip"`
	Contours   int           `json:"contours"` // contour lines; 0 means none
	Theme      string        `json:"theme"`    // light or dark: the background, as the app's themes draw it
	Camera     render.Camera `json:"camera"`   // the zero value is the default view
	Width      int           `json:"width"`    // picture size in pixels
	Height     int           `json:"height"`
	Samples    int           `json:"samples"` // antialiasing samples per pixel (1 means none)
}

// Views are the names State.View takes.
var Views = []string{"surface", "heatmap"}

// Themes are the names State.Theme takes.
var Themes = []string{"light", "dark"}

// Default is the picture `surfscope render` draws when given no flags.
func Default() State {
	return State{Sampling: DefaultSampling(), Metric: "logit", Class: -1, View: "surface", ColorClip: 1, HeightClip: true,
		Contours: 12, Theme: "light", Width: 1600, Height: 1000, Samples: 16}
}

// maxPixels is the largest picture a State may ask for.
const maxPixels = 1 << 27

// Validate reports the first field that cannot describe a picture, naming its flag.
func (s State) Validate() error {
	if err := s.Sampling.Validate(); err != nil {
		return err
	}
	if s.Width < 16 || s.Height < 16 || s.Width > 16384 || s.Height > 16384 || s.Width*s.Height > maxPixels {
		return fmt.Errorf("picture size %dx%d: want 16 to 16384 pixels a side and at most %d pixels", s.Width, s.Height, maxPixels)
	}
	if !slices.Contains(Metrics, s.Metric) {
		return fmt.Errorf("--metric %q: want one of %s", s.Metric, strings.Join(Metrics, ", "))
	}
	if s.Class < -1 {
		return fmt.Errorf("--class %d: want a class number, or -1 for the class of the probe's first image", s.Class)
	}
	if !slices.Contains(Views, s.View) {
		return fmt.Errorf("--view %q: want surface or heatmap", s.View)
	}
	if _, err := render.ColormapByName(s.Colormap); err != nil && s.Colormap != "" {
		return fmt.Errorf("--colormap: %v", err)
	}
	if !slices.Contains(Themes, s.Theme) {
		return fmt.Errorf("--theme %q: want light or dark", s.Theme)
	}
	lo, hi := s.ColorMin, s.ColorMax
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo < hi || lo == 0 && hi == 0) {
		return fmt.Errorf("--color-range %g,%g: want finite LO < HI (or none for the values' own range)", lo, hi)
	}
	if !(s.ColorClip >= 0 && s.ColorClip < 25) {
		return fmt.Errorf("--color-clip %g: want a percentage from 0 to 25", s.ColorClip)
	}
	lo, hi = s.HeightMin, s.HeightMax
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || !(lo < hi || lo == 0 && hi == 0) {
		return fmt.Errorf("--height-range %g,%g: want finite LO < HI (or none for the automatic range)", lo, hi)
	}
	if s.Contours < 0 || s.Samples < 0 {
		return fmt.Errorf("--contours %d, --samples %d: want values ≥ 0", s.Contours, s.Samples)
	}
	c := s.Camera
	for _, v := range []float64{c.Yaw, c.Pitch, c.Distance, c.Target[0], c.Target[1], c.Target[2], c.FOV} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("--camera: %v is not a finite number", v)
		}
	}
	return nil
}

// ParseJSON reads a State saved as JSON; keys it lacks keep their Default values.
func ParseJSON(b []byte) (State, error) {
	s := Default()
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, fmt.Errorf("view state: %v", err)
	}
	return s, s.Validate()
}

// Background returns the background colour of a theme: the background of Fyne's default light or
// dark theme, so that a picture drawn headless matches the app's. Unknown names are light.
func Background(theme string) color.Color {
	if theme == "dark" {
		return color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}
	}
	return color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
}

// ClassOf returns the logit the State draws on g: Class, or for -1 the label of the probe's first
// image in set (0 when the probe has no image, as a PCA plane through the mean). A class the model
// does not have is an error.
func (s State) ClassOf(g *surface.Grid, set *dataset.Set) (int, error) {
	k := s.Class
	if k < 0 {
		k = 0
		if spec, err := s.Spec(); err == nil && len(spec.Images) > 0 && set != nil && spec.Images[0] < set.Len() {
			k = set.Labels[spec.Images[0]]
		}
	}
	if k >= g.K {
		return 0, fmt.Errorf("--class %d: the model has %d classes", k, g.K)
	}
	return k, nil
}

// SceneOptions resolves the State's names into the renderer's terms for grid g sampled on set.
func (s State) SceneOptions(g *surface.Grid, set *dataset.Set) (SceneOptions, error) {
	if err := s.Validate(); err != nil {
		return SceneOptions{}, err
	}
	k, err := s.ClassOf(g, set)
	if err != nil {
		return SceneOptions{}, err
	}
	name := s.Colormap
	if name == "" {
		name = DefaultColormap(s.Metric)
	}
	cm, _ := render.ColormapByName(name) // checked by Validate
	v := render.ViewSurface
	if s.View == "heatmap" {
		v = render.ViewHeatmap
	}
	return SceneOptions{Class: k, View: v, Contours: s.Contours, Colormap: cm, Background: Background(s.Theme),
		Samples: s.Samples, Metric: s.Metric, Min: s.ColorMin, Max: s.ColorMax, ColorClip: s.ColorClip,
		Symmetric: s.Symmetric, ZMin: s.HeightMin, ZMax: s.HeightMax, HeightClip: s.HeightClip,
		Camera: s.Camera, Caption: s.Caption()}, nil
}

// DefaultColormap is the colormap of a metric when the State names none: coolwarm (diverging, about
// zero) for the signed curvatures, viridis for everything else.
func DefaultColormap(metric string) string {
	if SignedMetric(metric) {
		return "coolwarm"
	}
	return "viridis"
}

// SignedMetric reports whether a metric's values are signed about a meaningful zero (the
// curvatures), so that a diverging colormap centred on zero reads them.
func SignedMetric(metric string) bool {
	return metric == "Gaussian curvature" || metric == "mean curvature"
}

// ModelName is how a picture names the model of a Sampling: "embedded MLP" for the built-in model,
// else the file's name.
func ModelName(model string) string {
	if model == "" || model == "embedded" {
		return "embedded MLP"
	}
	return filepath.Base(model)
}

// Caption says what the picture shows, in one line under its title: the model, the data and
// split, the probe and its resolution.
func (s State) Caption() string {
	res := fmt.Sprintf("%d×%d grid", s.Grid, s.Grid)
	if spec, err := s.Spec(); err == nil && spec.Kind == "mixup" {
		res = fmt.Sprintf("%d points, λ from %g to %g", s.Points, s.From, s.To)
	}
	return fmt.Sprintf("%s · %s, %s split · %s · %s", ModelName(s.Model), s.Data, s.Split, s.Probe, res)
}

// Scene is the picture of grid g, sampled on set as the State says, ready for a renderer.
func (s State) Scene(g *surface.Grid, set *dataset.Set) (render.Scene, error) {
	o, err := s.SceneOptions(g, set)
	if err != nil {
		return render.Scene{}, err
	}
	return Scene(g, set, o)
}

// Render draws the State's picture of g, Width by Height pixels, with r.
func (s State) Render(r render.Renderer, g *surface.Grid, set *dataset.Set) (*image.RGBA, error) {
	sc, err := s.Scene(g, set)
	if err != nil {
		return nil, err
	}
	need := 4*int64(s.Width)*int64(s.Height) + render.MemoryNeed(s.Width, s.Height, s.Samples)
	if err := memcap.Check(fmt.Sprintf("a %dx%d picture with %d samples a pixel", s.Width, s.Height, s.Samples), need); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
	if err := r.Render(img, &sc); err != nil {
		return nil, err
	}
	return img, nil
}
