//go:build !windows

package main

import (
	"os"
	"syscall"
)

// selfPeakRSSMB is this process's peak resident set size in MB (getrusage's ru_maxrss, KiB on
// Linux).
func selfPeakRSSMB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// childPeakRSSMB is a finished child's peak resident set size in MB, 0 when unknown.
func childPeakRSSMB(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}
