package app

import (
	"context"

	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// summarize runs the probe analyses on g in the background and shows them in the stats panel.
func (u *UI) summarize(g *surface.Grid) {
	s := u.Session.Snapshot()
	opt := &surface.SummaryOptions{}
	if ev := u.Session.Evaluator(); ev != nil {
		opt.Grader = ev
	}
	if s.Net != nil && surface.PiecewiseLinear(s.Net) && s.Net.Arch["arch"] == "mlp" {
		opt.Net = s.Net // region counting is quick for MLPs
	}
	sum, err := surface.Summarize(context.Background(), g, opt)
	if err != nil {
		do(func() { u.Stats.SetText("analysis failed: " + err.Error()) })
		return
	}
	text := view.Statistics(sum)
	do(func() {
		if u.Session.Snapshot().Grid == g {
			u.Stats.SetText(text)
		}
	})
}
