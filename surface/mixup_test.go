package surface

import (
	"math"
	"testing"
)

func TestMixupLinearity(t *testing.T) {
	// Logits log((1−λ)p0 + λp1) give softmax exactly the blend: zero deviation, no misses.
	p0, p1 := []float64{0.7, 0.2, 0.1}, []float64{0.1, 0.1, 0.8}
	lin := analyticGrid(21, 1, 3, 0, 1, 0, 0, func(l, _ float64, z []float64) {
		for k := range z {
			z[k] = math.Log((1-l)*p0[k] + l*p1[k])
		}
	})
	s, err := SummarizeMixup(lin)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "linear mean TV", s.MeanTV, 0, 1e-6)
	near(t, "linear miss rate", s.MissRate, 0, 0)
	if s.Ends != [2]int{0, 2} {
		t.Fatalf("ends %v", s.Ends)
	}
	// One-hot predictions on λ ∈ [−0.5, 1.5] (step 0.1): class 0 below 0.3, class 2 on [0.3, 0.5],
	// class 1 above. Against the blend (1−λ, λ, 0): TV = λ, then 1, then 1 − λ; ‖·‖₂ = √2 λ, then
	// sqrt((1−λ)² + λ² + 1), then √2 (1−λ).
	inMiddle := func(l float64) bool { return l > 0.3-1e-9 && l < 0.5+1e-9 }
	hard := analyticGrid(21, 1, 3, -0.5, 1.5, 0, 0, func(l, _ float64, z []float64) {
		z[0], z[1], z[2] = 0, 0, 0
		switch {
		case inMiddle(l):
			z[2] = 100
		case l < 0.5:
			z[0] = 100
		default:
			z[1] = 100
		}
	})
	s, err = SummarizeMixup(hard)
	if err != nil {
		t.Fatal(err)
	}
	var tv, l2 float64
	for i := 0; i <= 10; i++ {
		l := float64(i) / 10
		switch {
		case inMiddle(l):
			tv += 1
			l2 += math.Sqrt((1-l)*(1-l) + l*l + 1)
		case l < 0.5:
			tv += l
			l2 += math.Sqrt2 * l
		default:
			tv += 1 - l
			l2 += math.Sqrt2 * (1 - l)
		}
	}
	near(t, "mean TV", s.MeanTV, tv/11, 1e-9)
	near(t, "max TV", s.MaxTV, 1, 1e-9)
	near(t, "mean L2", s.MeanL2, l2/11, 1e-9)
	near(t, "miss rate", s.MissRate, 3.0/9, 1e-15) // λ = 0.3, 0.4, 0.5 of the 9 interior points
	dev, _ := MixupDeviation(hard)
	if !math.IsNaN(dev.Z(0, 0)) || math.Abs(dev.Z(9, 0)-1) > 1e-9 {
		t.Fatalf("deviation map %v", dev.Values)
	}
	noEnds := analyticGrid(10, 1, 3, 0, 1, 0, 0, func(l, _ float64, z []float64) {})
	noEnds.S[9] = 0.99
	if _, err := SummarizeMixup(noEnds); err == nil {
		t.Error("a line without λ = 1 accepted")
	}
}
