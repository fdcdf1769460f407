package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// picturePanel is the View part of the side panel: how the sampled grid is drawn.
type picturePanel struct {
	class     *widget.Select // the logit shown as height
	metric    *widget.Select
	mode      *widget.RadioGroup // 3D or heatmap
	colormap  *widget.Select
	contours  *widget.Check
	symmetric *widget.Check
}

func (u *UI) buildPicture() {
	p := &u.picture
	p.class = widget.NewSelect(nil, func(string) { u.redraw() })
	p.metric = widget.NewSelect(view.Metrics, func(m string) {
		u.followMetric(m)
		u.redraw()
	})
	p.metric.Selected = "logit"
	p.mode = widget.NewRadioGroup([]string{"3D", "Heatmap"}, func(string) { u.redraw() })
	p.mode.Horizontal = true
	p.mode.Selected = "3D"
	p.colormap = widget.NewSelect(render.ColormapNames(), func(name string) {
		key := prefColormap // remembered by family: sequential and diverging
		if cm, err := render.ColormapByName(name); err == nil && cm.Diverging() {
			key = prefDiverging
		}
		u.app.Preferences().SetString(key, name)
		u.redraw()
	})
	p.colormap.Selected = u.app.Preferences().StringWithFallback(prefColormap, "viridis")
	p.contours = widget.NewCheck("Contours", func(bool) { u.redraw() })
	p.contours.Checked = true
	p.symmetric = widget.NewCheck("±", func(bool) { u.redraw() })
}

// followMetric shows the colormap a metric is drawn with when the one chosen does not suit it: a
// diverging map (the user's last, else coolwarm) for the signed curvatures, a sequential one (the
// user's last, else viridis) for everything else. The control always names the map in use.
func (u *UI) followMetric(metric string) {
	p := &u.picture
	cm, err := render.ColormapByName(p.colormap.Selected)
	if err == nil && cm.Diverging() == view.SignedMetric(metric) {
		return
	}
	key := prefColormap
	if view.SignedMetric(metric) {
		key = prefDiverging
	}
	p.colormap.SetSelected(u.app.Preferences().StringWithFallback(key, view.DefaultColormap(metric)))
}

// pictureForm lays out the view's settings, each with its tooltip.
func (u *UI) pictureForm() fyne.CanvasObject {
	p := &u.picture
	colours := container.NewBorder(nil, nil, nil, u.tip(p.symmetric, "colour range symmetric about zero (diverging maps always are);\n"+
		"by default colours span the 1st–99th percentile, triangles on the colour bar mark clipped ends"), u.tip(p.colormap,
		"the colormap in use; the curvatures switch to a diverging map (coolwarm), the other metrics to a sequential one"))
	return container.NewVBox(
		widget.NewForm(widget.NewFormItem("Logit", u.tip(p.class, "the logit drawn as height (and coloured, for the logit metric)")),
			widget.NewFormItem("Metric", u.tip(p.metric, "what colours the surface; Help ▸ This Metric defines it")),
			widget.NewFormItem("Colours", colours)),
		container.NewHBox(u.tip(p.mode, "3D surface (drag to orbit, wheel to zoom) or heatmap seen from above"),
			u.tip(p.contours, "contour lines of the height")))
}

// redraw draws the Surface and Compare tabs again after a View control changed.
func (u *UI) redraw() {
	u.showGrid()
	if u.compare != nil {
		u.compare.refresh()
	}
}

// showGrid hands the session's grid to the surface view, drawn as viewOf describes it.
func (u *UI) showGrid() {
	s := u.session.Snapshot()
	if s.Grid == nil || u.picture.class.SelectedIndex() >= s.Grid.K {
		return
	}
	scene, err := u.viewOf(s).Scene(s.Grid, s.Test)
	if err != nil {
		u.showError(err)
		return
	}
	u.surface.SetScene(scene)
}

// viewOf is the Surface tab's picture of s as one view.State: how s's grid was sampled (model,
// data, probe, sizes), how the View controls draw it, the theme and the view's camera. The picture
// on screen, the PNG and VTK exports and Copy Command Line are all made from it, so that
// `surfscope render` with its flags draws the same picture.
func (u *UI) viewOf(s Snapshot) view.State {
	st := view.Default()
	if s.Grid != nil {
		st.Sampling = s.Sampling
	}
	p := &u.picture
	if p.metric.Selected != "" {
		st.Metric = p.metric.Selected
	}
	st.Class = p.class.SelectedIndex() // -1 before the first grid: the first image's class
	if p.mode.Selected == "Heatmap" {
		st.View = "heatmap"
	}
	if _, err := render.ColormapByName(p.colormap.Selected); err == nil {
		st.Colormap = p.colormap.Selected
	}
	if !p.contours.Checked {
		st.Contours = 0
	}
	st.Symmetric = p.symmetric.Checked
	st.Theme = u.themeName()
	st.Camera = u.surface.Camera()
	return st
}

// viewState is the picture of the session as it is now (see viewOf).
func (u *UI) viewState() view.State { return u.viewOf(u.session.Snapshot()) }
