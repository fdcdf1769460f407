package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/models/train"
)

// writeSeries trains a small MLP for three epochs on the embedded sample's first 300 images and
// writes a checkpoint series of them into a new folder.
func writeSeries(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	set, err := dataset.Open(dataset.Sample, dataset.Train)
	if err != nil {
		t.Fatal(err)
	}
	set = set.Head(300)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	w, err := series.NewWriter(dir, series.Index{Data: "sample", Images: 300, Arch: net.Arch, Every: 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = train.Run(context.Background(), net, set, nil, train.Config{MaxEpochs: 3, BatchSize: 50, LR: 3e-3}, func(p train.Progress) {
		if e := p.Done; e != nil {
			if err := w.Add(p.Snapshot(), series.Entry{Epoch: e.Epoch, TrainAcc: e.TrainAcc, TrainLoss: e.TrainLoss, Time: time.Now()}); err != nil {
				t.Error(err)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// The timeline scrubs the Surface tab over a series: opening shows the last epoch, the slider an
// earlier one (a different surface), a checkpoint seen before comes from the cache, and closing
// shows the current model again.
func TestTimelineScrubsASeries(t *testing.T) {
	dir := writeSeries(t)
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	shows := func(prefix string) {
		t.Helper()
		waitFor(t, "a picture titled "+prefix, 60*time.Second, func() bool {
			sc, ok := u.surface.Scene()
			return ok && strings.HasPrefix(sc.Title, prefix)
		})
	}
	u.openSeries(dir)
	if !u.timeline.box.Visible() || u.timeline.slider.Max != 2 {
		t.Fatalf("timeline visible %v, slider max %g", u.timeline.box.Visible(), u.timeline.slider.Max)
	}
	shows("series: epoch 3 of 3")
	last := u.hover.shown
	u.timeline.slider.SetValue(0)
	shows("series: epoch 1 of 3")
	first := u.hover.shown
	if first == last || first.NX != last.NX {
		t.Fatal("epoch 1 shows the grid of epoch 3")
	}
	same := true
	for i := range first.Values {
		same = same && first.Values[i] == last.Values[i]
	}
	if same {
		t.Error("epochs 1 and 3 have the same surface")
	}
	u.timeline.slider.SetValue(2)
	shows("series: epoch 3 of 3")
	if u.hover.shown != last || u.timeline.cache.len() != 2 {
		t.Errorf("epoch 3 again was not taken from the cache (%d grids kept)", u.timeline.cache.len())
	}
	u.closeSeries()
	if u.timeline.box.Visible() {
		t.Error("the timeline stays after Close")
	}
	if sc, _ := u.surface.Scene(); strings.HasPrefix(sc.Title, "series") {
		t.Errorf("after Close the surface is %q", sc.Title)
	}
	if _, err := series.Read(t.TempDir()); err == nil {
		t.Fatal("an empty folder reads as a series")
	}
}

// The cache keeps the grids used last and no more than its bound.
func TestGridCacheBound(t *testing.T) {
	var c gridCache
	for i := 0; i < timelineCacheSize+5; i++ {
		c.put(string(rune('a'+i)), nil)
	}
	if c.len() != timelineCacheSize {
		t.Errorf("%d grids kept, want %d", c.len(), timelineCacheSize)
	}
	if _, ok := c.grids["a"]; ok {
		t.Error("the oldest grid was kept")
	}
}
