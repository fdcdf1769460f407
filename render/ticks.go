package render

import (
	"math"
	"strconv"
	"strings"
)

// niceTicks returns about n round tick values covering [lo, hi] from the
// inside: steps of 1, 2 or 5 times a power of ten (P. S. Heckbert, "Nice
// numbers for graph labels", Graphics Gems, 1990), and the step.
func niceTicks(lo, hi float64, n int) (ticks []float64, step float64) {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		if finite(lo) {
			return []float64{lo}, 0
		}
		return nil, 0
	}
	step = niceNumber((hi-lo)/float64(max(n-1, 1)), true)
	for {
		ticks = ticks[:0]
		first := math.Ceil(lo/step - 1e-9)
		for k := first; k*step <= hi+1e-9*step; k++ {
			v := k * step
			if math.Abs(v) < 1e-12*step {
				v = 0
			}
			ticks = append(ticks, v)
		}
		if len(ticks) >= min(n, 2) {
			return ticks, step
		}
		step = smallerNice(step) // too coarse for the range: at least two ticks
	}
}

// smallerNice is the next 1, 2, 5 step below a nice step.
func smallerNice(step float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(step)+1e-9))
	switch m := step / e; {
	case m > 4:
		return 2 * e
	case m > 1.5:
		return e
	}
	return e / 2
}

// niceNumber is a 1, 2, 5 or 10 times a power of ten near x (rounded when
// round is true, else the next above).
func niceNumber(x float64, round bool) float64 {
	e := math.Floor(math.Log10(x))
	f := x / math.Pow(10, e)
	var nf float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		nf = 1
	case round && f < 3, !round && f <= 2:
		nf = 2
	case round && f < 7, !round && f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, e)
}

// tickLabel formats v with as many decimals as the step needs, switching to
// exponent notation for very large or small magnitudes.
func tickLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Max(math.Abs(v), step)
	if a >= 1e5 || a < 1e-3 {
		digits := 0
		if step > 0 {
			digits = max(0, int(math.Floor(math.Log10(a)))-int(math.Floor(math.Log10(step))))
		}
		return strconv.FormatFloat(v, 'e', min(digits, 6), 64)
	}
	decimals := 0
	if step > 0 && step < 1 {
		decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', min(decimals, 8), 64)
}

// minusSign sets minus signs as the typographic "−" for display.
func minusSign(s string) string { return strings.ReplaceAll(s, "-", "−") }
