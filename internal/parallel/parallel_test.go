package parallel

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Split covers [0, n) exactly once with contiguous ranges numbered in index order, each of at
// least minChunk indices, no more of them than GOMAXPROCS.
func TestSplitCoversRangeInOrder(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	for _, tc := range []struct{ n, minChunk, ranges int }{
		{0, 1, 1}, {1, 1, 1}, {3, 1, 3}, {10, 1, 4}, {10, 3, 3}, {10, 6, 1}, {100, 0, 4}, {7, 100, 1},
	} {
		var mu sync.Mutex
		got := map[int][2]int{}
		Split(tc.n, tc.minChunk, func(w, lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			if _, dup := got[w]; dup {
				t.Errorf("n=%d: worker %d called twice", tc.n, w)
			}
			got[w] = [2]int{lo, hi}
		})
		if len(got) != tc.ranges {
			t.Errorf("n=%d minChunk=%d: %d ranges, want %d", tc.n, tc.minChunk, len(got), tc.ranges)
		}
		next := 0
		for w := 0; w < len(got); w++ {
			r, ok := got[w]
			if !ok || r[0] != next || r[1] < r[0] {
				t.Fatalf("n=%d minChunk=%d: ranges %v are not contiguous in worker order", tc.n, tc.minChunk, got)
			}
			if len(got) > 1 && r[1]-r[0] < max(tc.minChunk, 1) {
				t.Errorf("n=%d minChunk=%d: range %v shorter than minChunk", tc.n, tc.minChunk, r)
			}
			next = r[1]
		}
		if next != tc.n {
			t.Errorf("n=%d: ranges end at %d", tc.n, next)
		}
	}
}

// Chunks runs every chunk exactly once, with the documented boundaries, on at most the requested
// number of goroutines, each named by a distinct worker index below that number.
func TestChunksRunsEveryChunkOnce(t *testing.T) {
	for _, tc := range []struct{ n, chunk, workers int }{
		{0, 4, 2}, {1, 4, 3}, {10, 3, 2}, {10, 3, 1}, {97, 8, 0}, {5, 0, 8},
	} {
		seen := make([]atomic.Int32, tc.n)
		var maxWorker atomic.Int32
		err := Chunks(context.Background(), tc.n, tc.chunk, tc.workers, func(w, lo, hi int) {
			c := max(tc.chunk, 1)
			if lo%c != 0 || hi != min(lo+c, tc.n) {
				t.Errorf("n=%d chunk=%d: chunk [%d, %d)", tc.n, tc.chunk, lo, hi)
			}
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
			for {
				m := maxWorker.Load()
				if int32(w) <= m || maxWorker.CompareAndSwap(m, int32(w)) {
					break
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Fatalf("n=%d chunk=%d: index %d ran %d times", tc.n, tc.chunk, i, seen[i].Load())
			}
		}
		limit := tc.workers
		if limit < 1 {
			limit = runtime.GOMAXPROCS(0)
		}
		if int(maxWorker.Load()) >= limit {
			t.Errorf("n=%d: worker %d with a limit of %d", tc.n, maxWorker.Load(), limit)
		}
	}
}

// A cancelled context stops Chunks from starting chunks: the chunks in flight finish, the rest
// never run, and the context's error comes back. A context cancelled after the last chunk
// started changes nothing.
func TestChunksStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Int32
	err := Chunks(ctx, 100, 1, 2, func(_, lo, _ int) {
		ran.Add(1)
		if lo == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n := ran.Load(); n < 4 || n > 6 {
		t.Errorf("%d chunks ran after a cancel in chunk 3 on two goroutines", n)
	}

	ctx, cancel = context.WithCancel(context.Background())
	err = Chunks(ctx, 4, 2, 1, func(_, lo, _ int) {
		if lo == 2 {
			cancel()
		}
	})
	if err != nil {
		t.Errorf("cancelled during the last chunk: error %v, want nil", err)
	}
}
