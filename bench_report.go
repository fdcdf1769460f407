package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// benchRow is one workload's figures beside the reference's and its verdict.
type benchRow struct {
	name         string
	ours, theirs benchResult
	ratio        float64 // surfscope/PyTorch of the metric
	target       string  // "≥ 2×", "≤ 0.5×, peak RSS < 1024 MB" or "none"
	verdict      string  // "met", "NOT met" or ""
	load         string  // the machine's load average when the workload started
}

func newBenchRow(name string, o, t benchResult) benchRow {
	r := benchRow{name: name, ours: o, theirs: t, target: "none"}
	if o.unit != t.unit || o.metric <= 0 || t.metric <= 0 {
		r.verdict = fmt.Sprintf("units differ (%s, %s)", o.unit, t.unit)
		return r
	}
	r.ratio = o.metric / t.metric
	tg, ok := benchTargets[name]
	if !ok {
		return r
	}
	met := true
	if tg.min > 0 {
		r.target, met = fmt.Sprintf("≥ %g×", tg.min), r.ratio >= tg.min
	} else {
		r.target, met = fmt.Sprintf("≤ %g×", tg.max), r.ratio <= tg.max
	}
	if tg.maxRSSMB > 0 {
		r.target += fmt.Sprintf(", peak RSS < %g MB", tg.maxRSSMB)
		met = met && o.peakRSSMB > 0 && o.peakRSSMB < tg.maxRSSMB
	}
	r.verdict = map[bool]string{true: "met", false: "NOT met"}[met]
	return r
}

// line is the row as one line of the workload format.
func (r benchRow) line() string {
	kind := "time"
	if higherIsBetter(r.ours.unit) {
		kind = "speed"
	}
	s := fmt.Sprintf("ratio workload=%s surfscope/pytorch=%.3f (%s, %s) target=%q", r.name, r.ratio, r.ours.unit, kind, r.target)
	if r.verdict != "" {
		s += " " + r.verdict
	}
	if r.load != "" {
		s += " load=" + r.load
	}
	return s
}

// printBenchTable prints every row as a table.
func printBenchTable(w io.Writer, rows []benchRow) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tsurfscope\tpytorch\tunit\tratio\ttarget\tverdict\tpeak RSS MB (ours, theirs)\tload")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.4g\t%.4g\t%s\t%.3f\t%s\t%s\t%.0f, %.0f\t%s\n", r.name, r.ours.metric, r.theirs.metric,
			r.ours.unit, r.ratio, r.target, r.verdict, r.ours.peakRSSMB, r.theirs.peakRSSMB, r.load)
	}
	tw.Flush()
}
