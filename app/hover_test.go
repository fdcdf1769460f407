package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// Hovering the heatmap shows the readout of the point under the pointer beside it: its
// coordinates, the logit drawn there, the prediction, and the input there as a thumbnail; off the
// plot the card hides; a tap pins the point as a marker and copies its readout.
func TestHoverHeatmapReadout(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	u.picture.mode.SetSelected("Heatmap")
	waitFor(t, "the heatmap", 60*time.Second, func() bool {
		u.window.Canvas().Capture()
		sc, ok := u.surface.Scene()
		f := u.surface.Frame()
		return ok && sc.View == render.ViewHeatmap && f != nil && f.Bounds().Dx() > 100
	})
	waitForFrame(t, u, nil)
	size := u.surface.Size()
	centre := fyne.NewPos(size.Width/2, size.Height/2)
	u.surface.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre}})
	c := &u.hover
	if !c.card.Visible() || c.last == nil {
		t.Fatal("no readout over the middle of the heatmap")
	}
	r := *c.last
	g := u.session.Snapshot().Grid
	if r.I < g.NX/4 || r.I > 3*g.NX/4 || r.J < g.NY/4 || r.J > 3*g.NY/4 {
		t.Errorf("the middle of the view reads grid point (%d, %d) of %dx%d", r.I, r.J, g.NX, g.NY)
	}
	k := u.picture.class.SelectedIndex()
	if r.Value != float64(g.At(r.I, r.J, k)) || r.S != g.S[r.I] || r.T != g.T[r.J] {
		t.Errorf("readout %+v: want logit %d = %g at s %g, t %g", r, k, g.At(r.I, r.J, k), g.S[r.I], g.T[r.J])
	}
	for _, want := range []string{"s ", ", t ", "logit", "predicted"} {
		if !strings.Contains(c.text.Text, want) {
			t.Errorf("readout text %q lacks %q", c.text.Text, want)
		}
	}
	x := make([]float32, len(g.Probe.Origin))
	g.Probe.Point(x, r.J*g.NX+r.I)
	if want := view.Picture(x, g.Probe.Shape); !bytes.Equal(r.Image.Pix, want.Pix) || c.image.Image != r.Image {
		t.Error("the thumbnail is not the input at the point under the pointer")
	}
	if p := c.card.Position(); p.X <= centre.X || p.Y <= centre.Y {
		t.Errorf("the card is at %v, not beside the pointer at %v", p, centre)
	}

	test.TapAt(u.surface, centre)
	if c.pinned == nil || !strings.HasPrefix(u.status.Text, "pinned") || u.app.Clipboard().Content() != c.pinned.String() {
		t.Errorf("tap: pinned %v, status %q, clipboard %q", c.pinned, u.status.Text, u.app.Clipboard().Content())
	}
	if sc, _ := u.surface.Scene(); len(sc.Markers) == 0 || !strings.HasPrefix(sc.Markers[len(sc.Markers)-1].Label, "pin") {
		t.Error("no pin marker on the picture")
	}

	u.surface.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(2, 2)}})
	if c.card.Visible() {
		t.Error("the card stays over the corner, off the plot")
	}
	u.surface.MouseOut()
	if c.card.Visible() {
		t.Error("the card stays after the pointer left")
	}
}
