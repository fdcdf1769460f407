//go:build amd64 && !purego

#include "textflag.h"

// func adamAVX2(p, grad, m, v *float32, n int, wd, b1, c1, b2, c2 float32, stepSize, sqrtC2, eps float64)
// Adam's update of n parameters (n a multiple of 4), four at a time, with the operations of
// AdamStep's scalar loop in the same order: float32 moments, float64 step.
TEXT ·adamAVX2(SB), NOSPLIT, $0-88
	MOVQ         p+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), DX
	MOVQ         v+24(FP), R8
	MOVQ         n+32(FP), CX
	VBROADCASTSS wd+40(FP), X8
	VBROADCASTSS b1+44(FP), X9
	VBROADCASTSS c1+48(FP), X10
	VBROADCASTSS b2+52(FP), X11
	VBROADCASTSS c2+56(FP), X12
	VBROADCASTSD stepSize+64(FP), Y13
	VBROADCASTSD sqrtC2+72(FP), Y14
	VBROADCASTSD eps+80(FP), Y15

am4:
	CMPQ       CX, $4
	JL         amdone
	VMOVUPS    (DI), X1
	VMULPS     X1, X8, X4  // wd·p
	VADDPS     (SI), X4, X4 // gi = g + wd·p
	VMULPS     (DX), X9, X5 // b1·m
	VMULPS     X4, X10, X6 // c1·gi
	VADDPS     X6, X5, X5  // m
	VMOVUPS    X5, (DX)
	VMULPS     (R8), X11, X7 // b2·v
	VMULPS     X4, X12, X6   // c2·gi
	VMULPS     X4, X6, X6    // c2·gi·gi
	VADDPS     X6, X7, X7    // v
	VMOVUPS    X7, (R8)
	VCVTPS2PD  X7, Y2
	VSQRTPD    Y2, Y2
	VDIVPD     Y14, Y2, Y2 // √v / √c2
	VADDPD     Y15, Y2, Y2 // + eps
	VCVTPS2PD  X5, Y3
	VMULPD     Y13, Y3, Y3 // stepSize·m
	VDIVPD     Y2, Y3, Y3  // / den
	VCVTPD2PSY Y3, X3
	VSUBPS     X3, X1, X1
	VMOVUPS    X1, (DI)
	ADDQ       $16, DI
	ADDQ       $16, SI
	ADDQ       $16, DX
	ADDQ       $16, R8
	SUBQ       $4, CX
	JMP        am4

amdone:
	VZEROUPPER
	RET
