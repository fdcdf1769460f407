package train

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train/internal/graph"
)

// The standard training workloads of shared/bench/WORKLOADS.md: the first 10,000 MNIST training
// images, batch 128, Adam 1e-3, until 100% training accuracy. They run only when
// SURFSCOPE_TRAIN_WORKLOADS names them (e.g. "mlp-train,cnn-train"), and print lines in the
// reference script's format.
func TestTrainWorkloads(t *testing.T) {
	want := os.Getenv("SURFSCOPE_TRAIN_WORKLOADS")
	if want == "" {
		t.Skip("set SURFSCOPE_TRAIN_WORKLOADS=mlp-train,cnn-train,... to run")
	}
	full, err := dataset.Open(dataset.MNIST, dataset.Train)
	if err != nil {
		t.Skip(err)
	}
	train := full.Head(10000)
	for _, w := range strings.Split(want, ",") {
		net, epochs, err := workloadNet(w)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := Run(context.Background(), net, train, nil, Config{UntilFit: true, MaxEpochs: epochs}, func(p Progress) {
			if p.Done != nil {
				t.Logf("%s epoch %d: %+v", w, p.Epoch, *p.Done)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		times := make([]float64, len(hist))
		for i, h := range hist {
			times[i] = h.Seconds
		}
		reached := "None"
		if last := hist[len(hist)-1]; last.TrainAcc == 1 {
			reached = fmt.Sprint(len(hist))
		}
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Printf("impl=surfscope workload=%s metric=%.3f unit=s/epoch epochs_to_100=%s peak_rss_mb=%d train_acc=%.4f gates=%v\n",
			w, median(times), reached, ru.Maxrss/1024, hist[len(hist)-1].TrainAcc, hist[len(hist)-1].Gates)
	}
}

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
	for _, w := range []string{"mlp-train", "cnn-train", "resnet8-add"} {
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
