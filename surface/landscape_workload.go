package surface

import (
	"context"
	"fmt"
	"time"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

// BenchLandscape times the `landscape` workload of shared/bench/WORKLOADS.md: the loss of the MLP
// 784-256-256-10 (ReLU) over a grid×grid filter-normalised parameter plane, α, β ∈ [−1, 1], on the
// given labelled MNIST images (2,000 training images in the workload). net may be nil for the
// workload MLP with fresh weights (the cost does not depend on them). It returns the seconds
// LossLandscape took, without building the net and the directions.
func BenchLandscape(ctx context.Context, net *models.Net, images []float32, labels []int, grid int) (float64, error) {
	if net == nil {
		var err error
		net, err = models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{256, 256}}, 0)
		if err != nil {
			return 0, err
		}
	}
	if grid < 2 {
		return 0, fmt.Errorf("surface: landscape workload: grid %d", grid)
	}
	dirs := []ParamVector{FilterNormalized(net, 1, nil), FilterNormalized(net, 2, nil)}
	c := projection.Linspace(-1, 1, grid)
	start := time.Now()
	if _, err := LossLandscape(ctx, net, dirs, c, c, images, labels, nil, nil); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}
