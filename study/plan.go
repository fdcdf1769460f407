package study

import (
	"path/filepath"
	"slices"

	"github.com/surfscope/surfscope/internal/shard"
)

// Stage names. A cell runs StageModel and then its analyses; a dataset's StageFigures draws its
// cells side by side; StageReport writes results.json and report.html.
const (
	StageModel     = "model"
	StageGates     = "gates"
	StageAtlas     = "atlas"
	StageNTK       = "ntk"
	StageHessian   = "hessian"
	StageLandscape = "landscape"
	StageFigures   = "figures"
	StageReport    = "report"
)

// CellStages are the stages of a cell, in the order they run.
var CellStages = []string{StageModel, StageGates, StageAtlas, StageNTK, StageHessian, StageLandscape}

// Stages are all stages: a cell's, then the dataset's figures and the report.
var Stages = append(slices.Clone(CellStages), StageFigures, StageReport)

// cell is one (dataset, variant) of a study.
type cell struct {
	data     string // as given: a name or a folder
	dataName string // its folder name (DataName)
	variant  Variant
}

// id is "DATA/VARIANT".
func (c *cell) id() string { return c.dataName + "/" + c.variant.Name() }

// dir is the cell's folder in the study folder out.
func (c *cell) dir(out string) string {
	return filepath.Join(out, "cells", c.dataName, c.variant.Name())
}

// unit is one piece of a study's work: a stage of a cell, a dataset's figures, or the report.
type unit struct {
	key    string // "mnist/add/atlas", "mnist/figures", "report"
	stage  string
	cell   *cell  // nil for figures and the report
	data   string // the dataset (figures), as given
	deps   []string
	weight float64 // estimated cost in seconds on two cores, for the ETA
	memMiB int     // estimated peak memory
}

// plan lists the cells of a configuration: datasets in order, each with every variant.
func plan(c *Config) []*cell {
	var cells []*cell
	for _, d := range c.Data {
		for _, v := range c.Variants() {
			cells = append(cells, &cell{data: d, dataName: DataName(d), variant: v})
		}
	}
	return cells
}

// units lists every unit of a study in a fixed order with its dependencies and estimated cost.
func units(c *Config, cells []*cell) []*unit {
	var us []*unit
	scale := float64(c.Width*c.Width) * float64(c.Depth) / 8 // relative to ResNet-8
	s := c.Settings
	images := float64(c.Limit)
	if images == 0 {
		images = 50000
	}
	trainCost := images * 15 * 2.5e-3 * scale
	if c.Models != "" { // imported: measured on its training and test images
		trainCost = (images + 10000) * 0.5e-3 * scale
	}
	cost := map[string]float64{
		StageModel:     trainCost,
		StageGates:     float64(s.GateImages)*1e-3*scale + 1,
		StageAtlas:     float64((s.Planes+s.Flips+s.Randoms)*s.Grid*s.Grid+s.Lines*s.Points) * 2e-3 * scale,
		StageNTK:       float64(s.NTK)*10*3e-3*scale*(1+b2f(s.NTKInit)) + 2e-9*float64(s.NTK*s.NTK*s.NTK),
		StageHessian:   float64(s.HessianImages*s.HessianSteps) * 2 * 2.5e-3 * scale,
		StageLandscape: float64(s.LandscapeGrid*s.LandscapeGrid*s.LandscapeImages) * 0.5e-3 * scale,
	}
	mem := map[string]int{StageModel: 1200, StageGates: 400, StageAtlas: 500, StageNTK: 1500, StageHessian: 800, StageLandscape: 500}
	var figDeps = map[string][]string{}
	off := map[string]bool{StageNTK: s.NTK == 0, StageHessian: s.HessianImages == 0 || s.HessianSteps == 0, StageLandscape: s.LandscapeGrid == 0}
	for _, cl := range cells {
		model := cl.id() + "/" + StageModel
		for _, st := range CellStages {
			if off[st] {
				continue // settings of 0: the stage is not part of this study
			}
			u := &unit{key: cl.id() + "/" + st, stage: st, cell: cl, weight: cost[st], memMiB: mem[st]}
			if st != StageModel {
				u.deps = []string{model}
			}
			us = append(us, u)
		}
		figDeps[cl.data] = append(figDeps[cl.data], model)
	}
	var figures []string
	for _, d := range c.Data {
		u := &unit{key: DataName(d) + "/" + StageFigures, stage: StageFigures, data: d, deps: figDeps[d], memMiB: 600,
			weight: float64(len(c.Shortcuts)*len(s.FigureProbes)*s.FigureGrid*s.FigureGrid)*1e-3*scale + 5}
		us = append(us, u)
		figures = append(figures, u.key)
	}
	// The report comes after everything this run does (the scheduler runs it last) and reports
	// what exists; a stage not done is listed as missing.
	return append(us, &unit{key: StageReport, stage: StageReport, deps: figures, weight: 10, memMiB: 300})
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Shard is one share of a study's units: Index in 0…Count−1 (Slurm's $SLURM_ARRAY_TASK_ID with
// --array=0-(n−1), Kubernetes' JOB_COMPLETION_INDEX). The zero value is the whole study. It is the
// same share the atlas and landscape parts use.
type Shard = shard.Shard

// selectUnits returns the units a run does: those of the chosen stages (all for none), and of
// them the shard's share. Units are dealt to shards round-robin in plan order by a key: the cell
// when the run trains (so that a cell's model and its analyses stay in one shard), else the unit
// itself (a cell's analyses spread over shards once its model exists). Figures and the report
// need every cell: a sharded run leaves them to Merge or to a later unsharded run.
func selectUnits(all []*unit, stages []string, sh Shard) []*unit {
	chosen := func(st string) bool { return len(stages) == 0 || slices.Contains(stages, st) }
	trains := chosen(StageModel)
	var keys []string
	var out []*unit
	for _, u := range all {
		if !chosen(u.stage) || sh.Split() && u.cell == nil {
			continue
		}
		key := u.key
		if u.cell != nil && trains {
			key = u.cell.id()
		}
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
		if !sh.Split() || slices.Index(keys, key)%sh.Count == sh.Index {
			out = append(out, u)
		}
	}
	return out
}
