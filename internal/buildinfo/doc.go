// Package buildinfo says which surfscope this is: the version and commit it was built from, the Go
// release that built it, and the BLAS it multiplies matrices with. The version and commit are the
// ones the Makefile stamps in with -ldflags -X from `git describe --tags --always --dirty` and
// `git rev-parse HEAD`; a binary built without the Makefile falls back to what the go command
// recorded (runtime/debug.ReadBuildInfo: the module version and vcs.revision).
//
// Files surfscope writes carry Version and Commit as provenance; `surfscope version` and the
// app's About box print String. The renderer is chosen at run time (render.New) and is not
// part of this package.
package buildinfo
