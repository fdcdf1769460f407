package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/docs"
)

// TestHelpMenuShowsTheMetricsDocument: Help ▸ Metrics renders docs/METRICS.md (headings become
// heading segments), and Help ▸ This Metric shows the chosen metric's section of the same text.
func TestHelpMenuShowsTheMetricsDocument(t *testing.T) {
	u := newTestUI(t)
	var items []string
	for _, m := range u.window.MainMenu().Items {
		if m.Label == "Help" {
			for _, it := range m.Items {
				items = append(items, it.Label)
				if it.Label == "Metrics…" {
					it.Action()
				}
			}
		}
	}
	if strings.Join(items, "|") != "Metrics…|This Metric…|Keyboard Shortcuts…||About surfscope" {
		t.Fatalf("Help menu %q", items)
	}
	rt := metricsHelp()
	text := richText(rt)
	for _, want := range []string{"What every number means", "Gaussian curvature", "K = (fₛₛ fₜₜ − fₛₜ²)", "centred logits"} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered METRICS.md lacks %q", want)
		}
	}
	if !strings.Contains(docs.Metrics, "### Gaussian curvature") || strings.Contains(text, "### ") {
		t.Error("Markdown headings were not rendered as headings")
	}
	u.picture.metric.SetSelected("mean curvature")
	u.showCurrentMetricHelp()
	if !strings.Contains(richText(widget.NewRichTextFromMarkdown(docs.MetricHelp("mean curvature"))), "H = ((1 + fₜ²)") {
		t.Error("the mean curvature's help lacks its formula")
	}
}

// richText returns the text of every segment of rt.
func richText(rt *widget.RichText) string {
	var b strings.Builder
	for _, s := range rt.Segments {
		if t, ok := s.(*widget.TextSegment); ok {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}
