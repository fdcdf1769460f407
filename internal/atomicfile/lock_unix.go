//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// locksWork says whether lock and tryLock do anything here.
const locksWork = true

// lock takes an exclusive flock on a temporary file being written; the kernel releases it when f
// is closed or the process ends, however it ends.
func lock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) }

// tryLock reports whether an exclusive lock on f could be taken, that is whether no live writer
// holds one.
func tryLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
