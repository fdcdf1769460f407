package docs

import (
	"strings"
	"testing"
)

func TestMetricHelpFindsSectionsByKey(t *testing.T) {
	h := MetricHelp("plane.abs_K")
	if !strings.HasPrefix(h, "## Curvature") || !strings.Contains(h, "### Gaussian curvature") ||
		!strings.Contains(h, "Monge") || strings.Contains(h, "### Mean curvature") || strings.Contains(h, "Keys:") {
		t.Errorf("help of plane.abs_K:\n%s", h)
	}
	if MetricHelp("gauss:K") != h || MetricHelp("Gaussian curvature") != h {
		t.Error("the app's, analyze's and the atlas's names of one metric give different help")
	}
	if MetricHelp("no such metric") != "" {
		t.Error("an unknown key has help")
	}
	seen := map[string]string{}
	for _, s := range sections {
		if len(s.keys) == 0 {
			t.Errorf("section %q lists no keys", strings.SplitN(s.text, "\n", 2)[0])
		}
		for _, k := range s.keys {
			if prev, ok := seen[k]; ok {
				t.Errorf("key %q in two sections: %q and %q", k, prev, s.text[:30])
			}
			seen[k] = s.text[:30]
		}
	}
}
