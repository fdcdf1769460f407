package bitpack

import "encoding/binary"

// Positive sets bit k of dst (little-endian 64-bit words: bit k%8 of byte k/8) when x[k] > 0 —
// not for 0, −0, negative values or NaN — and clears the other bits of the ⌈len(x)/64⌉ words it
// writes. dst must hold at least 8·⌈len(x)/64⌉ bytes.
func Positive(dst []byte, x []float32) {
	words := len(x) / 64
	_ = dst[:(len(x)+63)/64*8]
	if useAVX2 && words > 0 {
		positiveAVX2(&dst[0], &x[0], words)
	} else {
		for w := range words {
			binary.LittleEndian.PutUint64(dst[8*w:], positiveWord(x[64*w:64*w+64]))
		}
	}
	if rest := x[64*words:]; len(rest) > 0 {
		binary.LittleEndian.PutUint64(dst[8*words:], positiveWord(rest))
	}
}

// positiveWord returns the flags of up to 64 values: a byte per value first (a loop without
// dependencies between values), then each eight bytes packed by one multiplication — byte j (0 or
// 1) of a little-endian word b lands on bit 56 + j of b·0x0102040810204080, with no carries into
// those bits (Warren, "Hacker's Delight", 2nd ed., 2012, §7-3).
func positiveWord(x []float32) uint64 {
	var flags [64]byte
	for i, v := range x[:min(len(x), 64)] {
		if v > 0 {
			flags[i] = 1
		}
	}
	var m uint64
	for j := 0; j < 8; j++ {
		b := binary.LittleEndian.Uint64(flags[8*j:])
		m |= (b * 0x0102040810204080 >> 56) << (8 * j)
	}
	return m
}
