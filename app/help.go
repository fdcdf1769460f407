package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/docs"
	"github.com/surfscope/surfscope/view"
)

// metricsHelp is the content of Help ▸ Metrics: docs/METRICS.md rendered from Markdown (the text
// of every metric's help, view.MetricHelp, is a section of it).
func metricsHelp() *widget.RichText {
	rt := widget.NewRichTextFromMarkdown(docs.Metrics)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

// showHelp shows Markdown text in a scrolling dialog over most of the window.
func (u *UI) showHelp(title string, rt *widget.RichText) {
	d := dialog.NewCustom(title, "Close", container.NewVScroll(rt), u.window)
	sz := u.window.Canvas().Size()
	d.Resize(fyne.NewSize(sz.Width*0.85, sz.Height*0.85))
	d.Show()
}

// showMetricsHelp shows every metric's definition (Help ▸ Metrics).
func (u *UI) showMetricsHelp() { u.showHelp("Metrics", metricsHelp()) }

// showCurrentMetricHelp shows the definition of the metric the view colours by.
func (u *UI) showCurrentMetricHelp() {
	name := u.picture.metric.Selected
	text := view.MetricHelp(name)
	if text == "" {
		text = "No definition of " + name + "; see Help ▸ Metrics."
	}
	rt := widget.NewRichTextFromMarkdown(text)
	rt.Wrapping = fyne.TextWrapWord
	u.showHelp(name, rt)
}

// showShortcuts lists the keyboard shortcuts of the menus, the mouse gestures of the pictures and
// the keys of the side panel (Help ▸ Keyboard Shortcuts).
func (u *UI) showShortcuts(menus []*fyne.Menu) {
	var b strings.Builder
	b.WriteString("| Keys | Does |\n|---|---|\n")
	for _, m := range menus {
		for _, item := range m.Items {
			if sc, ok := item.Shortcut.(*desktop.CustomShortcut); ok {
				fmt.Fprintf(&b, "| %s | %s ▸ %s |\n", shortcutText(sc), m.Label, strings.TrimSuffix(item.Label, "…"))
			}
		}
	}
	b.WriteString("| Enter | in the Probe, Range or Margin field: sample; in the export dialog's File field: export |\n")
	b.WriteString("| Tab, Shift+Tab | move between the fields |\n\n")
	b.WriteString("**Pictures**: drag to orbit the 3D surface, Shift+drag (or the right button) to pan, the wheel to zoom, " +
		"double-click to reset the camera. The wheel over the side panel scrolls it, also over its text fields.\n\n" +
		"Hover over any control for a moment to see what it does.")
	rt := widget.NewRichTextFromMarkdown(b.String())
	rt.Wrapping = fyne.TextWrapWord
	u.showHelp("Keyboard shortcuts", rt)
}

// shortcutText writes a shortcut as it is pressed, e.g. "Ctrl+Shift+C".
func shortcutText(sc *desktop.CustomShortcut) string {
	var parts []string
	for _, m := range []struct {
		mod  fyne.KeyModifier
		name string
	}{{fyne.KeyModifierControl, "Ctrl"}, {fyne.KeyModifierSuper, "Cmd"}, {fyne.KeyModifierAlt, "Alt"}, {fyne.KeyModifierShift, "Shift"}} {
		if sc.Modifier&m.mod != 0 {
			parts = append(parts, m.name)
		}
	}
	key := string(sc.KeyName)
	switch sc.KeyName {
	case fyne.KeyReturn:
		key = "Enter"
	case fyne.KeyPeriod:
		key = "."
	}
	return strings.Join(append(parts, key), "+")
}
