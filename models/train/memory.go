package train

import (
	"fmt"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
)

// Bytes per unit of training, measured with /usr/bin/time on `surfscope train` (which keeps a
// resumable State and checkpoints it every epoch) with MLPs of 20 M and 40 M parameters and CNNs
// of 16–128 channels: Adam keeps 43 bytes a parameter (the net's float32 and the graph's, the
// gradient, two moments, the State's copies of weights and moments), SGD with momentum 35; a
// sample of a batch costs 1.75–4 times its activations' float32 (forward values, gradients,
// im2col columns).
const (
	adamBytesPerParam  = 44
	sgdBytesPerParam   = 36
	bytesPerActivation = 16
)

// MemoryNeed estimates the memory Run takes to train net with cfg, in bytes: per parameter its
// copies and optimiser state, per sample of a batch four float32 for each value the net computes.
// The data sets themselves are not counted (they are loaded already).
func MemoryNeed(net *models.Net, cfg Config) (int64, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return 0, err
	}
	shapes, err := net.Shapes()
	if err != nil {
		return 0, err
	}
	var values int64
	for _, s := range shapes {
		values += int64(models.ShapeSize(s))
	}
	perParam := int64(adamBytesPerParam)
	if cfg.Optimizer == "sgd" {
		perParam = sgdBytesPerParam
	}
	params := memcap.Mul(int64(net.NumParams()), perParam)
	acts := memcap.Mul(int64(cfg.BatchSize), values, bytesPerActivation)
	if params < 0 || acts < 0 {
		return -1, nil
	}
	return params + acts, nil
}

// checkMemory checks MemoryNeed against the memory cap (internal/memcap).
func checkMemory(net *models.Net, cfg Config) error {
	need, err := MemoryNeed(net, cfg)
	if err != nil {
		return err
	}
	batch := cfg.BatchSize
	if batch == 0 {
		batch = 128
	}
	what := fmt.Sprintf("training %d parameters in batches of %d", net.NumParams(), batch)
	if err := memcap.Check(what, need); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	return nil
}
