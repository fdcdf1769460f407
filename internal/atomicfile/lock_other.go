//go:build !unix

package atomicfile

import "os"

// locksWork says whether lock and tryLock do anything here: not outside Unix, where Stale falls
// back on the age of a file.
const locksWork = false

func lock(*os.File) {}

func tryLock(*os.File) bool { return false }
