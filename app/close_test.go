package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/models"
)

// Close cancels every kind of job in flight (training, sampling, a comparison, a landscape, an
// NTK) and returns only once all of them have returned.
func TestCloseCancelsAndWaitsForEveryJob(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })

	u.model.form.widths.SetText("256,256")
	u.model.form.epochs.SetText("1000")
	test.Tap(u.model.trainBtn)

	test.Tap(u.compare.addBtn)
	other, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{64}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.compare.Add("untrained", other); err != nil {
		t.Fatal(err)
	}
	u.probe.grid.SetSelected("256") // resamples the probe
	test.Tap(u.compare.runBtn)

	u.land.grid.SetSelected("51")
	u.land.images.SetSelected("2000")
	test.Tap(u.land.runBtn)

	u.ntk.samples.SetSelected("2000")
	test.Tap(u.ntk.runBtn)

	if n := u.jobs.active.Load(); n < 5 {
		t.Fatalf("%d jobs in flight, want training, sampling, comparison, landscape and NTK", n)
	}
	start := time.Now()
	u.Close()
	t.Logf("Close returned %v after cancelling the jobs", time.Since(start).Round(time.Millisecond))
	if n := u.jobs.active.Load(); n != 0 {
		t.Fatalf("Close returned with %d jobs still running", n)
	}
	u.Close() // a second Close (the window's, after Run's) is harmless
}
