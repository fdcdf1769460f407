package train

import "math"

// learningRate returns the rate for step (0-based) of total steps under schedule:
// "" keeps base; "cosine" anneals from base to 0 (Loshchilov & Hutter 2017, without restarts);
// "step" divides by 10 after half and again after three quarters of the steps.
func learningRate(schedule string, base float64, step, total int) float64 {
	if total <= 0 {
		return base
	}
	frac := float64(step) / float64(total)
	switch schedule {
	case "cosine":
		return base * 0.5 * (1 + math.Cos(math.Pi*frac))
	case "step":
		switch {
		case frac >= 0.75:
			return base * 0.01
		case frac >= 0.5:
			return base * 0.1
		}
	}
	return base
}
