//go:build amd64 && !purego

#include "textflag.h"

// func positiveAVX2(dst *byte, src *float32, words int)
// Per word: eight compares 0 < x (ordered, quiet: NaN gives 0) of eight values each, their sign
// masks (VMOVMSKPS) shifted into place.
TEXT ·positiveAVX2(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   words+16(FP), CX
	VXORPS Y0, Y0, Y0

word:
	TESTQ     CX, CX
	JZ        done
	VCMPPS    $0x11, (SI), Y0, Y1
	VMOVMSKPS Y1, AX
	VCMPPS    $0x11, 32(SI), Y0, Y2
	VMOVMSKPS Y2, BX
	SHLQ      $8, BX
	ORQ       BX, AX
	VCMPPS    $0x11, 64(SI), Y0, Y1
	VMOVMSKPS Y1, BX
	SHLQ      $16, BX
	ORQ       BX, AX
	VCMPPS    $0x11, 96(SI), Y0, Y2
	VMOVMSKPS Y2, BX
	SHLQ      $24, BX
	ORQ       BX, AX
	VCMPPS    $0x11, 128(SI), Y0, Y1
	VMOVMSKPS Y1, BX
	SHLQ      $32, BX
	ORQ       BX, AX
	VCMPPS    $0x11, 160(SI), Y0, Y2
	VMOVMSKPS Y2, BX
	SHLQ      $40, BX
	ORQ       BX, AX
	VCMPPS    $0x11, 192(SI), Y0, Y1
	VMOVMSKPS Y1, BX
	SHLQ      $48, BX
	ORQ       BX, AX
	VCMPPS    $0x11, 224(SI), Y0, Y2
	VMOVMSKPS Y2, BX
	SHLQ      $56, BX
	ORQ       BX, AX
	MOVQ      AX, (DI)
	ADDQ      $256, SI
	ADDQ      $8, DI
	DECQ      CX
	JMP       word

done:
	VZEROUPPER
	RET
