package surface

import (
	"math"
	"testing"
)

func TestValueMaps(t *testing.T) {
	// Logits (s, 2s, 0) on s ∈ [−1, 1]: class 2 wins for s < 0, class 1 for s > 0.
	g := analyticGrid(5, 1, 3, -1, 1, 0, 0, func(s, _ float64, z []float64) { z[0], z[1], z[2] = s, 2*s, 0 })
	wantPred := []float64{2, 2, 0, 1, 1} // s = 0: all equal, the first wins
	pred, margin := Predicted(g), Margin(g)
	for i := 0; i < 5; i++ {
		s := g.S[i]
		near(t, "predicted", pred.Z(i, 0), wantPred[i], 0)
		wm := math.Abs(s) // top − runner-up: |2s − s| for s > 0, |0 − s| for s < 0
		near(t, "margin", margin.Z(i, 0), wm, 1e-7)
		lse := math.Log(math.Exp(s) + math.Exp(2*s) + 1)
		near(t, "loss", Loss(g, 1).Z(i, 0), lse-2*s, 1e-6)
		near(t, "probability", Probability(g, 0).Z(i, 0), math.Exp(s-lse), 1e-7)
	}
	p := Softmax(g)
	for q := 0; q < 5; q++ {
		sum := 0.0
		for k := 0; k < 3; k++ {
			sum += float64(p.Values[q*3+k])
		}
		near(t, "Σ softmax", sum, 1, 1e-6)
	}
	s := SummarizeValues(g)
	if s.Classes != 3 || s.Largest != 0.4 {
		t.Fatalf("classes %d largest %g, want 3 and 0.4", s.Classes, s.Largest)
	}
	near(t, "confidence at s=0", s.Confidence.Min, 1.0/3, 1e-7)
}
