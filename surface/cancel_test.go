package surface

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// cnnPlane returns the cnn-plane workload's net and a 512x512 random plane through a random image.
func cnnPlane(tb testing.TB) (*infer.Evaluator, *projection.Probe) {
	tb.Helper()
	net, err := infer.PlaneWorkloadNet("cnn-plane")
	if err != nil {
		tb.Fatal(err)
	}
	ev, err := infer.New(net)
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 784)
	for i := range x {
		x[i] = r.Float32()
	}
	p, err := projection.RandomPlane([3]int{1, 28, 28}, x, 1, 512, 1, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return ev, p
}

// TestCancelStopsAfterTheChunksInFlight cancels a 262,144-point CNN sample after its first chunk:
// Sample must return context.Canceled having evaluated no more than the chunks already in flight.
func TestCancelStopsAfterTheChunksInFlight(t *testing.T) {
	ev, p := cnnPlane(t)
	ctx, cancel := context.WithCancel(context.Background())
	var chunks int
	_, err := Sample(ctx, ev, p, &Options{Workers: 2}, func(done, total int) {
		chunks++
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if chunks > 2+1 {
		t.Fatalf("%d chunks evaluated after cancelling at the first of %d", chunks, (p.Len()+255)/256)
	}
}

// BenchmarkCancelLatency measures how long a cnn-plane sample takes to return after its context is
// cancelled mid-run (the target is under 200 ms): reported as ms/cancel.
func BenchmarkCancelLatency(b *testing.B) {
	ev, p := cnnPlane(b)
	var worst time.Duration
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		var at time.Time
		_, err := Sample(ctx, ev, p, nil, func(done, total int) {
			if at.IsZero() && done >= 2048 {
				at = time.Now()
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(at))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms/cancel")
}
