package detach

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRunReturnsTheResult(t *testing.T) {
	v, err := Run(context.Background(), func() (int, error) { return 42, nil })
	if v != 42 || err != nil {
		t.Fatalf("%v, %v", v, err)
	}
	boom := errors.New("boom")
	if _, err := Run(context.Background(), func() (int, error) { return 0, boom }); err != boom {
		t.Fatalf("%v", err)
	}
}

// A cancelled context frees the caller at once, while the work goes on.
func TestRunStopsWaitingWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	release, finished := make(chan bool), make(chan bool)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := Run(ctx, func() (int, error) { <-release; close(finished); return 1, nil })
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("%v after %v", err, time.Since(start))
	}
	close(release)
	<-finished
	if _, err := Run(ctx, func() (int, error) { t.Error("ran after cancel"); return 0, nil }); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
