package view

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/surfscope/surfscope/provenance"
)

// A State's provenance names the embedded model with its hash, the data, split, probe and seed,
// the grid as sampled with its coordinate ranges, the metric and the logit drawn.
func TestStateProvenance(t *testing.T) {
	st := Default()
	st.Probe, st.Grid, st.Range, st.Metric = "random:2,42", 9, 3, "mean curvature"
	sm, err := st.Sample(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := st.ClassOf(sm.Grid, sm.Set)
	r := st.Provenance(provenance.New("surfscope render"), sm.Model, sm.Grid, k)
	if len(r.Models) != 1 || r.Models[0].Path != "embedded" || len(r.Models[0].SHA256) != 64 {
		t.Errorf("models %+v", r.Models)
	}
	if r.Data != "sample" || r.Split != "test" || r.Probe != "random:2,42" || r.Seed == nil || *r.Seed != 42 {
		t.Errorf("data %q split %q probe %q seed %v", r.Data, r.Split, r.Probe, r.Seed)
	}
	if !slices.Equal(r.Grid, []int{9, 9}) || !slices.Equal(r.S, []float64{-3, 3}) || !slices.Equal(r.T, []float64{-3, 3}) {
		t.Errorf("grid %v, s %v, t %v", r.Grid, r.S, r.T)
	}
	if r.Metric != "mean curvature" || r.Class == nil || *r.Class != k || r.Command != "surfscope render" {
		t.Errorf("metric %q class %v command %q", r.Metric, r.Class, r.Command)
	}
	// A data plane has no seed; a folder of data is named by its absolute path.
	st.Probe, st.Data = "data:0,1,2", "some/folder"
	r = st.Sampling.Provenance(provenance.Record{}, sm.Model, nil)
	abs, _ := filepath.Abs("some/folder")
	if r.Seed != nil || r.Data != abs || r.Grid != nil {
		t.Errorf("data plane: seed %v, data %q, grid %v", r.Seed, r.Data, r.Grid)
	}
}

// Sampling.CommandLine gives the flags of a sampling command that sample the same probe.
func TestSamplingCommandLine(t *testing.T) {
	s := DefaultSampling()
	s.Model, s.Probe, s.Grid = "my net.onnx", "flip:4,9", 33
	got := s.CommandLine("sample", "--out", "g.npy")
	if want := "surfscope sample --model 'my net.onnx' --data sample --probe flip:4,9 --grid 33 --out g.npy"; got != want {
		t.Errorf("CommandLine:\n%s\nwant\n%s", got, want)
	}
}
