package app

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// trainWatchingTitles trains with the form as it is and returns the live titles the Surface tab
// showed while training, in order.
func trainWatchingTitles(t *testing.T, u *UI) []string {
	t.Helper()
	var titles []string
	test.Tap(u.model.trainBtn)
	waitFor(t, "training to finish", 300*time.Second, func() bool {
		if sc, ok := u.surface.Scene(); ok && strings.HasPrefix(sc.Title, "live: epoch") &&
			(len(titles) == 0 || titles[len(titles)-1] != sc.Title) {
			titles = append(titles, sc.Title)
		}
		return !u.model.trainBtn.Disabled()
	})
	return titles
}

// While the app trains, the Surface tab shows the probe sampled on snapshots of the net, titled
// with the epoch and batch; the Live check turns that off. The training times with and without
// are logged (SURFSCOPE_LONG=1: the default form, an MLP 128,128 trained until it fits the
// embedded sample, for the overhead numbers of the notes; else a small net under the race
// detector, where the snapshots cross goroutines).
func TestLiveSurfaceFollowsTraining(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	if os.Getenv("SURFSCOPE_LONG") == "" {
		u.model.form.widths.SetText("32")
		u.model.form.epochs.SetText("40") // long enough (≈ 1 s idle) for several live pictures
		u.model.form.untilFit.SetChecked(false)
	}
	titles := trainWatchingTitles(t, u)
	on := u.model.lastRun
	t.Logf("live on: %v; titles %q", on, titles)
	if on.liveUpdates < 2 || len(titles) < 2 {
		t.Fatalf("the live surface was drawn %d times (%d titles seen), want at least 2", on.liveUpdates, len(titles))
	}
	for _, title := range titles {
		if !strings.Contains(title, " of ") || !strings.Contains(title, "batch") {
			t.Errorf("live title %q does not say the epoch and batch", title)
		}
	}
	waitFor(t, "the trained model's surface", 60*time.Second, func() bool {
		sc, ok := u.surface.Scene()
		return ok && !strings.HasPrefix(sc.Title, "live:") && !strings.Contains(u.window.Title(), "live:")
	})

	u.model.live.SetChecked(false)
	titles = trainWatchingTitles(t, u)
	off := u.model.lastRun
	t.Logf("live off: %v", off)
	if off.liveUpdates != 0 || len(titles) != 0 {
		t.Errorf("with the Live check off the surface was drawn live %d times (%q)", off.liveUpdates, titles)
	}
	t.Logf("training took %.2f s with the live surface, %.2f s without (%+.0f%%)", on.took.Seconds(), off.took.Seconds(),
		100*(on.took.Seconds()/off.took.Seconds()-1))
}
