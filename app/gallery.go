package app

import (
	"fmt"
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/view"
)

// galleryLimit is the number of test images the gallery shows; enough to pick probes from
// without building tens of thousands of thumbnails.
const galleryLimit = 600

// Gallery shows the test split as thumbnails with their labels and, once a model has predicted
// them, its predictions (wrong ones in the error colour). Tapping a thumbnail calls OnPick.
type Gallery struct {
	widget.BaseWidget

	mu     sync.Mutex
	set    *dataset.Set
	preds  []int
	thumbs map[int]*image.RGBA
	grid   *widget.GridWrap

	// OnPick receives the index of the tapped image.
	OnPick func(i int)
}

// NewGallery returns an empty gallery.
func NewGallery() *Gallery {
	g := &Gallery{thumbs: map[int]*image.RGBA{}}
	g.grid = widget.NewGridWrap(g.length, g.create, g.update)
	g.grid.OnSelected = func(id widget.GridWrapItemID) {
		g.grid.UnselectAll()
		if g.OnPick != nil {
			g.OnPick(id)
		}
	}
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer implements fyne.Widget.
func (g *Gallery) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(g.grid) }

// SetData shows set (nil clears); predictions are forgotten.
func (g *Gallery) SetData(set *dataset.Set) {
	g.mu.Lock()
	g.set, g.preds, g.thumbs = set, nil, map[int]*image.RGBA{}
	g.mu.Unlock()
	g.grid.Refresh()
}

// SetPredictions marks each image with the model's predicted class (nil clears).
func (g *Gallery) SetPredictions(p []int) {
	g.mu.Lock()
	g.preds = p
	g.mu.Unlock()
	g.grid.Refresh()
}

// Len returns the number of thumbnails shown.
func (g *Gallery) Len() int { return g.length() }

// Tap picks image i as if its thumbnail were tapped (for tests and keyboard use).
func (g *Gallery) Tap(i int) { g.grid.Select(i) }

func (g *Gallery) length() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return min(g.set.Len(), galleryLimit)
}

func (g *Gallery) create() fyne.CanvasObject {
	img := canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(56, 56))
	label := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	label.TextSize = 10
	label.Alignment = fyne.TextAlignCenter
	return container.NewBorder(nil, label, nil, nil, img)
}

func (g *Gallery) update(id widget.GridWrapItemID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	img := c.Objects[0].(*canvas.Image)
	label := c.Objects[1].(*canvas.Text)
	g.mu.Lock()
	set, preds := g.set, g.preds
	th := g.thumbs[id]
	if th == nil && set != nil && id < set.Len() {
		th = view.Thumbnail(set, id)
		g.thumbs[id] = th
	}
	g.mu.Unlock()
	if set == nil || id >= set.Len() {
		return
	}
	img.Image = th
	img.Refresh()
	text := fmt.Sprintf("#%d %s", id, set.ClassName(set.Labels[id]))
	label.Color = theme.Color(theme.ColorNameForeground)
	if id < len(preds) {
		text += "→" + set.ClassName(preds[id])
		if preds[id] != set.Labels[id] {
			label.Color = theme.Color(theme.ColorNameError)
			text += " ✗"
		}
	}
	label.Text = text
	label.Refresh()
}
