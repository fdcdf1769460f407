// Package atomicfile writes files so that a reader never sees a half-written one and a failed or
// interrupted write never loses the file it was replacing.
//
// [Write] puts the content in a temporary file beside the target ("." + name + ".tmp" and a
// number), syncs it and renames it over the target. Symbolic links are followed (the link stays,
// its target is replaced); devices and named pipes are written in place; a directory is an error.
// Temporary files that killed writers left behind are removed by the next Write of the same
// name ([Stale] gives the rule). [Check] tells before any work is done whether a path can be
// written, and [RemovePending] removes the temporary files in flight when a process must exit at
// once.
package atomicfile
