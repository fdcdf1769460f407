//go:build !amd64 || purego

package bitpack

const useAVX2 = false

func positiveAVX2(dst *byte, src *float32, words int) { panic("bitpack: no AVX2") }
