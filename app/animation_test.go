package app

import (
	"bytes"
	"context"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/provenance"
)

// File ▸ Export Animation with a series open writes one frame per checkpoint, with the animate
// command and every checkpoint in its provenance.
func TestExportSeriesAnimation(t *testing.T) {
	dir := writeSeries(t)
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.openSeries(dir)
	s := u.session.Snapshot()
	st := u.viewOf(s)
	st.Width, st.Height, st.Samples = 200, 140, 1
	path := filepath.Join(t.TempDir(), "evolution.gif")
	u.exportWith(path, func(ctx context.Context, r *JobRun, path string) (string, error) {
		return u.writeAnimation(ctx, r, path, st, s, dir, u.timeline.index)
	})
	waitFor(t, "the animation", 120*time.Second, func() bool { return !u.exports.running })
	if !strings.Contains(u.status.Text, "3 frames") {
		t.Fatalf("status %q", u.status.Text)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil || len(g.Image) != 3 || g.Config.Width != 200 {
		t.Fatalf("GIF: %v, %d frames", err, len(g.Image))
	}
	rec, err := provenance.ReadGIF(bytes.NewReader(b))
	if err != nil || len(rec.Models) != 3 || !strings.HasPrefix(rec.Command, "surfscope animate --series "+dir) || rec.Action != "app: File ▸ Export Animation" {
		t.Errorf("provenance %+v, %v", rec, err)
	}
}
