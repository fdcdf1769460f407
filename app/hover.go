package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// hoverThumb is the side of the readout's thumbnail, in Fyne units.
const hoverThumb = 64

// hoverCard is the readout beside the pointer over the Surface tab (3D surface or heatmap): the
// point's coordinates, the value drawn there, the predicted class and its probability, and the
// input the model sees there as a thumbnail. A tap pins the point: a marker on the picture, and
// the readout is copied to the clipboard as text.
type hoverCard struct {
	layer  *fyne.Container // without layout, over the surface view
	card   *fyne.Container
	image  *canvas.Image
	text   *widget.Label
	last   *view.Readout // under the pointer now; nil when the card is hidden
	pinned *view.Readout
	// shown is the grid the Surface tab draws (the session's, or a live one while training)
	// and the split its probe's images come from.
	shown    *surface.Grid
	shownSet *dataset.Set
}

// buildHover makes the readout card and returns the Surface tab's content: the view with the
// card's layer over it.
func (u *UI) buildHover() fyne.CanvasObject {
	h := &u.hover
	h.image = canvas.NewImageFromImage(nil)
	h.image.ScaleMode = canvas.ImageScalePixels
	h.image.FillMode = canvas.ImageFillContain
	h.image.SetMinSize(fyne.NewSize(hoverThumb, hoverThumb))
	h.text = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	bg.StrokeWidth = 1
	h.card = container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, h.image, nil, h.text)))
	h.card.Hide()
	h.layer = container.NewWithoutLayout(h.card)
	u.surface.OnHover = u.hoverAt
	u.surface.OnTap = func(s render.Scene, w, hh int, px, py float64, pos fyne.Position) {
		u.hoverAt(s, w, hh, px, py, pos, true)
		u.pin()
	}
	return container.NewStack(u.surface, h.layer)
}

// setShown records the grid the Surface tab draws, for the readout.
func (u *UI) setShown(g *surface.Grid, set *dataset.Set) {
	u.hover.shown, u.hover.shownSet = g, set
}

// hoverAt shows the readout of the grid point drawn at pixel (px, py) of the view's w×h frame of
// s, beside pos; off the data, or with ok false, it hides the card.
func (u *UI) hoverAt(s render.Scene, w, h int, px, py float64, pos fyne.Position, ok bool) {
	c := &u.hover
	var i, j int
	if ok && c.shown != nil {
		i, j, ok = render.Pick(&s, w, h, px, py)
	}
	var r view.Readout
	if ok && c.shown != nil {
		var err error
		r, err = view.NewReadout(s, c.shown, c.shownSet, i, j)
		ok = err == nil
	}
	if !ok || c.shown == nil {
		c.last = nil
		c.card.Hide()
		return
	}
	c.last = &r
	c.text.SetText(strings.Join(r.Lines(), "\n"))
	c.image.Image = r.Image
	c.image.Refresh()
	c.card.Resize(c.card.MinSize())
	at := pos.Add(fyne.NewPos(16, 16))
	if room := u.surface.Size(); at.X+c.card.Size().Width > room.Width {
		at.X = pos.X - 16 - c.card.Size().Width
	}
	if room := u.surface.Size(); at.Y+c.card.Size().Height > room.Height {
		at.Y = pos.Y - 16 - c.card.Size().Height
	}
	c.card.Move(at)
	c.card.Show()
	c.layer.Refresh() // a container's Show does not repaint
}

// pin pins the point under the pointer: a marker on the picture at it, and its readout on the
// clipboard and in the status line.
func (u *UI) pin() {
	r := u.hover.last
	if r == nil {
		return
	}
	u.hover.pinned = r
	text := r.String()
	u.app.Clipboard().SetContent(text)
	u.status.SetText("pinned (copied): " + text)
	u.showGrid()
}

// pinMarker is the pinned point's marker on a picture of grid g, when it was pinned on g.
func (u *UI) pinMarker(g *surface.Grid) (render.Marker, bool) {
	p := u.hover.pinned
	if p == nil || g == nil || p.I >= g.NX || p.J >= g.NY || g.S[p.I] != p.S || (!p.Line && g.T[p.J] != p.T) {
		return render.Marker{}, false
	}
	return render.Marker{X: p.S, Y: p.T, Label: "pin: " + p.ClassName, Image: p.Image}, true
}
