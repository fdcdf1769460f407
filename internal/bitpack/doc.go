// Package bitpack packs per-value flags of float32 slices into bits: one bit per value, in
// little-endian 64-bit words, with AVX2 on amd64 (a compare and a move-mask per eight values) and
// plain Go elsewhere. surface's activation patterns use it for ReLU units.
package bitpack
