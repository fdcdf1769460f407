package study

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train"
)

// Config is what a study is asked to do: which networks on which data, and how much of each
// analysis. The zero value is not valid; start from Full or Quick.
type Config struct {
	Data      []string `json:"data"`      // dataset names (mnist, fashion, cifar10, cifar100, sample) or folders
	Depth     int      `json:"depth"`     // ResNet depth 6n+2
	Width     int      `json:"width"`     // channel multiplier
	Shortcuts []string `json:"shortcuts"` // one variant per shortcut kind (models.Shortcuts)
	SE        bool     `json:"se"`        // squeeze-excitation gates in every variant
	Models    string   `json:"models,omitempty"`
	Limit     int      `json:"limit"` // train on the first Limit training images (0: all)
	// TestImages is the number of test images the training measures after each epoch, and an
	// imported model is scored on (0: the whole test split).
	TestImages int          `json:"test_images,omitempty"`
	Seed       int64        `json:"seed"` // weights and batch order (every variant the same)
	Train      train.Config `json:"train"`
	Settings   Settings     `json:"settings"`
	Preset     string       `json:"preset"` // the preset the settings came from: full, quick or custom
}

// Settings say how much of each analysis a study runs.
type Settings struct {
	// The atlas: data planes, mixup lines, flip planes and random planes drawn from the first
	// ProbeImages test images (0: all), Grid points per axis, Points per line, linear regions
	// counted or not.
	Planes, Lines, Flips, Randoms int
	Grid, Points                  int
	ProbeImages                   int
	Regions                       bool
	// Gate saturation over the first GateImages training images.
	GateImages int
	// The NTK on the first NTK test images, with NTKTrials kernel regressions per training size,
	// and the kernel at initialisation when NTKInit.
	NTK, NTKTrials int
	NTKInit        bool
	// The Hessian's extreme eigenvalues on the first HessianImages training images.
	HessianImages, HessianSteps int
	HessianTol                  float64
	// The loss landscape: LandscapeGrid² points in [−LandscapeRange, LandscapeRange]² on the first
	// LandscapeImages training images.
	LandscapeGrid, LandscapeImages int
	LandscapeRange                 float64
	// The report's surfaces: each probe of FigureProbes sampled at FigureGrid points per axis.
	FigureGrid   int
	FigureProbes []string
	// Bootstrap resamples of the shift intervals, at confidence Level.
	Bootstrap int
	Level     float64
}

// Full is the preset of a real study: the default of `surfscope study`.
func Full() Config {
	return Config{Depth: 8, Width: 1, Shortcuts: []string{"add", "mul", "bnmul", "bnmul1", "gate"}, Seed: 1,
		Train: train.Config{Optimizer: "adam", BatchSize: 128, MaxEpochs: 50, UntilFit: true}, Preset: "full",
		Settings: Settings{Planes: 60, Lines: 60, Flips: 60, Randoms: 60, Grid: 32, Points: 101, ProbeImages: 2000, Regions: true,
			GateImages: 2000, NTK: 500, NTKTrials: 3, NTKInit: true,
			HessianImages: 500, HessianSteps: 100, HessianTol: 1e-3,
			LandscapeGrid: 21, LandscapeImages: 500, LandscapeRange: 1,
			FigureGrid: 48, FigureProbes: []string{"data:0,1,2", "mixup:0,1", "flip:0,1", "random:0,1"},
			Bootstrap: 2000, Level: 0.95}}
}

// Quick is a demonstration preset: on the embedded sample it finishes in minutes on two cores.
func Quick() Config {
	c := Full()
	c.Shortcuts, c.Limit, c.Preset = []string{"add", "mul"}, 1000, "quick"
	c.Train.MaxEpochs = 30
	c.Settings = Settings{Planes: 10, Lines: 10, Flips: 10, Randoms: 10, Grid: 16, Points: 41, ProbeImages: 1000, Regions: true,
		GateImages: 500, NTK: 120, NTKTrials: 2, NTKInit: true,
		HessianImages: 200, HessianSteps: 40, HessianTol: 1e-2,
		LandscapeGrid: 9, LandscapeImages: 200, LandscapeRange: 1,
		FigureGrid: 32, FigureProbes: []string{"data:0,1,2", "mixup:0,1", "flip:0,1"},
		Bootstrap: 1000, Level: 0.95}
	return c
}

// Variant is one network of the study: a shortcut kind, with or without SE gates.
type Variant struct {
	Shortcut models.Shortcut `json:"shortcut"`
	SE       bool            `json:"se"`
}

// Name is the variant's name in folders and tables: the shortcut kind, "+se" with SE gates.
func (v Variant) Name() string {
	if v.SE {
		return string(v.Shortcut) + "+se"
	}
	return string(v.Shortcut)
}

// Variants returns the study's variants in the order of Shortcuts.
func (c *Config) Variants() []Variant {
	out := make([]Variant, len(c.Shortcuts))
	for i, s := range c.Shortcuts {
		out[i] = Variant{Shortcut: models.Shortcut(s), SE: c.SE}
	}
	return out
}

// Validate reports the first setting that cannot make a study.
func (c *Config) Validate() error {
	switch {
	case len(c.Data) == 0:
		return fmt.Errorf("study: no data (--data mnist,fashion,…)")
	case len(c.Shortcuts) == 0:
		return fmt.Errorf("study: no variants (--shortcuts add,mul,…)")
	case c.Depth < 8 || (c.Depth-2)%6 != 0:
		return fmt.Errorf("study: ResNet depth %d: want 6n+2 (8, 14, 20, …)", c.Depth)
	case c.Width < 1 || c.Limit < 0:
		return fmt.Errorf("study: width %d, limit %d: want width ≥ 1 and limit ≥ 0", c.Width, c.Limit)
	}
	seen := map[string]bool{}
	for _, s := range c.Shortcuts {
		if !slices.Contains(models.Shortcuts, models.Shortcut(s)) {
			return fmt.Errorf("study: shortcut %q: want one of %s", s, shortcutNames())
		}
		if seen[s] {
			return fmt.Errorf("study: shortcut %q given twice", s)
		}
		seen[s] = true
	}
	names := map[string]string{}
	for _, d := range c.Data {
		n := DataName(d)
		if other, ok := names[n]; ok {
			return fmt.Errorf("study: --data %s and %s would share the folder cells/%s", other, d, n)
		}
		names[n] = d
	}
	s := c.Settings
	if s.Planes < 0 || s.Lines < 0 || s.Flips < 0 || s.Randoms < 0 || s.Planes+s.Lines+s.Flips+s.Randoms == 0 {
		return fmt.Errorf("study: %d planes, %d lines, %d flip planes, %d random planes: want at least one probe", s.Planes, s.Lines, s.Flips, s.Randoms)
	}
	if s.Grid < 4 || s.Points < 8 || s.FigureGrid < 4 || s.NTK < 0 || s.NTK > 0 && s.NTK < 8 || s.LandscapeGrid < 0 || s.LandscapeGrid > 0 && s.LandscapeGrid < 3 || s.HessianImages < 0 {
		return fmt.Errorf("study: grid %d, points %d, figure grid %d, NTK samples %d, landscape grid %d: want grid ≥ 4, points ≥ 8, figure grid ≥ 4, NTK samples 0 or ≥ 8, landscape grid 0 or ≥ 3",
			s.Grid, s.Points, s.FigureGrid, s.NTK, s.LandscapeGrid)
	}
	if !(s.Level > 0 && s.Level < 1) || s.Bootstrap < 100 {
		return fmt.Errorf("study: confidence level %g with %d bootstrap resamples: want 0 < level < 1 and at least 100", s.Level, s.Bootstrap)
	}
	return nil
}

func shortcutNames() string {
	var n []string
	for _, s := range models.Shortcuts {
		n = append(n, string(s))
	}
	return strings.Join(n, ", ")
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._+-]+`)

// DataName is the folder name of a dataset in a study: the name itself for the named datasets, the
// folder's base name for a folder, with anything but letters, digits and ._+- replaced by _.
func DataName(data string) string {
	n := filepath.Base(filepath.Clean(data))
	n = unsafeName.ReplaceAllString(n, "_")
	if n == "" || n == "." || n == ".." {
		n = "data"
	}
	return n
}
