package graph

import (
	"math"

	"github.com/surfscope/surfscope/internal/softmax"
)

// softmaxXentKernel is the mean cross-entropy between softmax(logits) and target distributions
// (one-hot labels, or mixed labels under mixup): −(1/B) Σ_s Σ_k t[s,k] log softmax(z[s])_k.
// Inputs: logits [B,K], targets [B,K]; output: a scalar. It keeps the softmax for the gradient
// (softmax − t)/B and the per-sample losses.
type softmaxXentKernel struct {
	batch, classes int
	prob           []float32 // [B,K] softmax of the last forward
	losses         []float32 // [B]
}

func newSoftmaxXentKernel(batch, classes int) *softmaxXentKernel {
	return &softmaxXentKernel{batch: batch, classes: classes,
		prob: make([]float32, batch*classes), losses: make([]float32, batch)}
}

func (k *softmaxXentKernel) needsGrad(i int) bool { return i == 0 }

func (k *softmaxXentKernel) forward(out []float32, in [][]float32) {
	z, t := in[0], in[1]
	total := 0.0
	for s := 0; s < k.batch; s++ {
		row, p, tr := z[s*k.classes:(s+1)*k.classes], k.prob[s*k.classes:(s+1)*k.classes], t[s*k.classes:(s+1)*k.classes]
		m, sum := softmax.MaxSumExp(row)
		lse := m + math.Log(sum)
		loss := 0.0
		for j, v := range row {
			// exp(z − m) is rounded to float32 before the division, as training always did, so that
			// trained nets stay the same to the last bit.
			p[j] = float32(float64(float32(math.Exp(float64(v)-m))) / sum)
			if tr[j] != 0 {
				loss -= float64(tr[j]) * (float64(v) - lse)
			}
		}
		k.losses[s] = float32(loss)
		total += loss
	}
	out[0] = float32(total / float64(k.batch))
}

func (k *softmaxXentKernel) backward(_ int, dz []float32, in [][]float32, _, dy []float32) {
	t := in[1]
	scale := dy[0] / float32(k.batch)
	for i := range dz {
		dz[i] = (k.prob[i] - t[i]) * scale
	}
}
