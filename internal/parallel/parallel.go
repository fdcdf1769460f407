package models

import (
	"runtime"
	"sync"
)

// gParallel splits [0, n) into contiguous chunks of at least minChunk and runs f on them on up to
// GOMAXPROCS goroutines, returning when all are done. BLAS runs single-threaded (see
// internal/kernel), so the training kernels parallelise over samples or rows with this.
func gParallel(n, minChunk int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/max(minChunk, 1))
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
