package study

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/surface"
)

// ReportFile is the study's report in its folder.
const ReportFile = "report.html"

//go:embed report.html.tmpl
var reportTemplate string

// reportStage gathers every cell's results into results.json and writes report.html.
func (r *runner) reportStage(ctx context.Context, u *unit, p *unitProgress) error {
	p.set("results", 0)
	res, err := r.gather()
	if err != nil {
		return err
	}
	if err := writeResults(filepath.Join(r.out, ResultsFile), res); err != nil {
		return err
	}
	p.set("report", 0.5)
	return WriteReport(r.out, res)
}

// writeResults writes results.json atomically.
func writeResults(path string, res *Results) error {
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// WriteReport writes report.html into the study folder dir from res: self-contained (pictures as
// data: URIs, plots as inline SVG, inline CSS, no scripts).
func WriteReport(dir string, res *Results) error {
	doc, err := buildReport(dir, res)
	if err != nil {
		return err
	}
	t, err := template.New("report").Funcs(reportFuncs).Parse(reportTemplate)
	if err != nil {
		panic("study: report template: " + err.Error())
	}
	var b bytes.Buffer
	if err := t.Execute(&b, doc); err != nil {
		return fmt.Errorf("study: report: %v", err)
	}
	return atomicfile.Write(filepath.Join(dir, ReportFile), func(w io.Writer) error {
		_, err := w.Write(b.Bytes())
		return err
	})
}

// reportDoc is what the template shows.
type reportDoc struct {
	Res      *Results
	Command  string
	Datasets []reportDataset
	Written  string
}

// reportDataset is one dataset's section.
type reportDataset struct {
	*DatasetResults
	Variants []string
	Pairs    [][2]string
	Shared   []MetricResults
	Differ   []headline
	Figures  []reportFigure
	Boxes    []template.HTML
	// BoxesLeftOut are the metrics without a box plot: fewer than minBoxValues values for every
	// variant, or one value on every probe.
	BoxesLeftOut []string
	Spectrum     template.HTML
	Accuracy     template.HTML
	Loss         template.HTML
	Gates        []gateRow
	GateCurve    template.HTML
}

// gateRow is one gated variant's saturation: the shares of gate outputs below 0.05 and above 0.95
// on the training images, the test split, and the atlas's planes and lines (medians).
type gateRow struct {
	Variant, Kinds                         string
	Count                                  int
	TrainLow, TrainHigh                    float64
	TestLow, TestHigh                      float64
	PlaneLow, PlaneHigh, LineLow, LineHigh float64
}

// gateRows lists the saturation of every variant whose model has gates.
func gateRows(d *DatasetResults) []gateRow {
	var rows []gateRow
	for _, v := range d.Variants {
		if v.Gates == nil || v.Gates.GateSummary == nil {
			continue
		}
		g := v.Gates.GateSummary
		kinds := map[string]int{}
		var names []string
		for _, gt := range g.Gates {
			if kinds[gt.Kind] == 0 {
				names = append(names, gt.Kind)
			}
			kinds[gt.Kind]++
		}
		nan := math.NaN()
		r := gateRow{Variant: v.Variant, Kinds: strings.Join(names, ", "), Count: len(g.Gates), TrainLow: g.Low, TrainHigh: g.High,
			TestLow: nan, TestHigh: nan, PlaneLow: nan, PlaneHigh: nan, LineLow: nan, LineHigh: nan}
		if a := v.Atlas; a != nil {
			if a.Gates != nil {
				r.TestLow, r.TestHigh = a.Gates.Low, a.Gates.High
			}
			med := func(k string) float64 {
				if st, ok := a.Metrics[k]; ok {
					return st.Median
				}
				return nan
			}
			r.PlaneLow, r.PlaneHigh, r.LineLow, r.LineHigh = med("plane.gate_low"), med("plane.gate_high"), med("line.gate_low"), med("line.gate_high")
		}
		rows = append(rows, r)
	}
	return rows
}

// headline is a metric that differs between some variants, with its largest significant shift.
type headline struct {
	Metric MetricResults
	Pair   PairTest
}

// reportFigure is a picture embedded in the report.
type reportFigure struct {
	Figure
	Data template.URL
}

// buildReport assembles the report's sections: pictures read from the study folder, plots drawn.
func buildReport(dir string, res *Results) (*reportDoc, error) {
	doc := &reportDoc{Res: res, Command: res.Provenance.Command, Written: time.Now().UTC().Format(time.RFC3339)}
	for i := range res.Datasets {
		d := &res.Datasets[i]
		rd := reportDataset{DatasetResults: d}
		for _, v := range d.Variants {
			rd.Variants = append(rd.Variants, v.Variant)
		}
		for a := 0; a < len(rd.Variants); a++ {
			for b := a + 1; b < len(rd.Variants); b++ {
				rd.Pairs = append(rd.Pairs, [2]string{rd.Variants[a], rd.Variants[b]})
			}
		}
		rd.Shared, rd.Differ = headlines(d.Metrics)
		if err := rd.embedFigures(dir); err != nil {
			return nil, err
		}
		rd.drawPlots()
		rd.Gates = gateRows(d)
		doc.Datasets = append(doc.Datasets, rd)
	}
	return doc, nil
}

// headlines splits the metrics into those every variant shares (no significant difference) and
// those that differ, each with its most significant pair.
func headlines(ms []MetricResults) (shared []MetricResults, differ []headline) {
	for _, m := range ms {
		if len(m.Pairs) == 0 {
			continue
		}
		if m.Shared {
			shared = append(shared, m)
			continue
		}
		best := PairTest{PHolm: math.Inf(1)}
		for _, p := range m.Pairs {
			if p.Significant && (p.PHolm < best.PHolm || p.PHolm == best.PHolm && math.Abs(float64(p.Relative)) > math.Abs(float64(best.Relative))) {
				best = p
			}
		}
		differ = append(differ, headline{m, best})
	}
	return shared, differ
}

// embedFigures reads the dataset's PNG figures into data: URIs.
func (rd *reportDataset) embedFigures(dir string) error {
	if rd.DatasetResults.Figures == nil {
		return nil
	}
	for _, f := range rd.DatasetResults.Figures.Figures {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.File)))
		if err != nil {
			return fmt.Errorf("study: report: %v", err)
		}
		rd.Figures = append(rd.Figures, reportFigure{Figure: f, Data: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))})
	}
	return nil
}

// drawPlots draws the box plots, the NTK spectra and the training curves as inline SVG. A plot
// that cannot be drawn (nothing to show) is left out.
func (rd *reportDataset) drawPlots() {
	for _, m := range rd.Metrics {
		vals := map[string][]float64{}
		for _, v := range rd.DatasetResults.Variants {
			if v.Atlas != nil {
				vals[v.Variant] = finite(v.Atlas.Values[m.Metric])
			}
		}
		if !worthABoxPlot(vals) {
			rd.BoxesLeftOut = append(rd.BoxesLeftOut, m.Metric)
			continue
		}
		if b, err := boxPlot(m.Metric, rd.Variants, vals); err == nil {
			rd.Boxes = append(rd.Boxes, inlineSVG(b))
		}
	}
	if b, err := linePlot("NTK spectrum (dashed: at initialisation)", "mode i", "eigenvalue λᵢ", spectrumCurves(rd.DatasetResults), true, true); err == nil {
		rd.Spectrum = inlineSVG(b)
	}
	if b, err := linePlot("accuracy (dashed: test split)", "epoch", "accuracy (%)", trainingCurves(rd.DatasetResults, false), false, false); err == nil {
		rd.Accuracy = inlineSVG(b)
	}
	if b, err := linePlot("gate outputs > 0.95 (solid) and < 0.05 (dashed) on the training images", "epoch", "share", gateCurves(rd.DatasetResults), false, false); err == nil {
		rd.GateCurve = inlineSVG(b)
	}
	if b, err := linePlot("cross-entropy (dashed: test split)", "epoch", "loss", trainingCurves(rd.DatasetResults, true), false, true); err == nil {
		rd.Loss = inlineSVG(b)
	}
}

// inlineSVG strips the XML prolog so the SVG can sit inside HTML.
func inlineSVG(b []byte) template.HTML {
	s := string(b)
	if i := strings.Index(s, "<svg"); i > 0 {
		s = s[i:]
	}
	return template.HTML(s) // drawn by gonum/plot from our own numbers and names
}

// formatNumber prints a number of the report with three significant digits (whole numbers from
// 100 on), or – for NaN.
func formatNumber(x any) string {
	v := toFloat(x)
	switch {
	case math.IsNaN(v):
		return "–"
	case v != 0 && (math.Abs(v) >= 1e5 || math.Abs(v) < 1e-3):
		return fmt.Sprintf("%.3g", v)
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// reportFuncs format numbers for the report.
var reportFuncs = template.FuncMap{
	"g": formatNumber,
	"pct": func(x any) string {
		if v := toFloat(x); !math.IsNaN(v) {
			return fmt.Sprintf("%.2f%%", 100*v)
		}
		return "–"
	},
	"mul100": func(v float64) float64 { return 100 * v },
	"ntkRow": ntkRow,
	"p": func(v float64) string {
		switch {
		case math.IsNaN(v):
			return "–"
		case v < 1e-4:
			return fmt.Sprintf("%.1e", v)
		}
		return fmt.Sprintf("%.4f", v)
	},
	"ratio": hessianRatio,
	"dur":   func(s float64) string { return roundDuration(time.Duration(s * float64(time.Second))).String() },
	"stat": func(m MetricResults, v string) any {
		st, ok := m.Stats[v]
		if !ok {
			return nil
		}
		return st
	},
	"pair": func(m MetricResults, ab [2]string) any {
		for _, p := range m.Pairs {
			if p.A == ab[0] && p.B == ab[1] {
				return p
			}
		}
		return nil
	},
	"relpct": func(x any) string {
		v := toFloat(x)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "–"
		}
		return fmt.Sprintf("%+.0f%%", 100*v)
	},
}

// toFloat converts the numbers the template shows (float64, ntk.Number, ints) to float64; NaN for
// anything else.
func toFloat(x any) float64 {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return float64(v.Int())
	}
	return math.NaN()
}

// ntkSummary is one variant's row of the NTK table.
type ntkSummary struct {
	Samples                         int
	Exponent, R2, Alignment, Change float64
	N                               int     // the largest training size predicted and measured
	Predicted, Measured, KRRError   float64 // KRRError −1 when not measured
	NetMSE, NetError                float64
}

// ntkRow summarises a variant's NTK report for the table (nil without one).
func ntkRow(v VariantResults) *ntkSummary {
	r := v.NTK
	if r == nil || r.Report == nil || r.Trained == nil {
		return nil
	}
	t := r.Trained
	s := &ntkSummary{Samples: r.Samples, Exponent: t.PowerLaw.Exponent, R2: t.PowerLaw.R2, Alignment: float64(t.TargetAlignment),
		Change: float64(r.RelativeChange), Predicted: math.NaN(), Measured: math.NaN(), KRRError: -1, NetMSE: math.NaN(), NetError: math.NaN()}
	if t.PowerLawErr != "" {
		s.Exponent, s.R2 = math.NaN(), math.NaN()
	}
	for _, pt := range t.Sizes {
		if pt.Prediction == nil || pt.Regression == nil {
			continue
		}
		s.N, s.Predicted, s.Measured, s.KRRError = pt.N, pt.Prediction.TestMSE, pt.Regression.MSE, float64(pt.Regression.HeldOutError)
	}
	if m := r.Network; m != nil {
		s.NetMSE, s.NetError = m.SoftmaxMSE, m.Error
	}
	return s
}

// hessianRatio formats |λmin/λmax| for the report. When λmin's residual bound reaches past zero the
// sign and size of λmin are not resolved, and the ratio is shown as the bound it is:
// ≤ (|λmin| + bound)/|λmax|.
func hessianRatio(h *surface.HessianSpectrum) string {
	if h.Max == 0 || math.IsNaN(h.Ratio) {
		return "–"
	}
	if h.MinBound >= math.Abs(h.Min) {
		return "≤ " + formatNumber((math.Abs(h.Min)+h.MinBound)/math.Abs(h.Max))
	}
	return formatNumber(h.Ratio)
}
