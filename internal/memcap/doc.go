// Package memcap is surfscope's memory cap: the most memory one piece of work may ask for, and the
// check that compares an estimate with it before anything is allocated, so that a crafted file or
// a mistyped flag is one clear error instead of a process that swallows the machine.
//
// The cap is 3/4 of the memory this process can use — the machine's physical memory, or the
// memory limit of its control group when lower — and 8 GiB where neither can be read. The
// environment variable SURFSCOPE_MAX_MEMORY sets it instead ("32GiB", "500MB", "64G", a number
// of bytes; "off" lifts it), and every error from Check says so. docs/LIMITS.md lists what is
// estimated where.
package memcap
