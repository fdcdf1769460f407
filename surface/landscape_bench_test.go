package surface

import (
	"context"
	"fmt"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

// benchLandscape times an n×n landscape of the workload MLP 784-256-256-10 on `images` random
// images (the cost does not depend on the weights or the pixels).
func benchLandscape(b *testing.B, n, images int, plain bool) {
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{256, 256}}, 1)
	if err != nil {
		b.Fatal(err)
	}
	x, y := randomData(1, images, 784, 10)
	dirs := []ParamVector{FilterNormalized(net, 1, nil), FilterNormalized(net, 2, nil)}
	c := projection.Linspace(-1, 1, n)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := LossLandscape(context.Background(), net, dirs, c, c, x, y, &LandscapeOptions{Plain: plain}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N)/float64(n*n)*1e3, "ms/point")
}

func BenchmarkLossLandscape(b *testing.B) {
	for _, plain := range []bool{false, true} {
		b.Run(fmt.Sprintf("mlp/5x5/2000/plain=%v", plain), func(b *testing.B) { benchLandscape(b, 5, 2000, plain) })
	}
}

func TestBenchLandscapeRuns(t *testing.T) {
	x, y := randomData(1, 20, 784, 10)
	s, err := BenchLandscape(context.Background(), nil, x, y, 3)
	if err != nil || s <= 0 {
		t.Fatalf("BenchLandscape: %g s, %v", s, err)
	}
	if _, err := BenchLandscape(context.Background(), nil, x, y, 1); err == nil {
		t.Error("grid 1 accepted")
	}
}
