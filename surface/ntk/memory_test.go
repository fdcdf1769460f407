package ntk

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/internal/memcap/memcaptest"
	"github.com/surfscope/surfscope/models"
)

func memoryTestNet(t *testing.T) *models.Net {
	t.Helper()
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 5, 5}, Classes: 3, Hidden: []int{16}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// `ntk --n 60000` asked for a 28.8 GB kernel (and its eigen-decomposition) whatever --mem said
// (issue 20): Analyze refuses it against the memory cap before computing anything.
func TestAnalyzeRefusesAKernelOverTheMemoryCap(t *testing.T) {
	t.Setenv(memcap.EnvVar, "16GB")
	const m = 60000
	net := memoryTestNet(t)
	called := false
	_, err := Analyze(context.Background(), net, make([]float32, m*25), make([]int, m), Options{},
		func(string, int, int) { called = true })
	if err == nil || !strings.Contains(err.Error(), "ntk: the 60000×60000 kernel with its eigen-decomposition needs about") ||
		!strings.Contains(err.Error(), memcap.EnvVar) {
		t.Fatalf("Analyze: %v", err)
	}
	if called {
		t.Error("work started before the memory check")
	}
	need, _ := MemoryNeed(net, m, Options{})
	if need < 4*m*m*8 {
		t.Errorf("MemoryNeed(60000) = %d, less than the kernel and its decomposition", need)
	}
}

// MemoryNeed bounds what Analyze really holds: the heap in use, sampled every millisecond while
// it runs (both kernels, regressions up to m/2), stays below the estimate.
func TestMemoryNeedBoundsAnalyze(t *testing.T) {
	const m = 800
	net := memoryTestNet(t)
	init, err := Initial(net)
	if err != nil {
		t.Fatal(err)
	}
	images := quarterInputs(m, 25, 9)
	labels := make([]int, m)
	for i := range labels {
		labels[i] = int(images[i*25]*4) % 3
	}
	opt := Options{Initial: init, Trials: 1}
	need, err := MemoryNeed(net, m, opt)
	if err != nil {
		t.Fatal(err)
	}
	var rep *Report
	used, err := memcaptest.HeapRise(func() error {
		var err error
		rep, err = Analyze(context.Background(), net, images, labels, opt, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("heap in use rose by %s at most; estimate %s (kernel %s)", memcap.Format(used), memcap.Format(need), memcap.Format(8*m*m))
	if used > need || 2*used < need {
		t.Errorf("Analyze held %d bytes; MemoryNeed's %d should be above, and within twice", used, need)
	}
	runtime.KeepAlive(rep)
}
