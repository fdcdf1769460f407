package ntk

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/jacobian"
)

// MemoryNeed estimates the most memory Analyze holds for m samples of net with opt, in bytes:
//
//   - the gradient records: at most opt.Kernel.MaxBytes (1 GiB by default), fewer when m samples'
//     records take less;
//   - the m×m kernel (8m² bytes) and, while it is eigen-decomposed, five more m×m matrices
//     (gonum's working copy and eigenvectors, their copy, the Spectrum's reordered copy, and a
//     margin: TestMemoryNeedBoundsAnalyze measures about 6.5 in all), of which the eigenvectors
//     stay; then, per kernel regression on d samples, two d×d matrices, a Cholesky factor and the
//     m×d cross-kernel;
//   - with opt.Initial, the trained kernel and its eigenvectors stay while the initial kernel is
//     analysed the same way.
//
// sizes are the regression sizes Analyze uses (opt.TrainSizes, or its default m/8, m/4, m/2).
func MemoryNeed(net *models.Net, m int, opt Options) (int64, error) {
	jac, err := jacobian.New(net)
	if err != nil {
		return 0, err
	}
	seeds, _, err := opt.Kernel.Output.seeds(jac.NumClasses())
	if err != nil {
		return 0, err
	}
	budget := opt.Kernel.MaxBytes
	if budget <= 0 {
		budget = 1 << 30
	}
	rec := memcap.Mul(4, int64(jac.RecordSize(len(seeds)/jac.NumClasses())+jac.NumClasses()))
	records := min(budget, memcap.Mul(int64(m)+64, rec))
	sizes := opt.TrainSizes
	if sizes == nil {
		sizes = []int{m / 2}
	}
	d := int64(slices.Max(sizes))
	if opt.Trials < 0 {
		d = 0
	}
	sq := memcap.Mul(int64(m), int64(m), 8)
	reg := memcap.Mul(3, d, d, 8) + memcap.Mul(int64(m), d, 8)
	one := sq + max(memcap.Mul(5, sq), sq+reg) // the kernel, then its decomposition or the regressions
	need := records + one
	if opt.Initial != nil {
		need += memcap.Mul(2, sq)
	}
	if sq < 0 || reg < 0 || one < 0 || need < 0 {
		return -1, nil
	}
	return need, nil
}

// checkMemory checks MemoryNeed against the memory cap (internal/memcap).
func checkMemory(net *models.Net, m int, opt Options) error {
	need, err := MemoryNeed(net, m, opt)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("the %d×%d kernel with its eigen-decomposition", m, m)
	if opt.Initial != nil {
		what += " (twice: trained and initial)"
	}
	if err := memcap.Check(what, need); err != nil {
		return fmt.Errorf("ntk: %w", err)
	}
	return nil
}
