package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
