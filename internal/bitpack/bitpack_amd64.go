//go:build amd64 && !purego

package bitpack

import "golang.org/x/sys/cpu"

var useAVX2 = cpu.X86.HasAVX2

// positiveAVX2 writes the flags of words·64 values of src into words little-endian words at dst.
//
//go:noescape
func positiveAVX2(dst *byte, src *float32, words int)
