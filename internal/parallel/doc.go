// Package parallel is surfscope's one worker pool: it runs a loop over an index range on several
// goroutines and joins them before returning, so that callers stay blocking calls with no channels
// in their APIs. Split hands each goroutine one contiguous range, fixed in advance (for partial
// sums combined in a fixed order); Chunks lets the goroutines take fixed-size chunks as they
// become free (for uneven work), and stops starting chunks when a context is done.
//
// The fast forward pass, the Jacobians, the training kernels, the surface sampler and the CPU
// renderer all parallelise with it. BLAS runs single-threaded under them (see
// models/internal/sgemm), so these goroutines are the only parallelism.
package parallel
