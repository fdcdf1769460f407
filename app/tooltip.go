package app

import (
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tooltips. Fyne 2.7 has none, and wrapping a control in a hoverable widget does not work: the
// pointer's events go to the deepest hoverable object, the control itself. So each control gets a
// tipTarget stacked over it: the target is hoverable and scrollable but neither tappable,
// focusable nor draggable, so Fyne delivers the control's taps, clicks, drags and keys to the
// control as before, while hover events come to the target, which passes them on to the control
// (its hover highlight stays) and shows the tooltip after the pointer rests. The tooltip itself is
// drawn in a layer over the window's content made of plain canvas objects, which take no events.
// Scrolling over a target scrolls the side panel (a text field would otherwise swallow the wheel).

// tipDelay is how long the pointer rests on a control before its tooltip shows.
const tipDelay = 600 * time.Millisecond

// tipLayer shows one tooltip at a time over the window's content. Touch it on the UI thread.
type tipLayer struct {
	layer *fyne.Container // no layout: the box and the text, placed by show
	box   *canvas.Rectangle
	text  *canvas.Text
	lines []*canvas.Text

	mu      sync.Mutex
	pending *tipTarget // the target the pointer rests on
	timer   *time.Timer
	tips    map[fyne.CanvasObject]string // every control with a tooltip, for the tests
}

func newTipLayer() *tipLayer {
	t := &tipLayer{box: canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)), tips: map[fyne.CanvasObject]string{}}
	t.box.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	t.box.StrokeWidth = 1
	t.box.CornerRadius = 4
	t.layer = container.NewWithoutLayout(t.box) // always shown, so that it keeps its size and place
	t.box.Hide()
	return t
}

// tip returns control with a tooltip: a stack of the control and its tipTarget. scroll, when not
// nil, receives the wheel over the control.
func (t *tipLayer) tip(control fyne.CanvasObject, text string, scroll *container.Scroll) fyne.CanvasObject {
	t.tips[control] = text
	target := &tipTarget{control: control, text: text, layer: t, scroll: scroll}
	target.ExtendBaseWidget(target)
	return container.NewStack(control, target)
}

// arm starts the rest timer for target, replacing any other.
func (t *tipLayer) arm(target *tipTarget) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
	}
	t.pending = target
	t.timer = time.AfterFunc(tipDelay, func() {
		fyne.Do(func() {
			t.mu.Lock()
			still := t.pending == target
			t.mu.Unlock()
			if still {
				t.show(target)
			}
		})
	})
}

// disarm hides the tooltip of target (and stops its timer). Call it on the UI thread.
func (t *tipLayer) disarm(target *tipTarget) {
	t.mu.Lock()
	if t.pending == target {
		t.pending = nil
		if t.timer != nil {
			t.timer.Stop()
		}
	}
	t.mu.Unlock()
	t.hide()
}

// show draws target's tooltip under it (above it near the window's bottom), inside the window.
func (t *tipLayer) show(target *tipTarget) {
	for _, l := range t.lines {
		t.layer.Remove(l)
	}
	t.lines = nil
	size := theme.TextSize() * 0.9
	pad := theme.Padding() * 1.5
	w, h := float32(0), float32(0)
	for _, line := range strings.Split(target.text, "\n") {
		l := canvas.NewText(line, theme.Color(theme.ColorNameForeground))
		l.TextSize = size
		ms := l.MinSize()
		l.Move(fyne.NewPos(pad, pad+h))
		l.Resize(ms)
		w, h = max(w, ms.Width), h+ms.Height
		t.lines = append(t.lines, l)
		t.layer.Add(l)
	}
	box := fyne.NewSize(w+2*pad, h+2*pad)
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(target).Subtract(d.AbsolutePositionForObject(t.layer))
	room := t.layer.Size()
	pos := fyne.NewPos(at.X+8, at.Y+target.Size().Height+4)
	if pos.Y+box.Height > room.Height {
		pos.Y = at.Y - box.Height - 4
	}
	pos.X = max(0, min(pos.X, room.Width-box.Width))
	t.box.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	t.box.Move(pos)
	t.box.Resize(box)
	for _, l := range t.lines {
		l.Move(l.Position().Add(pos))
	}
	t.box.Show()
	t.layer.Refresh()
}

// hide removes the tooltip shown.
func (t *tipLayer) hide() {
	for _, l := range t.lines {
		t.layer.Remove(l)
	}
	t.lines = nil
	t.box.Hide()
	t.layer.Refresh()
}

// Shown returns the text of the tooltip on screen, or "".
func (t *tipLayer) Shown() string {
	if !t.box.Visible() {
		return ""
	}
	var parts []string
	for _, l := range t.lines {
		parts = append(parts, l.Text)
	}
	return strings.Join(parts, "\n")
}

// tipTarget lies over a control: it takes the control's hover events, passes them on and shows the
// tooltip, and sends the wheel to scroll (or the control).
type tipTarget struct {
	widget.BaseWidget
	control fyne.CanvasObject
	text    string
	layer   *tipLayer
	scroll  *container.Scroll
}

// CreateRenderer draws nothing.
func (t *tipTarget) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MinSize is zero: the control sizes the stack.
func (t *tipTarget) MinSize() fyne.Size { return fyne.Size{} }

// MouseIn passes the event on and arms the tooltip.
func (t *tipTarget) MouseIn(e *desktop.MouseEvent) {
	if h, ok := t.control.(desktop.Hoverable); ok {
		h.MouseIn(e)
	}
	t.layer.arm(t)
}

// MouseMoved passes the event on.
func (t *tipTarget) MouseMoved(e *desktop.MouseEvent) {
	if h, ok := t.control.(desktop.Hoverable); ok {
		h.MouseMoved(e)
	}
}

// MouseOut passes the event on and hides the tooltip.
func (t *tipTarget) MouseOut() {
	if h, ok := t.control.(desktop.Hoverable); ok {
		h.MouseOut()
	}
	t.layer.disarm(t)
}

// Scrolled scrolls the side panel (or passes the wheel to a scrollable control).
func (t *tipTarget) Scrolled(e *fyne.ScrollEvent) {
	switch {
	case t.scroll != nil:
		t.scroll.Scrolled(e)
	default:
		if s, ok := t.control.(fyne.Scrollable); ok {
			s.Scrolled(e)
		}
	}
}
