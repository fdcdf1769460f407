package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// statsPanel is the Stats tab and the job that analyses each sampled grid.
type statsPanel struct {
	label   *widget.Label
	job     *Job
	summary *surface.ProbeSummary // of the grid shown; nil while it is computed
}

// summarize runs the probe analyses of g in the background, cancelling those of an older grid,
// and shows them in the Stats tab. Call it on the UI thread.
func (u *UI) summarize(g *surface.Grid) {
	s := u.session.Snapshot()
	u.stats.summary = nil
	opt := &surface.SummaryOptions{}
	if ev := u.session.Evaluator(); ev != nil {
		opt.Grader = ev
	}
	if s.Net != nil && surface.PiecewiseLinear(s.Net) && s.Net.Arch["arch"] == "mlp" {
		opt.Net = s.Net // region counting is quick for MLPs
	}
	opt.GateNet = s.Net // gate saturation along the probe, for nets with gates
	u.stats.job.Start(func(ctx context.Context, r *JobRun) error {
		text := "analysis failed: "
		sum, err := surface.Summarize(ctx, g, opt)
		if err == nil {
			gates, gerr := splitGates(ctx, s)
			if gerr != nil {
				gates = "gate saturation over the test images failed: " + gerr.Error() + "\n"
			}
			text = view.StatisticsWith(sum, gates)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		} else if err != nil {
			text += err.Error()
		}
		r.Show(func() {
			if u.session.Snapshot().Grid == g {
				u.stats.label.SetText(text)
				u.stats.summary = sum
			}
		})
		return nil
	})
}

// statsGateImages is the number of test images the Stats tab measures gate saturation over.
const statsGateImages = 1000

// splitGates describes the gate saturation of s's net over the first test images (view.GateText),
// or "" for a net without gates.
func splitGates(ctx context.Context, s Snapshot) (string, error) {
	if s.Net == nil || s.Test == nil || len(s.Net.Gates()) == 0 {
		return "", nil
	}
	n := min(statsGateImages, s.Test.Len())
	g, err := surface.GateSaturation(ctx, s.Net, s.Test.Images, n, nil)
	if err != nil {
		return "", err
	}
	return view.GateText(g, fmt.Sprintf("over the first %d images of %s", n, s.Test.Name)), nil
}
