package train

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/internal/memcap/memcaptest"
	"github.com/surfscope/surfscope/models"
)

// Run refuses a training whose estimate is over the memory cap before building its graph.
func TestRunRefusesTrainingOverTheMemoryCap(t *testing.T) {
	train, test := sampleSets(t, 200, 10)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{2048}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(memcap.EnvVar, "1GB")
	_, err = Run(context.Background(), net, train, test, Config{BatchSize: 1 << 20, MaxEpochs: 1}, nil)
	if err == nil || !strings.Contains(err.Error(), "train: training 1628170 parameters in batches of 1048576 needs about") {
		t.Fatalf("Run: %v", err)
	}
}

// MemoryNeed bounds what Run holds: the heap in use, sampled every millisecond through an epoch
// of an MLP of 1.8 M parameters (GC kept tight), stays below the estimate (56 MB of 97 MB when
// measured: Run without a save callback keeps no State copies).
func TestMemoryNeedBoundsAnEpoch(t *testing.T) {
	train, _ := sampleSets(t, 512, 10)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{1024, 1024}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{MaxEpochs: 1, BatchSize: 256}
	need, err := MemoryNeed(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	need -= 4 * int64(net.NumParams()) // the net exists already
	used, err := memcaptest.HeapRise(func() error {
		_, err := Run(context.Background(), net, train, nil, cfg, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("heap in use rose by %s at most; estimate %s", memcap.Format(used), memcap.Format(need))
	if used > need {
		t.Errorf("Run held %d bytes, more than MemoryNeed's %d", used, need)
	}
}

// A training state that claims a 64 MiB header in a few bytes fails as truncated without
// allocating what it claims.
func TestDecodeStateReadsItsHeaderAsItArrives(t *testing.T) {
	b := append([]byte(stateMagic), 0, 0, 0, 4, 0, 0, 0, 0) // 64 MiB, little-endian
	b = append(b, `{"config":`...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := decodeState(bytes.NewReader(b))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "truncated header: 10 of 67108864 bytes") {
		t.Fatalf("decodeState: %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte file", got, len(b))
	}
}
