package train

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
)

// resumeCases are small runs that exercise every piece of state: Adam's moments and step count,
// SGD's momentum buffer, batch-norm running statistics, a schedule over the whole run, and the
// random generator behind shuffling, flips and mixup.
func resumeCases(t *testing.T) []struct {
	name string
	net  func() *models.Net
	cfg  Config
} {
	mlp := func() *models.Net {
		n, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{16}}, 4)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	cnn := func() *models.Net {
		n, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 28, 28}, Classes: 10, Channels: []int{3}, BatchNorm: true}, 5)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return []struct {
		name string
		net  func() *models.Net
		cfg  Config
	}{
		{"mlp adam flip mixup cosine", mlp, Config{MaxEpochs: 4, BatchSize: 24, Seed: 3, Flip: true, Mixup: 0.4, Schedule: "cosine", WeightDecay: 1e-4}},
		{"cnn bn sgd step", cnn, Config{Optimizer: "sgd", LR: 0.05, MaxEpochs: 4, BatchSize: 32, Seed: 9, Schedule: "step", Flip: true}},
	}
}

func sameWeights(t *testing.T, what string, a, b *models.Net) {
	t.Helper()
	for i := range a.Nodes {
		for name, p := range a.Nodes[i].Params {
			q := b.Nodes[i].Params[name]
			for k := range p.Data {
				if math.Float32bits(p.Data[k]) != math.Float32bits(q.Data[k]) {
					t.Fatalf("%s: node %d %s[%d] = %v, the uninterrupted run has %v", what, i, name, k, q.Data[k], p.Data[k])
				}
			}
		}
	}
}

func sameHistory(t *testing.T, what string, a, b []EpochStats) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d epochs, want %d", what, len(b), len(a))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Epoch != y.Epoch || x.TrainLoss != y.TrainLoss || x.TrainAcc != y.TrainAcc || x.TestLoss != y.TestLoss ||
			x.BatchLoss != y.BatchLoss || x.LR != y.LR {
			t.Fatalf("%s: epoch %d: %+v, the uninterrupted run %+v", what, i+1, y, x)
		}
	}
}

// A run stopped after epoch 2 and continued from its saved state (through a file) ends with the
// same weights and history, bit for bit, as a run that was never stopped; so does one cancelled
// half-way through epoch 3 and continued from the State in memory.
func TestResumeIsBitExact(t *testing.T) {
	train, test := sampleSets(t, 100, 40)
	for _, c := range resumeCases(t) {
		whole := c.net()
		want, err := Run(context.Background(), whole, train, test, c.cfg, nil)
		if err != nil {
			t.Fatal(err)
		}

		path := filepath.Join(t.TempDir(), "run.state")
		stop := errors.New("stop")
		st, err := NewState(c.net(), c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Continue(context.Background(), st, train, test, nil, func(s *State) error {
			if s.Epoch() < 2 {
				return nil
			}
			if err := SaveState(path, s); err != nil {
				return err
			}
			return stop
		})
		if !errors.Is(err, stop) {
			t.Fatalf("%s: %v", c.name, err)
		}
		back, err := LoadState(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Epoch() != 2 {
			t.Fatalf("%s: the saved state is at epoch %d", c.name, back.Epoch())
		}
		got, err := Continue(context.Background(), back, train, test, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameHistory(t, c.name+", resumed from a file", want, got)
		sameWeights(t, c.name+", resumed from a file", whole, back.Net)

		ctx, cancel := context.WithCancel(context.Background())
		mem, _ := NewState(c.net(), c.cfg)
		_, err = Continue(ctx, mem, train, test, func(p Progress) {
			if p.Epoch == 3 && p.Batch == 2 {
				cancel()
			}
		}, nil)
		if !errors.Is(err, context.Canceled) || mem.Epoch() != 2 {
			t.Fatalf("%s: cancelled in epoch 3: %v, state at epoch %d", c.name, err, mem.Epoch())
		}
		got, err = Continue(context.Background(), mem, train, test, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameHistory(t, c.name+", cancelled and continued", want, got)
		sameWeights(t, c.name+", cancelled and continued", whole, mem.Net)
	}
}

func TestLoadStateRejectsBadFiles(t *testing.T) {
	train, _ := sampleSets(t, 48, 0)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.state")
	net, _ := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{8}}, 1)
	st, _ := NewState(net, Config{MaxEpochs: 1, BatchSize: 16})
	if _, err := Continue(context.Background(), st, train, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := SaveState(good, st); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	// The same file with a header whose first buffer claims 10⁸ more values.
	hlen := binary.LittleEndian.Uint64(b[len(stateMagic):])
	head := b[len(stateMagic)+8 : len(stateMagic)+8+int(hlen)]
	head = []byte(strings.Replace(string(head), `"optimizer_buffers":[[`, `"optimizer_buffers":[[100000000,`, 1))
	bigger := binary.LittleEndian.AppendUint64([]byte(stateMagic), uint64(len(head)))
	bigger = append(append(bigger, head...), b[len(stateMagic)+8+int(hlen):]...)
	cases := map[string]string{
		write("empty", nil):                     "not a surfscope training state",
		write("model", []byte("12345678{}")):    "not a surfscope training state",
		write("truncated", b[:len(b)-10]):       "truncated",
		write("trailing", append(b, 0)):         "trailing data",
		write("bomb", bigger):                   "more values than the net's",
		write("header", b[:len(stateMagic)+12]): "truncated header",
	}
	for path, want := range cases {
		if _, err := LoadState(path); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v; want an error naming the file and %q", filepath.Base(path), err, want)
		}
	}
	if back, err := LoadState(good); err != nil || back.Epoch() != 1 || back.opt.Steps != 3 {
		t.Fatalf("the good state: %v, %+v", err, back)
	}
}
