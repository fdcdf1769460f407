package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/view"
)

// themeName is "light" or "dark": the variant the window is drawn in (the background's
// luminance decides, so that any theme counts).
func (u *UI) themeName() string {
	if r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA(); 0.2126*float64(r)+0.7152*float64(g)+0.0722*float64(b) < 0x8000 {
		return "dark"
	}
	return "light"
}

// background is the colour every picture of the window is drawn on: the theme's, as view draws it
// headless (view.Background), so plots follow the theme.
func (u *UI) background() color.Color { return view.Background(u.themeName()) }

// setTheme switches the window to a theme and redraws every picture on its background.
func (u *UI) setTheme(name string) {
	u.app.Preferences().SetString(prefTheme, name)
	applyTheme(u.app, name)
	bg := u.background()
	for _, v := range u.views() {
		v.SetBackground(bg)
	}
	u.redraw()
}

// hintScene is a picture of text: what a tab shows before it has something to draw.
func hintScene(title, text string, bg color.Color) render.Scene {
	return render.Scene{View: render.ViewText, Title: title, Text: text, Background: bg}
}

// tip returns control with its tooltip (see tooltip.go); controls of the side panel scroll it with
// the wheel.
func (u *UI) tip(control fyne.CanvasObject, text string) fyne.CanvasObject {
	return u.tips.tip(control, text, u.tipScroll)
}

// fixedWidth gives an object (an entry) a width, so that it does not shrink to nothing in a row.
func fixedWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}
