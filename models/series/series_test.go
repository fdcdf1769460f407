package series

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/models"
)

func tinyNet(t *testing.T, seed int64) *models.Net {
	t.Helper()
	n, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 4, 4}, Classes: 3, Hidden: []int{5}}, seed)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A Writer's series reads back entry by entry and checkpoint by checkpoint; a resumed run replaces
// the entries from its epoch on, and a second run into the same folder is refused.
func TestWriteReadResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "series")
	w, err := NewWriter(dir, Index{Data: "sample", Images: 100, Arch: map[string]string{"arch": "mlp"}, Every: 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []int{2, 4, 6} {
		if err := w.Add(tinyNet(t, int64(e)), Entry{Epoch: e, TrainAcc: float64(e) / 10, Time: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Format != Format || ix.Every != 2 || len(ix.Checkpoints) != 3 || ix.Checkpoints[1].File != "epoch-0004.safetensors" || ix.Checkpoints[2].TrainAcc != 0.6 {
		t.Fatalf("index %+v", ix)
	}
	net, err := ix.Load(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := tinyNet(t, 4)
	for i, nd := range want.Nodes {
		for name, p := range nd.Params {
			if got := net.Nodes[i].Params[name].Data; got[0] != p.Data[0] || got[len(got)-1] != p.Data[len(p.Data)-1] {
				t.Fatalf("checkpoint 1 is not the net of epoch 4 (node %d %s)", i, name)
			}
		}
	}

	if _, err := NewWriter(dir, Index{}, false); err == nil || !strings.Contains(err.Error(), "already holds a series of 3 checkpoints") {
		t.Fatalf("a new series over an old one: %v", err)
	}
	w, err = NewWriter(dir, Index{Data: "sample", Every: 2}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(tinyNet(t, 9), Entry{Epoch: 4, TrainAcc: 0.9}); err != nil {
		t.Fatal(err)
	}
	ix, _ = Read(dir)
	if len(ix.Checkpoints) != 2 || ix.Checkpoints[1].Epoch != 4 || ix.Checkpoints[1].TrainAcc != 0.9 {
		t.Fatalf("after resuming at epoch 4: %+v", ix.Checkpoints)
	}
}

func TestReadRejectsBadIndexes(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "is not a checkpoint series: no series.json") {
		t.Errorf("no index: %v", err)
	}
	models.Save(filepath.Join(dir, "epoch-0001.safetensors"), tinyNet(t, 1))
	entry := func(epoch int, file string) string { return fmt.Sprintf(`{"epoch":%d,"file":%q}`, epoch, file) }
	cases := map[string]string{
		`{"format":"other","checkpoints":[]}`: `format "other"`,
		`{"format":"` + Format + `","checkpoints":[` + entry(1, "epoch-0001.safetensors") + `,` + entry(1, "epoch-0001.safetensors") + `]}`: "epoch 1 does not follow epoch 1",
		`{"format":"` + Format + `","checkpoints":[` + entry(1, "../epoch-0001.safetensors") + `]}`:                                         "is not a name in the folder",
		`{"format":"` + Format + `","checkpoints":[` + entry(2, "epoch-0002.safetensors") + `]}`:                                            "epoch-0002.safetensors is missing",
		`{"format":`: "unexpected end of JSON input",
	}
	for index, want := range cases {
		os.WriteFile(filepath.Join(dir, IndexName), []byte(index), 0o644)
		if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), IndexName) {
			t.Errorf("%s: %v; want %q", index, err, want)
		}
	}
}
