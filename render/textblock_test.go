package render

import (
	"strings"
	"testing"
)

func TestWrapLinesFitsTheBlockAndKeepsClauses(t *testing.T) {
	caption := "logit 9 (Ankle boot): median -4.78, IQR [-7.12, -3.27], range [-1.02e+03, 5.11]; heights outside [-18.7, 5.11] drawn at its ends"
	const size, width = 12.0, 400
	got := WrapLines([]string{caption, "short"}, size, width)
	if len(got) < 3 || got[len(got)-1] != "short" {
		t.Fatalf("WrapLines = %q, want the long line broken and the short one kept", got)
	}
	f := face(size)
	for _, l := range got {
		if w := textWidth(f, l); w > width-size {
			t.Errorf("line %q is %.0f px wide, more than %g", l, w, width-size)
		}
	}
	if joined := strings.Join(got[:len(got)-1], " "); joined != caption {
		t.Errorf("the wrapped lines say %q, not the caption %q", joined, caption)
	}
	// A "; " inside the part that fits is preferred to a later space.
	room := int(textWidth(f, "alpha beta; gamma delta")+size) + 1
	if got := WrapLines([]string{"alpha beta; gamma delta epsilon"}, size, room); len(got) != 2 || got[0] != "alpha beta;" {
		t.Errorf("WrapLines = %q, want a break after the semicolon", got)
	}
	if one := WrapLines([]string{"averyveryverylongwordwithoutanyspaceatall"}, size, 60); len(one) != 1 {
		t.Errorf("a word wider than the block: %q, want it left whole", one)
	}
}
