// Package place places labels for both of render's drawing paths (the raster views in render and
// the vector figures in render/vector), so that the two lay a figure out the same way.
package place

import "math"

// Spread moves the centres xs (sorted ascending) of slots of the given widths as little as it can
// so that no two overlap and all lie within [lo, hi]; when they do not fit they start at lo. It is
// how thumbnails line up in the strip above a plot, each as near above its marker as the others
// leave room for.
func Spread(xs, widths []float64, lo, hi float64) {
	n := len(xs)
	if n == 0 {
		return
	}
	for i := 0; i < n; i++ { // push right past the left neighbour and lo
		least := lo + widths[i]/2
		if i > 0 {
			least = xs[i-1] + (widths[i-1]+widths[i])/2
		}
		xs[i] = math.Max(xs[i], least)
	}
	for i := n - 1; i >= 0; i-- { // pull back left of the right neighbour and hi
		most := hi - widths[i]/2
		if i < n-1 {
			most = xs[i+1] - (widths[i]+widths[i+1])/2
		}
		xs[i] = math.Min(xs[i], most)
	}
	if first := xs[0] - widths[0]/2; first < lo { // too wide for [lo, hi]
		for i := range xs {
			xs[i] += lo - first
		}
	}
}
