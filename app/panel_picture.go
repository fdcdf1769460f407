package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/render"
)

// picturePanel is the View part of the side panel: how the sampled grid is drawn.
type picturePanel struct {
	class    *widget.Select // the logit shown as height
	metric   *widget.Select
	mode     *widget.RadioGroup // 3D or heatmap
	colormap *widget.Select
	contours *widget.Check
	export   *widget.Button
}

func (u *UI) buildPicture() {
	p := &u.picture
	p.class = widget.NewSelect(nil, func(string) {
		u.showGrid()
		u.compare.refresh()
	})
	p.metric = widget.NewSelect(Metrics, func(string) { u.showGrid() })
	p.metric.Selected = "logit"
	p.mode = widget.NewRadioGroup([]string{"3D", "Heatmap"}, func(string) { u.showGrid() })
	p.mode.Horizontal = true
	p.mode.Selected = "3D"
	p.colormap = widget.NewSelect(render.ColormapNames(), func(name string) {
		u.app.Preferences().SetString(prefColormap, name)
		u.showGrid()
	})
	p.colormap.Selected = u.app.Preferences().StringWithFallback(prefColormap, "viridis")
	p.contours = widget.NewCheck("Contour lines", func(bool) { u.showGrid() })
	p.contours.Checked = true
	p.export = widget.NewButton("Export PNG…", u.exportPNG)
}

// form lays out the view's settings.
func (p *picturePanel) form() fyne.CanvasObject {
	return container.NewVBox(
		widget.NewForm(widget.NewFormItem("Logit", p.class), widget.NewFormItem("Metric", p.metric),
			widget.NewFormItem("Colours", p.colormap)), p.mode, p.contours, p.export)
}

// showGrid hands the current grid to the surface view as a scene drawn as the panel says.
func (u *UI) showGrid() {
	s := u.session.Snapshot()
	p := &u.picture
	k := p.class.SelectedIndex()
	if s.Grid == nil || k < 0 || k >= s.Grid.K {
		return
	}
	contours := 0
	if p.contours.Checked {
		contours = 12
	}
	view := render.ViewSurface
	if p.mode.Selected == "Heatmap" {
		view = render.ViewHeatmap
	}
	cmap, err := render.ColormapByName(p.colormap.Selected)
	if err != nil {
		cmap = render.Viridis
	}
	scene, err := Scene(s.Grid, s.Test, SceneOptions{Class: k, Contours: contours, Metric: p.metric.Selected,
		View: view, Colormap: cmap, Background: theme.Color(theme.ColorNameBackground)})
	if err != nil {
		u.showError(err)
		return
	}
	u.surface.SetScene(scene)
}
