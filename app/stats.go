package app

import (
	"context"

	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// statsPanel is the Stats tab and the job that analyses each sampled grid.
type statsPanel struct {
	label *widget.Label
	job   *Job
}

// summarize runs the probe analyses of g in the background, cancelling those of an older grid,
// and shows them in the Stats tab. Call it on the UI thread.
func (u *UI) summarize(g *surface.Grid) {
	s := u.session.Snapshot()
	opt := &surface.SummaryOptions{}
	if ev := u.session.Evaluator(); ev != nil {
		opt.Grader = ev
	}
	if s.Net != nil && surface.PiecewiseLinear(s.Net) && s.Net.Arch["arch"] == "mlp" {
		opt.Net = s.Net // region counting is quick for MLPs
	}
	u.stats.job.Start(func(ctx context.Context, r *JobRun) error {
		text := "analysis failed: "
		sum, err := surface.Summarize(ctx, g, opt)
		if err == nil {
			text = view.Statistics(sum)
		} else if ctx.Err() != nil {
			return ctx.Err()
		} else {
			text += err.Error()
		}
		r.Show(func() {
			if u.session.Snapshot().Grid == g {
				u.stats.label.SetText(text)
			}
		})
		return nil
	})
}
