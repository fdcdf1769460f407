package study

import (
	"context"
	"fmt"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/surface/ntk"
)

// Skipped is the result of an analysis of a cell whose model could not be trained.
type Skipped struct {
	Skipped string `json:"skipped"`
}

// analysisConfig is what an analysis's configuration hash covers: the model file's SHA-256, the
// data and the analysis's own settings.
type analysisConfig struct {
	Model    string `json:"model"`
	Data     string `json:"data"`
	Images   int    `json:"images"`
	Settings any    `json:"settings"`
}

// cellModel reads the cell's model record and loads the model fitted to the cell's data; m.Failed
// says the model stage failed (net is nil then).
func (r *runner) cellModel(cl *cell) (*ModelResult, *models.Net, error) {
	var m ModelResult
	if _, err := loadResult(r.recordPath(cl, StageModel), &m); err != nil {
		return nil, nil, err
	}
	if m.Failed != "" {
		return &m, nil, nil
	}
	net, err := modelfile.Load(m.File(r.out))
	if err != nil {
		return nil, nil, err
	}
	set, err := r.split(cl.data, dataset.Test)
	if err != nil {
		return nil, nil, err
	}
	if err := modelfile.Fit(net, [3]int{set.C, set.H, set.W}, set.Name); err != nil {
		return nil, nil, err
	}
	return &m, net, nil
}

// analysis runs one analysis of a cell: it loads the model, skips the work when the record with
// this configuration exists, and otherwise runs compute and writes its result.
func (r *runner) analysis(ctx context.Context, u *unit, images int, settings any,
	compute func(net *models.Net, m *ModelResult) (any, error)) error {
	m, net, err := r.cellModel(u.cell)
	if err != nil {
		return err
	}
	rec, path, skip, err := r.begin(u, analysisConfig{Model: m.SHA256, Data: u.cell.data, Images: images, Settings: settings})
	if err != nil || skip {
		return err
	}
	rec.Provenance.Models = []ModelRef{{Path: r.abs(m.File(r.out)), SHA256: m.SHA256}}
	if m.Failed != "" {
		return writeRecord(path, rec, Skipped{Skipped: "the model's training failed: " + m.Failed})
	}
	start := time.Now()
	res, err := compute(net, m)
	if err != nil {
		return fmt.Errorf("%s: %w", u.key, err)
	}
	rec.Seconds = time.Since(start).Seconds()
	return writeRecord(path, rec, res)
}

// atlasStage builds the surface atlas of the cell's model on the test split: the same probes for
// every variant of a dataset (one seed).
func (r *runner) atlasStage(ctx context.Context, u *unit, p *unitProgress) error {
	s := r.cfg.Settings
	test, err := r.probeImages(u.cell.data)
	if err != nil {
		return err
	}
	none := func(n int) int {
		if n == 0 {
			return -1 // AtlasConfig: 0 is the default, negative none
		}
		return n
	}
	cfg := surface.AtlasConfig{Planes: none(s.Planes), Lines: none(s.Lines), Flips: none(s.Flips), Randoms: none(s.Randoms),
		RandomRange: 0.5, Grid: s.Grid, Points: s.Points, Seed: 1, Regions: s.Regions}
	return r.analysis(ctx, u, test.Len(), cfg, func(net *models.Net, m *ModelResult) (any, error) {
		a, err := surface.BuildAtlas(ctx, net, test.Images, test.Labels, &cfg, func(done, total int) {
			p.set(fmt.Sprintf("probe %d/%d", done, total), float64(done)/float64(total))
		})
		if err != nil {
			return nil, err
		}
		a.Model = r.abs(m.File(r.out))
		return a, nil
	})
}

// ntkStage analyses the empirical NTK of the cell's model on the first test images: spectrum,
// power law, eigenlearning predictions against kernel regressions, the kernel at initialisation,
// and the network's own test error.
func (r *runner) ntkStage(ctx context.Context, u *unit, p *unitProgress) error {
	s := r.cfg.Settings
	test, err := r.split(u.cell.data, dataset.Test)
	if err != nil {
		return err
	}
	n := min(s.NTK, test.Len())
	sub := test.Head(n)
	type ntkSettings struct {
		N, Trials int
		Init      bool
	}
	return r.analysis(ctx, u, n, ntkSettings{n, s.NTKTrials, s.NTKInit}, func(net *models.Net, m *ModelResult) (any, error) {
		opt := ntk.Options{Kernel: ntk.KernelOptions{Output: ntk.Output{Kind: ntk.OutputMean}, MaxBytes: 512 << 20},
			Trials: s.NTKTrials, Seed: 1, TrainSizes: []int{n / 8, n / 4, n / 2}}
		if m.TrainImages > 0 && m.TrainImages < n {
			opt.TrainSizes = append(opt.TrainSizes, m.TrainImages)
		}
		var initErr string
		if s.NTKInit {
			init, err := ntk.Initial(net)
			if err != nil {
				initErr = err.Error()
			}
			opt.Initial = init
		}
		rep, err := ntk.Analyze(ctx, net, sub.Images, sub.Labels, opt, func(stage string, done, total int) {
			p.set(fmt.Sprintf("%s %d/%d", stage, done, total), ntkFraction(stage, done, total, s.NTKInit))
		})
		if err != nil {
			return nil, err
		}
		met, err := ntk.MeasureNet(net, test.Images, test.Labels)
		if err != nil {
			return nil, err
		}
		met.TrainImages = m.TrainImages
		rep.Network = &met
		return NTKResult{Report: rep, InitialError: initErr}, nil
	})
}

// NTKResult is the NTK stage's result: the kernel report and, when the kernel at initialisation
// could not be made (an imported model without its architecture), why.
type NTKResult struct {
	*ntk.Report
	InitialError string `json:"initial_error,omitempty"`
}

// ntkFraction places an NTK stage's progress in the whole analysis.
func ntkFraction(stage string, done, total int, init bool) float64 {
	f := float64(done) / float64(max(total, 1))
	parts := map[string][2]float64{"kernel": {0, 0.45}, "eigen": {0.45, 0.5}, "initial kernel": {0.5, 0.95},
		"initial eigen": {0.95, 1}, "regression": {0.95, 1}}
	if !init {
		parts = map[string][2]float64{"kernel": {0, 0.9}, "eigen": {0.9, 0.95}, "regression": {0.95, 1}}
	}
	r, ok := parts[stage]
	if !ok {
		return 0
	}
	return r[0] + f*(r[1]-r[0])
}

// hessianStage estimates the extreme eigenvalues of the training loss's Hessian at the cell's
// model (the sharpness of the minimum) on the first training images.
func (r *runner) hessianStage(ctx context.Context, u *unit, p *unitProgress) error {
	s := r.cfg.Settings
	trainSet, _, err := r.trainTest(u.cell.data)
	if err != nil {
		return err
	}
	sub := trainSet.Head(min(s.HessianImages, trainSet.Len()))
	opt := surface.HessianOptions{Steps: s.HessianSteps, Tol: s.HessianTol, Seed: 1}
	return r.analysis(ctx, u, sub.Len(), opt, func(net *models.Net, _ *ModelResult) (any, error) {
		p.set("Lanczos", 0)
		return surface.HessianExtremes(ctx, net, sub.Images, sub.Labels, &opt)
	})
}

// LandscapeResult is the loss over a filter-normalised plane through the model (Li et al. 2018):
// Loss and Accuracy row-major over Axis × Axis (rows along the second direction).
type LandscapeResult struct {
	Axis     []float64           `json:"axis"`
	Loss     surface.ProbeValues `json:"loss"`
	Accuracy surface.ProbeValues `json:"accuracy"`
	Centre   float64             `json:"centre_loss"` // at the model itself
	Stats    surface.Stats       `json:"loss_stats"`
	Images   int                 `json:"images"`
}

// landscapeStage evaluates the training loss over a filter-normalised plane through the model.
func (r *runner) landscapeStage(ctx context.Context, u *unit, p *unitProgress) error {
	s := r.cfg.Settings
	trainSet, _, err := r.trainTest(u.cell.data)
	if err != nil {
		return err
	}
	sub := trainSet.Head(min(s.LandscapeImages, trainSet.Len()))
	type landscapeSettings struct {
		Grid  int
		Range float64
		Seeds [2]uint64
	}
	ls := landscapeSettings{s.LandscapeGrid, s.LandscapeRange, [2]uint64{1, 2}}
	return r.analysis(ctx, u, sub.Len(), ls, func(net *models.Net, _ *ModelResult) (any, error) {
		dirs := []surface.ParamVector{surface.FilterNormalized(net, ls.Seeds[0], nil), surface.FilterNormalized(net, ls.Seeds[1], nil)}
		axis := projection.Linspace(-ls.Range, ls.Range, ls.Grid)
		g, err := surface.LossLandscape(ctx, net, dirs, axis, axis, sub.Images, sub.Labels, nil, func(done, total int) {
			p.set(fmt.Sprintf("point %d/%d", done, total), float64(done)/float64(total))
		})
		if err != nil {
			return nil, err
		}
		loss, acc := g.Channel(surface.LandscapeLoss), g.Channel(surface.LandscapeAccuracy)
		res := &LandscapeResult{Axis: axis, Images: sub.Len(), Stats: loss.Describe(), Centre: loss.Z(g.NX/2, g.NY/2)}
		for j := 0; j < g.NY; j++ {
			for i := 0; i < g.NX; i++ {
				res.Loss = append(res.Loss, loss.Z(i, j))
				res.Accuracy = append(res.Accuracy, acc.Z(i, j))
			}
		}
		return res, nil
	})
}

// GatesResult is the saturation of a model's sigmoid gates on the first training images it was
// trained on (surface.GateSaturation); None says why there is none (a net without gates).
type GatesResult struct {
	*surface.GateSummary
	None string `json:"none,omitempty"`
}

// gatesStage measures the saturation of the cell's model's gates (gated shortcuts, SE gates) on
// the first GateImages training images: which gates act as switches on the data it fits.
func (r *runner) gatesStage(ctx context.Context, u *unit, p *unitProgress) error {
	trainSet, _, err := r.trainTest(u.cell.data)
	if err != nil {
		return err
	}
	sub := trainSet.Head(min(max(r.cfg.Settings.GateImages, 1), trainSet.Len()))
	return r.analysis(ctx, u, sub.Len(), struct{ Low, High float64 }{models.GateLow, models.GateHigh}, func(net *models.Net, _ *ModelResult) (any, error) {
		if len(net.Gates()) == 0 {
			return GatesResult{None: "the net has no sigmoid gates"}, nil
		}
		g, err := surface.GateSaturation(ctx, net, sub.Images, sub.Len(), func(done, total int) {
			p.set(fmt.Sprintf("image %d/%d", done, total), float64(done)/float64(total))
		})
		if err != nil {
			return nil, err
		}
		return GatesResult{GateSummary: g}, nil
	})
}
