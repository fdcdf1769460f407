package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/study"
	"github.com/surfscope/surfscope/study/ranktest"
	"github.com/surfscope/surfscope/surface"
)

// The Study tab opens a study folder, shows its models and its table of tests, and a click on a
// model's row opens that model on the study's data in the Surface tab.
func TestStudyTabOpensAModel(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, seed := range []int64{3, 4} {
		net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{8}}, seed)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, []string{"add", "mul"}[i]+".safetensors")
		if err := models.Save(p, net); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	res := study.Results{Config: study.Quick(), Datasets: []study.DatasetResults{{Data: "sample", Name: "sample",
		Variants: []study.VariantResults{
			{Variant: "add", Model: &study.ModelResult{Path: paths[0], Epochs: 12, TrainAcc: 1, Fits: true, TestAcc: 0.97}},
			{Variant: "mul", Model: &study.ModelResult{Path: paths[1], Epochs: 50, TrainAcc: 0.9992, TestAcc: 0.96}},
		},
		Metrics: []study.MetricResults{{Metric: "plane.degree", Label: "polynomial degree",
			Stats: map[string]surface.Stats{"add": {N: 8, Median: 2, Q1: 2, Q3: 3}, "mul": {N: 8, Median: 5, Q1: 5, Q3: 5}},
			Pairs: []study.PairTest{{A: "add", B: "mul", MannWhitney: ranktest.MannWhitney{N1: 8, N2: 8, P: 0.001}, PHolm: 0.002,
				Shift: -3, Interval: ranktest.Interval{Lo: -3, Hi: -2, Level: 0.95}, Significant: true}}}},
	}}}
	b, _ := json.Marshal(res)
	if err := os.WriteFile(filepath.Join(dir, study.ResultsFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.study.Open(dir)
	waitFor(t, "the study's tables", 10*time.Second, func() bool { return len(u.study.mrows) == 3 && len(u.study.trows) == 2 })
	if r := u.study.mrows[2]; r[0] != "mul" || !strings.HasPrefix(r[2], "NO (99.92%") {
		t.Errorf("row of mul: %q", r)
	}
	if r := u.study.trows[1]; !strings.Contains(r[3], "p 0.002 *") || r[len(r)-1] != "plane.degree" {
		t.Errorf("metric row: %q", r)
	}
	if !strings.Contains(u.study.headline.Text, "Differ") || !strings.Contains(u.study.headline.Text, "plane.degree") {
		t.Errorf("headline %q", u.study.headline.Text)
	}
	u.tabs.SelectIndex(len(u.tabs.Items) - 1)
	u.study.models.OnSelected(widget.TableCellID{Row: 2, Col: 0})
	waitFor(t, "mul's surface", 60*time.Second, func() bool {
		s := u.session.Snapshot()
		return s.Model == paths[1] && s.Grid != nil && s.Sampling.Model == paths[1] && u.tabs.SelectedIndex() == 0
	})
	if u.session.Snapshot().Data != "sample" {
		t.Errorf("data %q", u.session.Snapshot().Data)
	}
}
