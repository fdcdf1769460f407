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
	absolute     bool    // an absolute target in seconds, no reference (newAbsoluteRow)
	refFailed    string  // why the reference gave no figure (failedReferenceRow)
}

// noReference stands for the ratio of a row with an absolute target.
const noReference = "no PyTorch reference (absolute target)"

// newBenchRow is workload name's row: surfscope's result o against the reference's t, or against
// its absolute target (t unused) for the workloads of absoluteTargets.
func newBenchRow(name string, o, t benchResult) benchRow {
	if _, ok := absoluteTargets[name]; ok {
		return newAbsoluteRow(name, o)
	}
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
	r.target = targetText(tg)
	met := tg.min > 0 && r.ratio >= tg.min || tg.min <= 0 && r.ratio <= tg.max
	if tg.maxRSSMB > 0 {
		met = met && o.peakRSSMB > 0 && o.peakRSSMB < tg.maxRSSMB
	}
	r.verdict = map[bool]string{true: "met", false: "NOT met"}[met]
	return r
}

// targetText is a ratio target as the table shows it: "≥ 2×", "≤ 0.5×, peak RSS < 1024 MB".
func targetText(tg benchTarget) string {
	t := fmt.Sprintf("≤ %g×", tg.max)
	if tg.min > 0 {
		t = fmt.Sprintf("≥ %g×", tg.min)
	}
	if tg.maxRSSMB > 0 {
		t += fmt.Sprintf(", peak RSS < %g MB", tg.maxRSSMB)
	}
	return t
}

// failedReferenceRow is the row of workload name when the reference gave no figure (err: killed
// for memory, not installed): surfscope's result stays in the table, without ratio or verdict.
func failedReferenceRow(name string, o benchResult, load string, err error) benchRow {
	r := benchRow{name: name, ours: o, target: "none", load: load, refFailed: err.Error()}
	if tg, ok := benchTargets[name]; ok {
		r.target = targetText(tg)
	}
	return r
}

// line is the row as one line of the workload format.
func (r benchRow) line() string {
	kind := "time"
	if higherIsBetter(r.ours.unit) {
		kind = "speed"
	}
	s := fmt.Sprintf("ratio workload=%s surfscope/pytorch=%.3f (%s, %s) target=%q", r.name, r.ratio, r.ours.unit, kind, r.target)
	if r.absolute {
		s = fmt.Sprintf("absolute workload=%s surfscope=%.3g %s, %s, target=%q", r.name, r.ours.metric, r.ours.unit, noReference, r.target)
	}
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
		theirs, ratio, rss := fmt.Sprintf("%.4g", r.theirs.metric), fmt.Sprintf("%.3f", r.ratio), fmt.Sprintf("%.0f, %.0f", r.ours.peakRSSMB, r.theirs.peakRSSMB)
		switch {
		case r.absolute:
			theirs, ratio, rss = "—", noReference, fmt.Sprintf("%.0f, —", r.ours.peakRSSMB)
		case r.refFailed != "":
			theirs, ratio, rss = "—", "reference failed (see its line above)", fmt.Sprintf("%.0f, —", r.ours.peakRSSMB)
		}
		fmt.Fprintf(tw, "%s\t%.4g\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, r.ours.metric, theirs,
			r.ours.unit, ratio, r.target, r.verdict, rss, r.load)
	}
	tw.Flush()
}
