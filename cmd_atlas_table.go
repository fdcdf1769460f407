package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/surfscope/surfscope/surface"
)

// Paired differences between models in the atlas table: the median over the probes of the
// per-probe difference, with a percentile bootstrap interval (surface.MedianDifference).
const (
	diffLevel     = 0.95
	diffResamples = 2000
)

// saturatedBy names, for the count rows that a grid can saturate, the row holding the share of
// probes where it did.
var saturatedBy = map[string]string{
	"plane.patterns": "plane.regions_saturated", "plane.components": "plane.regions_saturated",
	"line.patterns": "line.pieces_saturated", "line.components": "line.pieces_saturated", "line.pieces": "line.pieces_saturated",
}

// atlasNumber formats a table number: "–" for NaN, whole numbers from 1000 up, else 3 digits.
func atlasNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.Abs(v) >= 1000 && math.Abs(v) < 1e9:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// signed formats a difference with its sign.
func signed(v float64) string {
	if s := atlasNumber(v); v > 0 && s != "0" {
		return "+" + s
	}
	return strings.Replace(atlasNumber(v), "-", "−", 1)
}

// atlasRows returns the metrics to print: those some atlas holds, without the flip rows when no
// atlas ran flip planes.
func atlasRows(atlases []*surface.Atlas) []surface.AtlasMetric {
	flips := 0
	for _, a := range atlases {
		flips += a.Probes["flip"]
	}
	var rows []surface.AtlasMetric
	for _, m := range surface.AtlasMetrics {
		if strings.HasPrefix(m.Name, "flip.") && flips == 0 {
			continue
		}
		for _, a := range atlases {
			if _, ok := a.Metrics[m.Name]; ok {
				rows = append(rows, m)
				break
			}
		}
	}
	return rows
}

// saturated reports whether atlas a's count in row name saturated the grid on some probe.
func saturated(a *surface.Atlas, name string) bool {
	sat, ok := saturatedBy[name]
	return ok && a.Metrics[sat].N > 0 && a.Metrics[sat].Mean > 0
}

// paired reports whether two atlases measured the same probes (same seed, grid, points and
// probe counts), so that their values pair up.
func paired(a, b *surface.Atlas) bool {
	ca, cb := a.Config, b.Config
	if ca.Seed != cb.Seed || ca.Grid != cb.Grid || ca.Points != cb.Points || a.Values == nil || b.Values == nil {
		return false
	}
	for _, k := range []string{"plane", "line", "flip"} {
		if a.Probes[k] != b.Probes[k] {
			return false
		}
	}
	return true
}

// printAtlas prints the metrics as a table: for one model mean and quartiles; for several, the
// median and quartile range of each model side by side, then for each model after the first its
// paired difference from the first with a bootstrap interval. Counts that saturated the grid on
// some probe are marked with *.
func printAtlas(w io.Writer, names []string, atlases []*surface.Atlas) {
	a0 := atlases[0]
	head := fmt.Sprintf("atlas over %d data planes, %d mixup lines", a0.Probes["plane"], a0.Probes["line"])
	if a0.Probes["flip"] > 0 {
		head += fmt.Sprintf(", %d flip planes", a0.Probes["flip"])
	}
	fmt.Fprintf(w, "%s (grid %d, line %d points, seed %d)\n", head, a0.Config.Grid, a0.Config.Points, a0.Config.Seed)
	anySaturated := false
	cell := func(a *surface.Atlas, m surface.AtlasMetric, text string) string {
		if saturated(a, m.Name) {
			anySaturated = true
			return text + " *"
		}
		return text
	}
	var rows [][]string
	var cols []string
	if len(atlases) == 1 {
		cols = []string{"metric", "mean", "q1", "median", "q3", "key"}
		for _, m := range atlasRows(atlases) {
			st := a0.Metrics[m.Name]
			rows = append(rows, []string{m.Label, atlasNumber(st.Mean), atlasNumber(st.Q1), cell(a0, m, atlasNumber(st.Median)),
				atlasNumber(st.Q3), m.Name})
		}
	} else {
		cols, rows = compareRows(names, atlases, cell)
	}
	printColumns(w, cols, rows)
	if anySaturated {
		fmt.Fprintln(w, "* the count reached the grid's resolution on some probes (see the saturated row): a lower bound")
	}
	if len(atlases) > 1 {
		fmt.Fprintf(w, "Δ: median over the probes of the paired difference from %s, each probe measured on both models; "+
			"%.0f%% percentile bootstrap interval, %d resamples, seed %d\n", names[0], 100*diffLevel, diffResamples, a0.Config.Seed)
	}
	fmt.Fprintln(w, "definitions: --explain, or docs/METRICS.md under the key")
}

// compareRows makes the columns and rows of the table of several models: median [q1, q3] per
// model, then the paired differences from the first.
func compareRows(names []string, atlases []*surface.Atlas, cell func(*surface.Atlas, surface.AtlasMetric, string) string) ([]string, [][]string) {
	a0 := atlases[0]
	cols := append([]string{"median [q1, q3]"}, names...)
	for _, n := range names[1:] {
		cols = append(cols, "Δ "+n+" − "+names[0]+" [CI]")
	}
	cols = append(cols, "key")
	var rows [][]string
	for _, m := range atlasRows(atlases) {
		row := []string{m.Label}
		for _, a := range atlases {
			text := "–"
			if st, ok := a.Metrics[m.Name]; ok {
				text = atlasNumber(st.Median)
				if st.N > 1 {
					text += " [" + atlasNumber(st.Q1) + ", " + atlasNumber(st.Q3) + "]"
				}
				text = cell(a, m, text)
			}
			row = append(row, text)
		}
		for k, a := range atlases[1:] {
			text := "–"
			if paired(a0, a) {
				d, err := surface.MedianDifference(a0.Values[m.Name], a.Values[m.Name], diffLevel, diffResamples, a0.Config.Seed+uint64(k))
				if err == nil {
					text = signed(d.Median) + " [" + signed(d.Lo) + ", " + signed(d.Hi) + "]"
				}
			}
			row = append(row, text)
		}
		rows = append(rows, append(row, m.Name))
	}
	return cols, rows
}
