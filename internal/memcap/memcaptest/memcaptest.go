// Package memcaptest measures what a piece of work holds, for tests that check a memory estimate
// (internal/memcap's need figures) against the real heap.
package memcaptest

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// HeapRise runs work with the garbage collector kept tight (GOGC 5, so the heap in use is close to
// the live data) and returns by how many bytes the heap in use rose above its level before work
// at most, sampled every millisecond, and work's error.
func HeapRise(work func() error) (int64, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	err := work()
	close(done)
	<-sampled
	return int64(peak.Load()) - int64(base.HeapInuse), err
}
