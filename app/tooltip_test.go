package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// controls returns every control of a widget tree: selects, entries, buttons, checks and radio
// groups.
func controls(o fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	switch w := o.(type) {
	case *widget.Select, *widget.Entry, *widget.Button, *widget.Check, *widget.RadioGroup:
		return []fyne.CanvasObject{o}
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, controls(c)...)
		}
	case *container.Scroll:
		out = append(out, controls(w.Content)...)
	case *widget.Form:
		for _, it := range w.Items {
			out = append(out, controls(it.Widget)...)
		}
	case *widget.Accordion:
		for _, it := range w.Items {
			out = append(out, controls(it.Detail)...)
		}
	}
	return out
}

// Every control of the side panel and of the Compare, NTK, Landscape and Study tabs has a tooltip, and resting
// the pointer on one shows it (and moving away hides it), while the control still takes its tap.
func TestEveryControlHasATooltip(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the first grid", 60*time.Second, func() bool { return u.session.Snapshot().Grid != nil })
	all := controls(u.tipScroll)
	all = append(all, controls(u.ntk.Object())...)
	all = append(all, controls(u.land.Object())...)
	all = append(all, controls(u.compare.Object())...)
	all = append(all, controls(u.study.Object())...)
	if len(all) < 25 {
		t.Fatalf("found %d controls only", len(all))
	}
	for _, c := range all {
		if strings.TrimSpace(u.tips.tips[c]) == "" {
			t.Errorf("%T %v has no tooltip", c, c)
		}
	}
	c := u.window.Canvas()
	entry := u.probe.entry
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(entry).Add(fyne.NewPos(10, 10))
	test.MoveMouse(c, at)
	waitFor(t, "the tooltip", 5*time.Second, func() bool { return strings.Contains(u.tips.Shown(), "probe spec") })
	test.MoveMouse(c, fyne.NewPos(1, 1))
	waitFor(t, "the tooltip to go", 5*time.Second, func() bool { return u.tips.Shown() == "" })
	// A tap reaches the button under its tooltip target.
	btn := fyne.CurrentApp().Driver().AbsolutePositionForObject(u.probe.sampleBtn).Add(fyne.NewPos(5, 5))
	u.status.SetText("")
	test.TapCanvas(c, btn)
	if !strings.HasPrefix(u.status.Text, "sampling ") {
		t.Errorf("tapping Sample through its tooltip target: status %q", u.status.Text)
	}
	// The wheel over a text field scrolls the side panel (600 pixels high here: it has to scroll).
	before := u.tipScroll.Offset.Y
	test.Scroll(c, at, 0, -120)
	if u.tipScroll.Offset.Y <= before {
		t.Errorf("the wheel over the probe field left the side panel at %g (was %g)", u.tipScroll.Offset.Y, before)
	}
}
