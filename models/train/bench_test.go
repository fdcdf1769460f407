package train

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

// workloadNet returns the net of a training workload of shared/bench/WORKLOADS.md (`surfscope
// bench` runs them beside the PyTorch reference) and its epoch cap there.
func workloadNet(name string) (*models.Net, int, error) {
	switch name {
	case "mlp-train":
		n, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{256, 256}}, 0)
		return n, 30, err
	case "cnn-train", "cnn-fit": // the reference times 3 epochs; cnn-fit goes on to 100%
		n, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 28, 28}, Classes: 10, Channels: []int{16, 32}}, 0)
		if name == "cnn-fit" {
			return n, 30, err
		}
		return n, 3, err
	}
	if kind, ok := strings.CutPrefix(name, "resnet8-"); ok {
		n, err := models.NewResNet(models.ResNetConfig{Input: [3]int{1, 28, 28}, Classes: 10, Shortcut: models.Shortcut(kind)}, 0)
		return n, 30, err
	}
	return nil, 0, fmt.Errorf("unknown workload %q", name)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// BenchmarkTrainStep times one training step (forward, gradients, Adam) of each workload net on
// a batch of 128.
func BenchmarkTrainStep(b *testing.B) {
	for _, w := range []string{"mlp-train", "cnn-train", "resnet8-add", "resnet8-mul"} {
		b.Run(w, func(b *testing.B) {
			net, _, err := workloadNet(w)
			if err != nil {
				b.Fatal(err)
			}
			ps := graph.NewStore(net)
			g, err := graph.Build(net, ps, 128, true)
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			for s := 0; s < 128; s++ {
				g.Targets[s*10+s%10] = 1
			}
			opt := &adamOptimizer{beta1: 0.9, beta2: 0.999, eps: 1e-8}
			params := make([][]float32, len(g.Learn))
			grads := make([][]float32, len(g.Learn))
			for j := range g.Learn {
				params[j] = g.Learn[j].Data
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				if err := g.Run(); err != nil {
					b.Fatal(err)
				}
				for j := range grads {
					grads[j], _ = g.Gradient(j)
				}
				opt.step(params, grads, 1e-3)
			}
			// CPU time per step is steadier than wall time on a shared machine.
			b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuSeconds returns the user and system CPU time of the process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
