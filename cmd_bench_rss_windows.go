//go:build windows

package main

import "os"

// selfPeakRSSMB is 0 on Windows: bench reports peak memory where getrusage exists (its ratios are
// measured on Linux beside the PyTorch reference).
func selfPeakRSSMB() float64 { return 0 }

// childPeakRSSMB is 0 on Windows (see selfPeakRSSMB).
func childPeakRSSMB(*os.ProcessState) float64 { return 0 }
