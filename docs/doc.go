// Package docs embeds the documentation that surfscope shows as well as ships: METRICS.md, the
// definition of every number the app and the commands show or export. The app renders it under
// Help ▸ Metrics, and MetricHelp gives the section of one metric, so that the help text and the
// document are one text.
package docs

import (
	_ "embed"
	"strings"
)

// Metrics is docs/METRICS.md, in Markdown.
//
//go:embed METRICS.md
var Metrics string

// section is one "### " section of METRICS.md with the intro of its "## " family.
type section struct {
	family, text string
	keys         []string
}

var sections = parseSections(Metrics)

// parseSections splits a document into its "### " sections, each with the text under its "## "
// heading before the first "### " (the family's intro) and the keys of its "Keys:" line.
func parseSections(doc string) []section {
	var out []section
	var family, intro strings.Builder
	var cur *section
	flush := func() {
		if cur != nil {
			cur.text = strings.TrimSpace(cur.text)
			out = append(out, *cur)
			cur = nil
		}
	}
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			family.Reset()
			intro.Reset()
			family.WriteString(line + "\n")
		case strings.HasPrefix(line, "### "):
			flush()
			cur = &section{family: strings.TrimSpace(family.String() + intro.String()), text: line + "\n"}
		case cur != nil:
			if k, ok := strings.CutPrefix(line, "Keys: "); ok {
				for _, f := range strings.Split(k, ",") {
					cur.keys = append(cur.keys, strings.Trim(strings.TrimSpace(f), "`"))
				}
				continue
			}
			cur.text += line + "\n"
		case family.Len() > 0:
			intro.WriteString(line + "\n")
		}
	}
	flush()
	return out
}

// MetricHelp returns the Markdown help of the metric named key — a JSON or atlas key such as
// "plane.grad", an app metric such as "mean curvature", or an `analyze --metric` name such as
// "gauss:K" — as METRICS.md gives it: the family's heading and intro, then the metric's section.
// It returns "" for a key the document does not list.
func MetricHelp(key string) string {
	for _, s := range sections {
		for _, k := range s.keys {
			if k == key {
				return s.family + "\n\n" + s.text
			}
		}
	}
	return ""
}
