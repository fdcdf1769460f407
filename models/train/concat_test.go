package train

import (
	"strings"
	"testing"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// Training graphs do not implement the imported-net ops: Run and NewLossGradient refuse them
// with an error naming the op instead of panicking.
func TestTrainingRejectsConcatLogSoftmax(t *testing.T) {
	b := nettest.NewBuilder(68, 1, 2, 2)
	f := b.Op(models.OpFlatten, 0)
	b.Dense(b.Concat(0, f, f), 8, 2, true)
	cat := b.Net(t)
	b = nettest.NewBuilder(69, 1, 2, 2)
	b.Op(models.OpLogSoftmax, b.Dense(b.Op(models.OpFlatten, 0), 4, 2, true))
	logsm := b.Net(t)
	set := &dataset.Set{Name: "tiny", N: 2, C: 1, H: 2, W: 2, Classes: 2, Images: nettest.Inputs(15, 2, 4), Labels: []int{0, 1}}
	for op, n := range map[models.Op]*models.Net{models.OpConcat: cat, models.OpLogSoftmax: logsm} {
		_, err := Run(t.Context(), n, set, nil, Config{MaxEpochs: 1, BatchSize: 2}, nil)
		if err == nil || !strings.Contains(err.Error(), string(op)) {
			t.Errorf("Run on a net with %s: error %v, want one naming the op", op, err)
		}
		_, err = NewLossGradient(n, set.Images, set.Labels, 0)
		if err == nil || !strings.Contains(err.Error(), string(op)) {
			t.Errorf("NewLossGradient on a net with %s: error %v, want one naming the op", op, err)
		}
	}
}
