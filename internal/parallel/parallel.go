package parallel

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Split partitions [0, n) into contiguous ranges of at least minChunk indices (minChunk < 1 counts
// as 1), at most GOMAXPROCS of them, and calls f on each range on its own goroutine; it returns
// when all calls have returned. worker numbers the ranges in index order from 0. With fewer than
// two ranges f runs once, on the calling goroutine, over the whole of [0, n) (also when n is 0).
//
// The ranges depend only on n, minChunk and GOMAXPROCS, so per-worker partial results combined in
// worker order give the same answer on every run.
func Split(n, minChunk int, f func(worker, lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/max(minChunk, 1))
	if workers <= 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// Chunks calls f on the chunks [lo, hi) of [0, n), chunk indices each (the last may be shorter;
// chunk < 1 counts as 1), on up to workers goroutines (workers < 1: GOMAXPROCS), the calling one
// among them, and returns when all calls have returned. The goroutines take the chunks in index
// order as they become free, which balances uneven chunks; the chunk boundaries depend only on n
// and chunk. worker (0 ≤ worker < workers) names the goroutine making the call, so that f can keep
// buffers per goroutine.
//
// Once ctx is done no further chunk starts: Chunks returns ctx.Err() after the calls in flight
// have returned, or nil when every chunk ran.
func Chunks(ctx context.Context, n, chunk, workers int, f func(worker, lo, hi int)) error {
	chunk = max(chunk, 1)
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunks := (n + chunk - 1) / chunk
	workers = min(workers, chunks)
	var next atomic.Int64
	var stopped atomic.Bool
	work := func(w int) {
		for {
			c := int(next.Add(1)) - 1
			if c >= chunks {
				return
			}
			if ctx.Err() != nil {
				stopped.Store(true)
				return
			}
			f(w, c*chunk, min((c+1)*chunk, n))
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(w)
		}()
	}
	if workers > 0 {
		work(0)
	}
	wg.Wait()
	if stopped.Load() {
		return ctx.Err()
	}
	return nil
}
