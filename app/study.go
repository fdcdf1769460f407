package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/study"
)

// studyTab shows a study folder (`surfscope study`): per dataset the models and the table of
// surface statistics with the tests between variants. A click on a model's row opens that model
// on its data in the Surface tab. Its state is touched only on the UI thread.
type studyTab struct {
	u        *UI
	dir      string
	res      *study.Results
	cur      int // dataset shown
	data     *widget.Select
	path     *widget.Label
	headline *widget.Label
	openBtn  *widget.Button
	reload   *widget.Button
	models   *widget.Table
	metrics  *widget.Table
	mrows    [][]string // models table, header first
	trows    [][]string // metrics table, header first
	load     *Job
}

func newStudyTab(u *UI) *studyTab {
	t := &studyTab{u: u, path: widget.NewLabel("Open a study folder written by `surfscope study`."), load: u.jobs.Job(nil)}
	t.headline = widget.NewLabel("")
	t.headline.Wrapping = fyne.TextWrapWord
	t.openBtn = widget.NewButton("Open study folder…", t.choose)
	t.reload = widget.NewButton("Reload", func() {
		if t.dir != "" {
			t.Open(t.dir)
		}
	})
	t.data = widget.NewSelect(nil, func(string) {
		t.cur = t.data.SelectedIndex()
		t.refresh()
	})
	t.models = newTextTable(func() [][]string { return t.mrows })
	t.models.OnSelected = func(id widget.TableCellID) {
		t.models.UnselectAll()
		if id.Row > 0 {
			t.openModel(id.Row - 1)
		}
	}
	t.metrics = newTextTable(func() [][]string { return t.trows })
	return t
}

// Object returns the tab's content.
func (t *studyTab) Object() fyne.CanvasObject {
	u := t.u
	top := container.NewVBox(container.NewHBox(u.tip(t.openBtn, "open a folder written by `surfscope study`"),
		u.tip(t.reload, "read the study folder again (a study still running adds to it)"), widget.NewLabel("Dataset:"),
		u.tip(t.data, "the dataset whose models and statistics the tables show")), t.path, t.headline,
		widget.NewLabel("Models (click a row to show its surfaces):"))
	modelsBox := container.NewGridWrap(fyne.NewSize(1100, 170), t.models)
	return container.NewBorder(container.NewVBox(top, modelsBox, widget.NewLabel("Surface statistics over the probes, median [q1, q3]; shift [interval] and Holm-corrected p of each pair:")),
		nil, nil, nil, t.metrics)
}

// choose asks for a study folder and opens it.
func (t *studyTab) choose() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		t.Open(dir.Path())
	}, t.u.window)
}

// Open reads the results of the study in dir in the background and shows them.
func (t *studyTab) Open(dir string) {
	t.load.Start(func(ctx context.Context, r *JobRun) error {
		res, err := study.ReadResults(dir)
		if err != nil {
			return err
		}
		r.Show(func() {
			t.dir, t.res = dir, res
			var names []string
			for _, d := range res.Datasets {
				names = append(names, d.Data)
			}
			t.cur = 0
			t.data.Options = names
			if len(names) > 0 {
				t.data.SetSelectedIndex(0) // refreshes
			}
			t.refresh()
		})
		return nil
	})
}

// refresh fills the tables with the current dataset's results.
func (t *studyTab) refresh() {
	if t.res == nil || t.cur < 0 || t.cur >= len(t.res.Datasets) {
		return
	}
	d := &t.res.Datasets[t.cur]
	t.path.SetText(fmt.Sprintf("%s — preset %s, %s", t.dir, t.res.Config.Preset, t.res.Provenance.Time))
	t.mrows = studyModelRows(d)
	t.trows = studyMetricRows(d)
	t.headline.SetText(studyHeadline(d))
	fitColumns(t.models, t.mrows)
	fitColumns(t.metrics, t.trows)
	t.models.Refresh()
	t.metrics.Refresh()
}

// openModel opens variant i's model with its dataset in the main window and shows its surface.
func (t *studyTab) openModel(i int) {
	d := &t.res.Datasets[t.cur]
	if i >= len(d.Variants) || d.Variants[i].Model == nil || d.Variants[i].Model.Failed != "" {
		t.u.showError(fmt.Errorf("variant %d of %s has no model", i+1, d.Data))
		return
	}
	path, data := d.Variants[i].Model.File(t.dir), d.Data
	u := t.u
	u.status.SetText("opening " + path + " on " + data + "…")
	u.model.open.Start(func(ctx context.Context, r *JobRun) error {
		net, err := modelfile.Load(path)
		if err != nil {
			return err
		}
		if err := u.session.SetDataAndModel(ctx, data, net, path); err != nil {
			return err
		}
		show := u.dataOrModelChanged()
		r.Show(func() {
			u.data.choice.Selected = data
			u.data.choice.Refresh()
			show()
			u.resample()
			u.tabs.SelectIndex(0)
		})
		return nil
	})
}

// studyModelRows is the models table: a header, then one row per variant.
func studyModelRows(d *study.DatasetResults) [][]string {
	rows := [][]string{{"variant", "epochs", "fits", "train acc", "test acc", "test loss", "model"}}
	for _, v := range d.Variants {
		m := v.Model
		switch {
		case m == nil:
			rows = append(rows, []string{v.Variant, "–", "no model yet", "", "", "", ""})
		case m.Failed != "":
			rows = append(rows, []string{v.Variant, fmt.Sprint(m.Epochs), "failed: " + m.Failed, "", "", "", ""})
		default:
			fits := "yes"
			if !m.Fits {
				fits = fmt.Sprintf("NO (%.2f%%)", 100*m.TrainAcc)
			}
			rows = append(rows, []string{v.Variant, fmt.Sprint(m.Epochs), fits, fmt.Sprintf("%.2f%%", 100*m.TrainAcc),
				fmt.Sprintf("%.2f%%", 100*m.TestAcc), fmt.Sprintf("%.4g", m.TestLoss), m.Path})
		}
	}
	return rows
}

// studyMetricRows is the metrics table: per metric each variant's median [q1, q3] and each
// pair's shift [interval] and corrected p (marked * when significant).
func studyMetricRows(d *study.DatasetResults) [][]string {
	head := []string{"metric"}
	for _, v := range d.Variants {
		head = append(head, v.Variant)
	}
	var pairs [][2]string
	for a := 0; a < len(d.Variants); a++ {
		for b := a + 1; b < len(d.Variants); b++ {
			pairs = append(pairs, [2]string{d.Variants[a].Variant, d.Variants[b].Variant})
			head = append(head, d.Variants[a].Variant+" − "+d.Variants[b].Variant)
		}
	}
	rows := [][]string{append(head, "key")}
	for _, m := range d.Metrics {
		row := []string{m.Label}
		for _, v := range d.Variants {
			cell := "–"
			if st, ok := m.Stats[v.Variant]; ok {
				cell = fmt.Sprintf("%.3g [%.3g, %.3g]", st.Median, st.Q1, st.Q3)
			}
			row = append(row, cell)
		}
		for _, ab := range pairs {
			cell := "–"
			for _, p := range m.Pairs {
				if p.A == ab[0] && p.B == ab[1] {
					cell = fmt.Sprintf("%.3g [%.3g, %.3g] p %.2g", p.Shift, p.Interval.Lo, p.Interval.Hi, p.PHolm)
					if p.Significant {
						cell += " *"
					}
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, append(row, m.Metric))
	}
	return rows
}

// studyHeadline says which metrics every variant shares and which differ.
func studyHeadline(d *study.DatasetResults) string {
	var shared, differ []string
	for _, m := range d.Metrics {
		switch {
		case len(m.Pairs) == 0:
		case m.Shared:
			shared = append(shared, m.Metric)
		default:
			differ = append(differ, m.Metric)
		}
	}
	return fmt.Sprintf("Shared by all variants (no significant difference): %s.\nDiffer (* in the table, Holm-corrected p < %.2g): %s.",
		orNone(strings.Join(shared, ", ")), study.Alpha, orNone(strings.Join(differ, ", ")))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// newTextTable is a table of text cells read from rows() (the first row is the header).
func newTextTable(rows func() [][]string) *widget.Table {
	return widget.NewTable(func() (int, int) {
		r := rows()
		if len(r) == 0 {
			return 0, 0
		}
		return len(r), len(r[0])
	}, func() fyne.CanvasObject {
		return widget.NewLabel("")
	}, func(id widget.TableCellID, o fyne.CanvasObject) {
		r := rows()
		l := o.(*widget.Label)
		if id.Row >= len(r) || id.Col >= len(r[id.Row]) {
			l.SetText("")
			return
		}
		l.TextStyle.Bold = id.Row == 0
		l.SetText(r[id.Row][id.Col])
	})
}

// fitColumns sets each column of t as wide as its widest cell.
func fitColumns(t *widget.Table, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	for c := range rows[0] {
		w := float32(40)
		for _, r := range rows {
			if c < len(r) {
				w = max(w, fyne.MeasureText(r[c], 14, fyne.TextStyle{Bold: true}).Width+16)
			}
		}
		t.SetColumnWidth(c, min(w, 420))
	}
}
