package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/internal/shard"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// modelList collects repeated --model flags.
type modelList []string

func (m *modelList) String() string     { return strings.Join(*m, ",") }
func (m *modelList) Set(v string) error { *m = append(*m, v); return nil }

// atlasConfig is what `surfscope atlas` is asked to do.
type atlasConfig struct {
	models      modelList
	data, split string
	images      int // draw from the first images of the split only (0 = all)
	cfg         surface.AtlasConfig
	json, show  string
	explain     bool
	shard       shard.Shard // --shard: write this share's part into --json
}

func cmdAtlas(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("atlas", args)
	c, err := parseAtlas(args, stderr)
	if err != nil {
		return err
	}
	if c.show != "" {
		return showAtlas(stdout, c.show)
	}
	if c.shard.Split() {
		return writeAtlasPart(ctx, c, rec, stdout, stderr)
	}
	atlases, names, err := runAtlas(ctx, c, stderr)
	if err != nil {
		return err
	}
	printAtlas(stdout, names, atlases)
	if c.explain {
		explainAtlas(stdout, atlases)
	}
	if c.json != "" {
		rec.Data, rec.Split = view.DataProvenance(c.data), c.split
		rec.SetSeed(c.cfg.Seed)
		if err := identifyModels(&rec, c.models...); err != nil {
			return err
		}
		if err := writeJSON(c.json, rec, atlasFile{atlases}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", c.json)
	}
	return nil
}

// parseAtlas reads the flags of `surfscope atlas`.
func parseAtlas(args []string, stderr io.Writer) (*atlasConfig, error) {
	fs := newFlags("atlas", "--model A [--model B ...] --data NAME [--planes 100] [--lines 100] [--grid 32] [--json out.json]", stderr)
	c := &atlasConfig{}
	fs.Var(&c.models, "model", "model to survey (repeat for several; \"embedded\" is the built-in model; default: the built-in model)")
	fs.StringVar(&c.data, "data", "sample", view.DataUsage)
	fs.StringVar(&c.split, "split", dataset.Test, "split the probes are drawn from")
	fs.IntVar(&c.cfg.Planes, "planes", 100, "data planes through three random images")
	fs.IntVar(&c.cfg.Lines, "lines", 100, "mixup lines between random images of different labels")
	fs.IntVar(&c.cfg.Flips, "flips", 0, "flip planes of random images")
	fs.IntVar(&c.cfg.Randoms, "randoms", 0, "random planes through random images (Gaussian directions of the image's norm, coordinates in [−0.5, 0.5])")
	fs.IntVar(&c.cfg.Grid, "grid", 32, "points per axis of a plane")
	fs.IntVar(&c.cfg.Points, "points", 101, "points along a line")
	fs.Uint64Var(&c.cfg.Seed, "seed", 1, "seed of the probe choice (the same for every model)")
	fs.BoolVar(&c.cfg.Regions, "regions", true, "count linear regions (piecewise-linear nets)")
	fs.BoolVar(&c.cfg.Exact, "exact", true, "count linear regions exactly as well (MLPs)")
	fs.BoolVar(&c.explain, "explain", false, "after the table, print the definition of every metric in it (docs/METRICS.md)")
	fs.BoolVar(&c.cfg.InputGradient, "inputgrad", false, "measure exact input gradients on the planes")
	fs.IntVar(&c.images, "images", 0, "draw from the first N images of the split only (0 = all)")
	fs.StringVar(&c.json, "json", "", "JSON file with every model's full distributions")
	fs.StringVar(&c.show, "show", "", "print the table of atlases saved with --json earlier, computing nothing")
	sh := fs.String("shard", "", "run share i/n of the probes (0 ≤ i < n; Slurm: $SLURM_ARRAY_TASK_ID/n) into the part file --json; `surfscope merge` joins the parts")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := c.parseShard(*sh); err != nil {
		return nil, err
	}
	for _, v := range []*int{&c.cfg.Planes, &c.cfg.Lines, &c.cfg.Flips} {
		if *v == 0 {
			*v = -1 // AtlasConfig: 0 means the default, negative none
		}
	}
	if len(c.models) == 0 {
		c.models = modelList{modelfile.Embedded}
	}
	return c, nil
}

// atlasFile is what atlas --json writes: the atlases of the models in their order (after the
// provenance block). Files written before provenance are the bare list.
type atlasFile struct {
	Atlases []*surface.Atlas `json:"atlases"`
}

// maxAtlasBytes bounds the file atlas --show reads (an atlas of ten models is about 1 MB).
const maxAtlasBytes = 256 << 20

// showAtlas prints the table of atlases saved with --json.
func showAtlas(w io.Writer, path string) error {
	b, err := inputfile.ReadAll(path, maxAtlasBytes)
	if err != nil {
		return err
	}
	var file atlasFile
	if err = json.Unmarshal(b, &file); err != nil {
		err = json.Unmarshal(b, &file.Atlases) // the bare list of older files
	}
	saved := file.Atlases
	if err != nil || len(saved) == 0 {
		return fmt.Errorf("%s: not an atlas file written by --json (%v)", path, err)
	}
	var names []string
	for _, a := range saved {
		names = append(names, atlasName(a.Model))
	}
	printAtlas(w, names, saved)
	return nil
}

// explainAtlas prints the definition of every metric of the table, from docs/METRICS.md.
func explainAtlas(w io.Writer, atlases []*surface.Atlas) {
	done := map[string]bool{}
	for _, m := range atlasRows(atlases) {
		help := view.MetricHelp(m.Name)
		fmt.Fprintf(w, "\n%s (%s)\n", m.Label, m.Name)
		if done[help] {
			fmt.Fprintln(w, "  as above")
			continue
		}
		done[help] = true
		fmt.Fprintln(w, help)
	}
}

// runAtlas builds the atlas of each model over the same probes, and names each model's column.
func runAtlas(ctx context.Context, c *atlasConfig, stderr io.Writer) ([]*surface.Atlas, []string, error) {
	var atlases []*surface.Atlas
	var names []string
	for _, path := range c.models {
		net, set, err := c.open(path)
		if err != nil {
			return nil, nil, err
		}
		name := atlasName(path)
		pr := &progress{w: stderr, what: "atlas " + name}
		start := time.Now()
		a, err := surface.BuildAtlas(ctx, net, set.Images, set.Labels, &c.cfg, pr.update)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(stderr, "atlas %s: %.1f s\n", name, time.Since(start).Seconds())
		a.Model = path
		atlases = append(atlases, a)
		names = append(names, name)
	}
	return atlases, names, nil
}

// open loads a model and the images its atlas draws from.
func (c *atlasConfig) open(path string) (*models.Net, *dataset.Set, error) {
	net, set, err := openModel(path, c.data, c.split)
	if err != nil {
		return nil, nil, err
	}
	if c.images > 0 {
		set = set.Head(min(c.images, set.Len()))
	}
	return net, set, nil
}

// atlasName is the column title of a model: its file name without the extension.
func atlasName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// printColumns prints a table whose first and last columns (names and keys) are left-aligned
// and the numbers between right-aligned, every column as wide as its widest cell.
func printColumns(w io.Writer, head []string, rows [][]string) {
	width := make([]int, len(head))
	for _, r := range append(rows, head) {
		for c, cell := range r {
			width[c] = max(width[c], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range append([][]string{head}, rows...) {
		for c, cell := range r {
			pad := strings.Repeat(" ", width[c]-utf8.RuneCountInString(cell))
			switch c {
			case 0:
				fmt.Fprint(w, cell+pad)
			case len(r) - 1:
				fmt.Fprint(w, "  "+cell)
			default:
				fmt.Fprint(w, "  "+pad+cell)
			}
		}
		fmt.Fprintln(w)
	}
}
