package ntk

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// NetMetrics are a network's measured errors on labelled images, with the MSEs per image summed
// over classes against one-hot targets (the scale of eigenlearning's predictions).
type NetMetrics struct {
	Images int `json:"images"`
	// TrainImages is the size of the training set the net was fitted to, when known (0 otherwise).
	TrainImages int `json:"train_images,omitempty"`
	// SoftmaxMSE is ‖softmax(f(x)) − y‖², LogitMSE ‖f(x) − y‖² of the raw logits.
	SoftmaxMSE float64 `json:"softmax_mse"`
	LogitMSE   float64 `json:"logit_mse"`
	// Error is the fraction of images whose largest logit is not the label.
	Error float64 `json:"error"`
}

// MeasureNet evaluates net on the images ([N][InputSize]) with the fast forward pass and scores
// it against labels. It returns an error for an invalid net, mismatched sizes or a bad label.
func MeasureNet(net *models.Net, images []float32, labels []int) (NetMetrics, error) {
	ev, err := infer.New(net)
	if err != nil {
		return NetMetrics{}, err
	}
	D, C, N := ev.InputSize(), ev.NumClasses(), len(labels)
	if N == 0 || len(images) != N*D {
		return NetMetrics{}, fmt.Errorf("ntk: %d values and %d labels do not make images of %d values", len(images), N, D)
	}
	m := NetMetrics{Images: N}
	var z []float32
	const chunk = 1000
	for lo := 0; lo < N; lo += chunk {
		hi := min(lo+chunk, N)
		z = ev.Forward(z, images[lo*D:hi*D], hi-lo)
		for s := 0; s < hi-lo; s++ {
			row, label := z[s*C:(s+1)*C], labels[lo+s]
			if label < 0 || label >= C {
				return NetMetrics{}, fmt.Errorf("ntk: label %d of image %d is not in [0,%d)", label, lo+s, C)
			}
			best := 0
			for c, v := range row {
				if v > row[best] {
					best = c
				}
			}
			mx, t := softmax.MaxSumExp(row)
			for c, v := range row {
				y := 0.0
				if c == label {
					y = 1
				}
				p := math.Exp(float64(v)-mx) / t
				m.SoftmaxMSE += (p - y) * (p - y)
				m.LogitMSE += (float64(v) - y) * (float64(v) - y)
			}
			if best != label {
				m.Error++
			}
		}
	}
	m.SoftmaxMSE /= float64(N)
	m.LogitMSE /= float64(N)
	m.Error /= float64(N)
	return m, nil
}
