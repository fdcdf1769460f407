package surface

// Predict returns the predicted class (the largest logit, the first on ties) of each of the n
// images [n][C·H·W] that f evaluates, in batches of 256 so that memory stays bounded.
func Predict(f Forwarder, images []float32, n int) []int {
	const chunk = 256
	D, k := f.InputSize(), f.NumClasses()
	preds := make([]int, n)
	var out []float32
	for lo := 0; lo < n; lo += chunk {
		m := min(chunk, n-lo)
		out = f.Forward(out, images[lo*D:(lo+m)*D], m)
		for r := 0; r < m; r++ {
			preds[lo+r] = Argmax(out[r*k : (r+1)*k])
		}
	}
	return preds
}

// Argmax returns the index of the largest value of z, the first on ties. Comparisons with NaN are
// false, so a NaN after the first value never wins. It panics on an empty z.
func Argmax(z []float32) int {
	best := 0
	for k, v := range z {
		if v > z[best] {
			best = k
		}
	}
	return best
}
