// Package series reads and writes checkpoint series: the checkpoints of one training run, one per
// K epochs, in one folder with an index file (IndexName, JSON) that lists them in epoch order with
// their training and test accuracy and loss and when they were written. `surfscope train
// --save-every K --out-dir DIR` writes them (Writer); `surfscope animate --series DIR` and the app
// read them (Read, Index.Load) to show how the learned function formed.
//
// A Writer adds a checkpoint atomically, then rewrites the index atomically, so the index never
// names a checkpoint that is not complete; a run resumed after a kill replaces the entries from
// the epoch it resumes at.
package series
