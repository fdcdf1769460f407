package train

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// State is a training run between two epochs: the net after its last completed epoch and
// everything else Continue needs to go on exactly as a run that was never stopped would (the
// optimizer's moments and step count, the random generator behind shuffling and augmentation,
// the history). Continue keeps it up to date at the end of every epoch and only then, so a run
// that is cancelled or fails half-way through an epoch leaves a State that resumes from the last
// completed one. SaveState and LoadState keep it in a file.
type State struct {
	Net     *models.Net  // the weights after the last completed epoch; Continue trains it in place
	Config  Config       // the run's configuration, defaults filled in
	History []EpochStats // one per completed epoch

	rng []byte         // the PCG generator, marshalled
	opt optimizerState // the optimizer's buffers, a copy (Continue trains copies of them)
}

// optimizerState is an optimizer between two steps: the number of steps taken and its buffers,
// each with one slice per learnable tensor of the net (graph order): Adam's first and second
// moments, SGD's momentum buffer (none before the first step, or without momentum).
type optimizerState struct {
	Steps   int           `json:"steps"`
	Buffers [][][]float32 `json:"-"`
}

// NewState starts a run of net with cfg at epoch 0. It checks the configuration and the net.
func NewState(net *models.Net, cfg Config) (*State, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	rng, err := rand.NewPCG(uint64(cfg.Seed), 0x7a1).MarshalBinary()
	if err != nil {
		panic("train: " + err.Error())
	}
	return &State{Net: net, Config: cfg, rng: rng}, nil
}

// Epoch is the number of completed epochs.
func (s *State) Epoch() int { return len(s.History) }

// Done reports whether the run has finished: MaxEpochs completed, or with UntilFit the last epoch
// classified every training image correctly.
func (s *State) Done() bool {
	n := len(s.History)
	return n >= s.Config.MaxEpochs || n > 0 && s.Config.UntilFit && s.History[n-1].TrainAcc == 1
}

// generator returns the random generator as the state left it.
func (s *State) generator() *rand.PCG {
	var p rand.PCG
	if err := p.UnmarshalBinary(s.rng); err != nil {
		panic("train: " + err.Error()) // checked by LoadState
	}
	return &p
}

// newOptimizer returns the run's optimizer with the state's buffers (copied), checked against
// the learnable tensors params.
func (s *State) newOptimizer(params [][]float32) (optimizer, error) {
	cfg := s.Config
	var opt optimizer
	if cfg.Optimizer == "sgd" {
		opt = &sgdOptimizer{momentum: max(cfg.Momentum, 0), decay: cfg.WeightDecay}
	} else {
		opt = &adamOptimizer{beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: cfg.WeightDecay}
	}
	for b, buf := range s.opt.Buffers {
		if len(buf) != len(params) {
			return nil, fmt.Errorf("train: optimizer buffer %d has %d tensors, the net %d", b, len(buf), len(params))
		}
		for j := range buf {
			if len(buf[j]) != len(params[j]) {
				return nil, fmt.Errorf("train: optimizer buffer %d, tensor %d has %d values, the net %d", b, j, len(buf[j]), len(params[j]))
			}
		}
	}
	if err := opt.load(optimizerState{Steps: s.opt.Steps, Buffers: cloneBuffers(s.opt.Buffers)}); err != nil {
		return nil, err
	}
	return opt, nil
}

// commit records the end of an epoch: the generator and the optimizer as they are now.
func (s *State) commit(rng *rand.PCG, opt optimizer) {
	b, err := rng.MarshalBinary()
	if err != nil {
		panic("train: " + err.Error())
	}
	s.rng = b
	o := opt.save()
	s.opt = optimizerState{Steps: o.Steps, Buffers: cloneBuffers(o.Buffers)}
}

func cloneBuffers(b [][][]float32) [][][]float32 {
	out := make([][][]float32, len(b))
	for i, buf := range b {
		out[i] = make([][]float32, len(buf))
		for j, v := range buf {
			out[i][j] = slices.Clone(v)
		}
	}
	return out
}
