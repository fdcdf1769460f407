// Package shard names one deterministic share of a command's work, as `--shard i/n` gives it:
// part Index of Count, 0 ≤ Index < Count. The index is 0-based so that the schedulers' own indices
// map onto it without arithmetic: Slurm's $SLURM_ARRAY_TASK_ID in a job array submitted with
// --array=0-(n−1), and Kubernetes' $JOB_COMPLETION_INDEX in an Indexed Job of n completions.
//
// Work items are dealt round-robin (item k belongs to shard k mod n), so that items of different
// cost that come in runs (an atlas's planes, then its lines) spread evenly over the shards.
package shard
