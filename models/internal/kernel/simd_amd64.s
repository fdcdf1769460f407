//go:build amd64 && !purego

#include "textflag.h"

// func biasClampAVX2(dst, src *float32, n int, b, lo, hi float32)
// dst[i] = min(max(src[i]+b, lo), hi); a NaN sum stays NaN.
TEXT ·biasClampAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Y1
	VBROADCASTSS lo+28(FP), Y2
	VBROADCASTSS hi+32(FP), Y3

bc32:
	CMPQ    CX, $32
	JL      bc8
	VADDPS  (SI), Y1, Y4
	VADDPS  32(SI), Y1, Y5
	VADDPS  64(SI), Y1, Y6
	VADDPS  96(SI), Y1, Y7
	VMAXPS  Y4, Y2, Y4
	VMAXPS  Y5, Y2, Y5
	VMAXPS  Y6, Y2, Y6
	VMAXPS  Y7, Y2, Y7
	VMINPS  Y4, Y3, Y4
	VMINPS  Y5, Y3, Y5
	VMINPS  Y6, Y3, Y6
	VMINPS  Y7, Y3, Y7
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	VMOVUPS Y6, 64(DI)
	VMOVUPS Y7, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     bc32

bc8:
	CMPQ    CX, $8
	JL      bc1
	VADDPS  (SI), Y1, Y4
	VMAXPS  Y4, Y2, Y4
	VMINPS  Y4, Y3, Y4
	VMOVUPS Y4, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     bc8

bc1:
	CMPQ   CX, $0
	JLE    bcdone
	VMOVSS (SI), X4
	VADDSS X4, X1, X4
	VMAXSS X4, X2, X4
	VMINSS X4, X3, X4
	VMOVSS X4, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DI
	DECQ   CX
	JMP    bc1

bcdone:
	VZEROUPPER
	RET

// func biasVecClampAVX2(dst, src, b *float32, n int, lo, hi float32)
// dst[i] = min(max(src[i]+b[i], lo), hi).
TEXT ·biasVecClampAVX2(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS lo+32(FP), Y2
	VBROADCASTSS hi+36(FP), Y3

bv16:
	CMPQ    CX, $16
	JL      bv8
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VADDPS  (DX), Y4, Y4
	VADDPS  32(DX), Y5, Y5
	VMAXPS  Y4, Y2, Y4
	VMAXPS  Y5, Y2, Y5
	VMINPS  Y4, Y3, Y4
	VMINPS  Y5, Y3, Y5
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     bv16

bv8:
	CMPQ    CX, $8
	JL      bv1
	VMOVUPS (SI), Y4
	VADDPS  (DX), Y4, Y4
	VMAXPS  Y4, Y2, Y4
	VMINPS  Y4, Y3, Y4
	VMOVUPS Y4, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     bv8

bv1:
	CMPQ   CX, $0
	JLE    bvdone
	VMOVSS (SI), X4
	VADDSS (DX), X4, X4
	VMAXSS X4, X2, X4
	VMINSS X4, X3, X4
	VMOVSS X4, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DX
	ADDQ   $4, DI
	DECQ   CX
	JMP    bv1

bvdone:
	VZEROUPPER
	RET

// func pool2BiasClampAVX2(dst, r0, r1 *float32, n int, b, lo, hi float32)
// dst[i] = min(max(max(r0[2i], r0[2i+1], r1[2i], r1[2i+1])+b, lo), hi).
TEXT ·pool2BiasClampAVX2(SB), NOSPLIT, $0-44
	MOVQ         dst+0(FP), DI
	MOVQ         r0+8(FP), SI
	MOVQ         r1+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS b+32(FP), Y1
	VBROADCASTSS lo+36(FP), Y2
	VBROADCASTSS hi+40(FP), Y3

p8:
	CMPQ    CX, $8
	JL      p1
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMAXPS  (DX), Y4, Y4
	VMAXPS  32(DX), Y5, Y5
	VSHUFPS $0x88, Y5, Y4, Y6
	VSHUFPS $0xDD, Y5, Y4, Y7
	VMAXPS  Y7, Y6, Y6
	VPERMPD $0xD8, Y6, Y6
	VADDPS  Y6, Y1, Y6
	VMAXPS  Y6, Y2, Y6
	VMINPS  Y6, Y3, Y6
	VMOVUPS Y6, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     p8

p1:
	CMPQ   CX, $0
	JLE    pdone
	VMOVSS (SI), X4
	VMOVSS 4(SI), X5
	VMAXSS (DX), X4, X4
	VMAXSS 4(DX), X5, X5
	VMAXSS X5, X4, X4
	VADDSS X4, X1, X4
	VMAXSS X4, X2, X4
	VMINSS X4, X3, X4
	VMOVSS X4, (DI)
	ADDQ   $8, SI
	ADDQ   $8, DX
	ADDQ   $4, DI
	DECQ   CX
	JMP    p1

pdone:
	VZEROUPPER
	RET

// func reluBackwardAVX2(dx, x, dy *float32, n int)
// dx[i] += dy[i] where x[i] > 0; n is a multiple of 8.
TEXT ·reluBackwardAVX2(SB), NOSPLIT, $0-32
	MOVQ   dx+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   dy+16(FP), DX
	MOVQ   n+24(FP), CX
	VXORPS Y0, Y0, Y0

rb8:
	CMPQ    CX, $8
	JL      rbdone
	VMOVUPS (SI), Y1
	VCMPPS  $1, Y1, Y0, Y1 // 0 < x
	VANDPS  (DX), Y1, Y1
	VADDPS  (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     rb8

rbdone:
	VZEROUPPER
	RET
