package softmax

import "math"

// Float is the element type of the values softmax reads.
type Float interface{ ~float32 | ~float64 }

// MaxSumExp returns the largest value m of z and Σ exp(z_k − m), in float64: the stable parts of
// softmax and log-sum-exp. For empty z it returns −Inf and 0.
func MaxSumExp[T Float](z []T) (m, sum float64) {
	m = math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, float64(v))
	}
	for _, v := range z {
		sum += math.Exp(float64(v) - m)
	}
	return m, sum
}

// LogSumExp returns log Σ exp(z_k) = m + log Σ exp(z_k − m), m = max z, in float64. The
// cross-entropy loss of logits z against label y is LogSumExp(z) − z_y.
func LogSumExp[T Float](z []T) float64 {
	m, s := MaxSumExp(z)
	return m + math.Log(s)
}

// Into writes softmax(z)_k = exp(z_k − m) / Σ_j exp(z_j − m) into p (len(z) values), in float64.
func Into[T Float](p []float64, z []T) {
	m, s := MaxSumExp(z)
	for k, v := range z {
		p[k] = math.Exp(float64(v)-m) / s
	}
}

// Rows writes the softmax of every run of n consecutive values of x (the last axis of a tensor)
// into y, computing in float64 and rounding once to float32. y may be x.
func Rows(y, x []float32, n int) {
	for lo := 0; lo+n <= len(x); lo += n {
		row := x[lo : lo+n]
		m, s := MaxSumExp(row)
		for k, v := range row {
			y[lo+k] = float32(math.Exp(float64(v)-m) / s)
		}
	}
}

// LogRows writes log softmax, x_k − (m + log Σ exp(x_j − m)), of every run of n consecutive values
// of x into y, computing in float64. y may be x.
func LogRows(y, x []float32, n int) {
	for lo := 0; lo+n <= len(x); lo += n {
		row := x[lo : lo+n]
		lse := LogSumExp(row)
		for k, v := range row {
			y[lo+k] = float32(float64(v) - lse)
		}
	}
}
