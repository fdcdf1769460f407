//go:build amd64 && !purego

#include "textflag.h"

// The AVX2 halves of reduce.go: each loop takes n, a multiple of 8, values in blocks of 8; the
// sums keep one partial sum per lane (lane j adds the values j, j+8, j+16, … in order) and store
// the 8 lanes for the caller to combine in its fixed order.

// func addAVX2(dst, src *float32, n int)
// dst[i] += src[i].
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

ad8:
	CMPQ    CX, $8
	JL      addone
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     ad8

addone:
	VZEROUPPER
	RET

// func reluAVX2(dst, src *float32, n int)
// dst[i] = max(src[i], 0) with Go's max: a NaN stays NaN, −0 becomes +0 (max(0, x) keeps x when it
// is NaN or a zero; adding +0 turns −0 into +0 and changes nothing else).
TEXT ·reluAVX2(SB), NOSPLIT, $0-24
	MOVQ   dst+0(FP), DI
	MOVQ   src+8(FP), SI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0

re8:
	CMPQ    CX, $8
	JL      redone
	VMOVUPS (SI), Y1
	VMAXPS  Y1, Y0, Y1
	VADDPS  Y0, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     re8

redone:
	VZEROUPPER
	RET

// func reluGradAVX2(dx, x, dy *float32, n int)
// dx[i] = dy[i] where 0 < x[i], else +0.
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ   dx+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   dy+16(FP), DX
	MOVQ   n+24(FP), CX
	VXORPS Y0, Y0, Y0

rg8:
	CMPQ    CX, $8
	JL      rgdone
	VMOVUPS (SI), Y1
	VCMPPS  $1, Y1, Y0, Y1 // 0 < x
	VANDPS  (DX), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     rg8

rgdone:
	VZEROUPPER
	RET

// func laneSumAVX2(x *float32, n int, lanes *float32)
// lanes[j] = Σ_i x[8i+j], each lane summed in order from +0.
TEXT ·laneSumAVX2(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	MOVQ   lanes+16(FP), DI
	VXORPS Y0, Y0, Y0

ls8:
	CMPQ   CX, $8
	JL     lsdone
	VADDPS (SI), Y0, Y0
	ADDQ   $32, SI
	SUBQ   $8, CX
	JMP    ls8

lsdone:
	VMOVUPS Y0, (DI)
	VZEROUPPER
	RET

// func laneSqDevAVX2(x *float32, n int, m float32, lanes *float32)
// lanes[j] = Σ_i (x[8i+j] − m)², each square rounded, then added in order from +0.
TEXT ·laneSqDevAVX2(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Y1
	MOVQ         lanes+24(FP), DI
	VXORPS       Y0, Y0, Y0

sq8:
	CMPQ    CX, $8
	JL      sqdone
	VMOVUPS (SI), Y2
	VSUBPS  Y1, Y2, Y2
	VMULPS  Y2, Y2, Y2
	VADDPS  Y2, Y0, Y0
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     sq8

sqdone:
	VMOVUPS Y0, (DI)
	VZEROUPPER
	RET

// func laneDotAVX2(dy, xh *float32, n int, sumDy, sumDyXh *float32)
// sumDy[j] = Σ_i dy[8i+j], sumDyXh[j] = Σ_i dy[8i+j]·xh[8i+j] (each product rounded).
TEXT ·laneDotAVX2(SB), NOSPLIT, $0-40
	MOVQ   dy+0(FP), SI
	MOVQ   xh+8(FP), DX
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1

dt8:
	CMPQ    CX, $8
	JL      dtdone
	VMOVUPS (SI), Y2
	VADDPS  Y2, Y0, Y0
	VMULPS  (DX), Y2, Y3
	VADDPS  Y3, Y1, Y1
	ADDQ    $32, SI
	ADDQ    $32, DX
	SUBQ    $8, CX
	JMP     dt8

dtdone:
	MOVQ    sumDy+24(FP), DI
	VMOVUPS Y0, (DI)
	MOVQ    sumDyXh+32(FP), DI
	VMOVUPS Y1, (DI)
	VZEROUPPER
	RET

// func normalizeAVX2(y, xh, x *float32, n int, m, is, gamma, beta float32)
// xh[i] = (x[i] − m)·is (stored unless xh is nil) and y[i] = g·xh[i] + b, each operation rounded.
TEXT ·normalizeAVX2(SB), NOSPLIT, $0-48
	MOVQ         y+0(FP), DI
	MOVQ         xh+8(FP), DX
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	VBROADCASTSS m+32(FP), Y1
	VBROADCASTSS is+36(FP), Y2
	VBROADCASTSS gamma+40(FP), Y3
	VBROADCASTSS beta+44(FP), Y4

nm8:
	CMPQ    CX, $8
	JL      nmdone
	VMOVUPS (SI), Y5
	VSUBPS  Y1, Y5, Y5
	VMULPS  Y2, Y5, Y5
	TESTQ   DX, DX
	JZ      nmy
	VMOVUPS Y5, (DX)
	ADDQ    $32, DX

nmy:
	VMULPS  Y3, Y5, Y6
	VADDPS  Y4, Y6, Y6
	VMOVUPS Y6, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     nm8

nmdone:
	VZEROUPPER
	RET

// func normGradAVX2(dx, dy, xh *float32, n int, a, mDy, mDyXh float32)
// dx[i] = a·((dy[i] − mDy) − xh[i]·mDyXh), each operation rounded.
TEXT ·normGradAVX2(SB), NOSPLIT, $0-44
	MOVQ         dx+0(FP), DI
	MOVQ         dy+8(FP), SI
	MOVQ         xh+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS a+32(FP), Y1
	VBROADCASTSS mDy+36(FP), Y2
	VBROADCASTSS mDyXh+40(FP), Y3

ng8:
	CMPQ    CX, $8
	JL      ngdone
	VMOVUPS (SI), Y5
	VSUBPS  Y2, Y5, Y5
	VMULPS  (DX), Y3, Y6
	VSUBPS  Y6, Y5, Y5
	VMULPS  Y1, Y5, Y5
	VMOVUPS Y5, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     ng8

ngdone:
	VZEROUPPER
	RET
