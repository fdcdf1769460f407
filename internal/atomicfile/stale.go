package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// started is when this process began writing files (package initialisation): a temporary file
// last modified before it cannot be one this process is writing.
var started = time.Now()

// tempPrefix is the start of the temporary file names of target base: "." + base + ".tmp"; the
// rest of the name is the decimal number os.CreateTemp puts in place of its "*".
func tempPrefix(base string) string { return "." + base + ".tmp" }

// Stale reports whether name (a base name in the same folder as target base) is a temporary file
// of target base that no writer owns any more, given its last modification time and whether a
// writer holds its lock. The rule, all of which must hold:
//
//   - the name is exactly "." + base + ".tmp" followed by one or more decimal digits, the pattern
//     Write creates (other hidden files, and temporary files of other targets, are never touched);
//   - it was last modified before this process started, so it is not one of this process's own;
//   - no process holds the lock every writer takes on its temporary file for as long as it writes
//     (flock(2), released by the kernel when the writer exits or is killed), so it is not being
//     written by another process either. Where locks are not available (not Unix), a file must
//     instead be untouched for an hour.
func Stale(base, name string, modified time.Time, locked bool) bool {
	if !isTemp(base, name) || !modified.Before(started) {
		return false
	}
	if !locksWork {
		return time.Since(modified) > time.Hour
	}
	return !locked
}

// isTemp reports whether name has the pattern of the temporary files of target base.
func isTemp(base, name string) bool {
	digits, ok := strings.CutPrefix(name, tempPrefix(base))
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// removeStale removes the temporary files of target that killed writers left behind (Stale says
// which). It is best effort: a file it cannot inspect or remove is left.
func removeStale(target string) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !isTemp(base, e.Name()) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(started) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		if Stale(base, e.Name(), fi.ModTime(), !tryLock(f)) {
			os.Remove(p) // while holding the lock: no writer can be starting on it
		}
		f.Close()
	}
}
