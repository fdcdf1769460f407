package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
)

// checkData checks that s suits n: image shape, sizes and labels. A nil s passes (no data).
func checkData(what string, s *dataset.Set, n *models.Net) error {
	if s == nil {
		return nil
	}
	if [3]int{s.C, s.H, s.W} != n.Input {
		return fmt.Errorf("train: %s data %s: image shape [%d %d %d], the net wants %v", what, s.Name, s.C, s.H, s.W, n.Input)
	}
	size := n.InputSize()
	if len(s.Images) != s.N*size || len(s.Labels) != s.N {
		return fmt.Errorf("train: %s data %s: %d values and %d labels for %d images of %d", what, s.Name, len(s.Images), len(s.Labels), s.N, size)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= n.Classes {
			return fmt.Errorf("train: %s data %s: label %d of image %d is not in [0,%d)", what, s.Name, l, i, n.Classes)
		}
	}
	return nil
}

// batchFiller writes training batches (shuffled ids, optional flips and mixup) into a graph's input
// and target buffers.
type batchFiller struct {
	data  *dataset.Set
	size  int // values per image
	c, h  int
	w     int
	k     int // classes
	flip  bool
	mixup float64
	rng   *rand.Rand
	tmp   []float32
}

// fill writes the images ids into x and their one-hot (or mixed) labels into t.
func (f *batchFiller) fill(x, t []float32, ids []int) {
	clear(t)
	for s, id := range ids {
		dst := x[s*f.size : (s+1)*f.size]
		copy(dst, f.data.Images[id*f.size:(id+1)*f.size])
		if f.flip && f.rng.IntN(2) == 1 {
			flipW(dst, f.c*f.h, f.w)
		}
		t[s*f.k+f.data.Labels[id]] = 1
	}
	if f.mixup > 0 {
		f.mix(x, t, len(ids))
	}
}
