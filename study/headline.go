package study

import (
	"fmt"
	"io"
	"strings"
)

// PrintHeadline prints each dataset's models and which surface traits its variants share and
// which differ, with the shifts and Holm-corrected p-values: the report's headline as text.
func PrintHeadline(w io.Writer, res *Results) {
	for i := range res.Datasets {
		d := &res.Datasets[i]
		fmt.Fprintf(w, "%s:\n", d.Data)
		for _, v := range d.Variants {
			m := v.Model
			switch {
			case m == nil:
				fmt.Fprintf(w, "  %-8s no model\n", v.Variant)
			case m.Failed != "":
				fmt.Fprintf(w, "  %-8s training failed: %s\n", v.Variant, m.Failed)
			default:
				fits := "fits"
				if !m.Fits {
					fits = fmt.Sprintf("DOES NOT FIT (%.2f%%)", 100*m.TrainAcc)
				}
				fmt.Fprintf(w, "  %-8s %d epochs, %s, test accuracy %.2f%%\n", v.Variant, m.Epochs, fits, 100*m.TestAcc)
			}
		}
		shared, differ := headlines(d.Metrics)
		var names []string
		for _, m := range shared {
			names = append(names, m.Metric)
		}
		fmt.Fprintf(w, "  shared (no significant difference): %s\n", orNone(strings.Join(names, ", ")))
		for _, h := range differ {
			p := h.Pair
			fmt.Fprintf(w, "  differs: %-22s %s − %s = %.3g [%.3g, %.3g] (%s of %s's median), U %.0f, p(Holm) %.2g\n",
				h.Metric.Metric, p.A, p.B, p.Shift, p.Interval.Lo, p.Interval.Hi, relText(float64(p.Relative)), p.B, p.U, p.PHolm)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func relText(v float64) string {
	if v != v {
		return "–"
	}
	return fmt.Sprintf("%+.0f%%", 100*v)
}
