//go:build amd64 && !purego

#include "textflag.h"

// Constants for the vector exp (Cephes expf: Moshier, "Methods and Programs for Mathematical
// Functions", 1989): range reduction x = n·ln2 + r with ln2 split in two, a degree-6 polynomial
// for e^r on [−ln2/2, ln2/2], then 2^n built in the exponent bits.
DATA expc<>+0(SB)/4, $88.0                 // max x: round(x·log2e) ≤ 127
DATA expc<>+4(SB)/4, $-87.3365478515625    // min x
DATA expc<>+8(SB)/4, $1.44269504088896341  // log2(e)
DATA expc<>+12(SB)/4, $0.693359375         // ln2 high part
DATA expc<>+16(SB)/4, $-2.12194440e-4      // ln2 low part
DATA expc<>+20(SB)/4, $1.9875691500e-4
DATA expc<>+24(SB)/4, $1.3981999507e-3
DATA expc<>+28(SB)/4, $8.3334519073e-3
DATA expc<>+32(SB)/4, $4.1665795894e-2
DATA expc<>+36(SB)/4, $1.6666665459e-1
DATA expc<>+40(SB)/4, $5.0000001201e-1
DATA expc<>+44(SB)/4, $1.0
DATA expc<>+48(SB)/4, $0x7fffffff          // |x| mask
DATA expc<>+52(SB)/4, $-1.0
DATA expc<>+56(SB)/4, $0.5
DATA expc<>+60(SB)/4, $-2.0
// tanh for |x| < 0.55: odd Taylor series x·Σ c_k x^2k, c_0 … c_7.
DATA expc<>+64(SB)/4, $1.0
DATA expc<>+68(SB)/4, $-0.333333333333333333
DATA expc<>+72(SB)/4, $0.133333333333333333
DATA expc<>+76(SB)/4, $-0.053968253968253968
DATA expc<>+80(SB)/4, $0.021869488536155203
DATA expc<>+84(SB)/4, $-0.008863235529902197
DATA expc<>+88(SB)/4, $0.003592128036572481
DATA expc<>+92(SB)/4, $-0.001455834387051318
DATA expc<>+96(SB)/4, $0.55
// erfc(z) ≈ t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−z²), t = 1/(1 + p·z), z ≥ 0
// (Abramowitz and Stegun 7.1.26, |error| ≤ 1.5e-7).
DATA expc<>+100(SB)/4, $0.3275911
DATA expc<>+104(SB)/4, $0.254829592
DATA expc<>+108(SB)/4, $-0.284496736
DATA expc<>+112(SB)/4, $1.421413741
DATA expc<>+116(SB)/4, $-1.453152027
DATA expc<>+120(SB)/4, $1.061405429
DATA expc<>+124(SB)/4, $0.70710678118654752 // 1/sqrt(2)
GLOBL expc<>(SB), RODATA|NOPTR, $128

// EXP computes Y0 = e^Y0 (8 floats), clobbering Y12–Y15.
#define EXP \
	VMINPS       Y0, Y8, Y0                      \
	VMAXPS       Y0, Y9, Y0                      \
	VBROADCASTSS expc<>+8(SB), Y12               \
	VMULPS       Y12, Y0, Y12                    \
	VROUNDPS     $0, Y12, Y12                    \
	VBROADCASTSS expc<>+12(SB), Y13              \
	VFNMADD231PS Y13, Y12, Y0                    \
	VBROADCASTSS expc<>+16(SB), Y13              \
	VFNMADD231PS Y13, Y12, Y0                    \
	VBROADCASTSS expc<>+20(SB), Y13              \
	VBROADCASTSS expc<>+24(SB), Y14              \
	VFMADD213PS  Y14, Y0, Y13                    \
	VBROADCASTSS expc<>+28(SB), Y14              \
	VFMADD213PS  Y14, Y0, Y13                    \
	VBROADCASTSS expc<>+32(SB), Y14              \
	VFMADD213PS  Y14, Y0, Y13                    \
	VBROADCASTSS expc<>+36(SB), Y14              \
	VFMADD213PS  Y14, Y0, Y13                    \
	VBROADCASTSS expc<>+40(SB), Y14              \
	VFMADD213PS  Y14, Y0, Y13                    \
	VMULPS       Y0, Y0, Y14                     \
	VFMADD213PS  Y0, Y14, Y13                    \
	VADDPS       Y13, Y10, Y13                   \
	VCVTPS2DQ    Y12, Y12                        \
	VPSLLD       $23, Y12, Y12                   \
	VPADDD       Y10, Y12, Y12                   \
	VMULPS       Y12, Y13, Y0

// LOADCONST sets Y8 = max x, Y9 = min x, Y10 = 1.0 (whose bits are 127<<23).
#define LOADCONST \
	VBROADCASTSS expc<>+0(SB), Y8 \
	VBROADCASTSS expc<>+4(SB), Y9 \
	VBROADCASTSS expc<>+44(SB), Y10

// func expAVX2(dst, src *float32, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	LOADCONST

eloop:
	CMPQ    CX, $8
	JL      edone
	VMOVUPS (SI), Y0
	EXP
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     eloop

edone:
	VZEROUPPER
	RET

// func sigmoidAVX2(dst, src *float32, n int)
// dst = 1/(1 + e^−x).
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	LOADCONST
	VXORPS Y11, Y11, Y11

sloop:
	CMPQ    CX, $8
	JL      sdone
	VMOVUPS (SI), Y1
	VSUBPS  Y1, Y11, Y0
	EXP
	VADDPS  Y0, Y10, Y0
	VDIVPS  Y0, Y10, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     sloop

sdone:
	VZEROUPPER
	RET

// func tanhAVX2(dst, src *float32, n int)
// |x| ≥ 0.55: sign(x)·(1 − e)/(1 + e), e = e^(−2|x|); below, the Taylor series.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	LOADCONST
	VBROADCASTSS expc<>+48(SB), Y11

tloop:
	CMPQ         CX, $8
	JL           tdone
	VMOVUPS      (SI), Y1
	VANDPS       Y11, Y1, Y2                 // a = |x|
	VXORPS       Y2, Y1, Y3                  // sign bit of x
	VBROADCASTSS expc<>+60(SB), Y0
	VMULPS       Y2, Y0, Y0                  // −2a
	EXP                                      // e
	VSUBPS       Y0, Y10, Y4                 // 1 − e
	VADDPS       Y0, Y10, Y5                 // 1 + e
	VDIVPS       Y5, Y4, Y4                  // large-|x| result, ≥ 0
	VMULPS       Y2, Y2, Y5                  // a²
	VBROADCASTSS expc<>+92(SB), Y6
	VBROADCASTSS expc<>+88(SB), Y7
	VFMADD213PS  Y7, Y5, Y6
	VBROADCASTSS expc<>+84(SB), Y7
	VFMADD213PS  Y7, Y5, Y6
	VBROADCASTSS expc<>+80(SB), Y7
	VFMADD213PS  Y7, Y5, Y6
	VBROADCASTSS expc<>+76(SB), Y7
	VFMADD213PS  Y7, Y5, Y6
	VBROADCASTSS expc<>+72(SB), Y7
	VFMADD213PS  Y7, Y5, Y6
	VBROADCASTSS expc<>+68(SB), Y7
	VFMADD213PS  Y7, Y5, Y6
	VFMADD213PS  Y10, Y5, Y6
	VMULPS       Y2, Y6, Y6                  // small-|x| result
	VBROADCASTSS expc<>+96(SB), Y7
	VCMPPS       $1, Y7, Y2, Y7              // a < 0.55
	VBLENDVPS    Y7, Y6, Y4, Y4
	VORPS        Y3, Y4, Y4                  // restore the sign
	VMOVUPS      Y4, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	SUBQ         $8, CX
	JMP          tloop

tdone:
	VZEROUPPER
	RET

// func geluAVX2(dst, src *float32, n int)
// x·Φ(x) with Φ(x) = erfc(z)/2 for x < 0 and 1 − erfc(z)/2 otherwise, z = |x|/√2.
TEXT ·geluAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	LOADCONST
	VBROADCASTSS expc<>+48(SB), Y11

gloop:
	CMPQ         CX, $8
	JL           gdone
	VMOVUPS      (SI), Y1
	VANDPS       Y11, Y1, Y2
	VBROADCASTSS expc<>+124(SB), Y3
	VMULPS       Y3, Y2, Y2                  // z
	VBROADCASTSS expc<>+100(SB), Y3
	VFMADD213PS  Y10, Y2, Y3                 // 1 + p·z
	VDIVPS       Y3, Y10, Y3                 // t
	VBROADCASTSS expc<>+120(SB), Y4
	VBROADCASTSS expc<>+116(SB), Y5
	VFMADD213PS  Y5, Y3, Y4
	VBROADCASTSS expc<>+112(SB), Y5
	VFMADD213PS  Y5, Y3, Y4
	VBROADCASTSS expc<>+108(SB), Y5
	VFMADD213PS  Y5, Y3, Y4
	VBROADCASTSS expc<>+104(SB), Y5
	VFMADD213PS  Y5, Y3, Y4
	VMULPS       Y3, Y4, Y4                  // t·poly(t)
	VMULPS       Y2, Y2, Y0
	VXORPS       Y5, Y5, Y5
	VSUBPS       Y0, Y5, Y0                  // −z²
	EXP
	VMULPS       Y0, Y4, Y4                  // erfc(z)
	VBROADCASTSS expc<>+56(SB), Y5
	VMULPS       Y5, Y4, Y4                  // erfc(z)/2: Φ(x) for x < 0
	VSUBPS       Y4, Y10, Y6                 // 1 − erfc(z)/2: Φ(x) for x ≥ 0
	VBLENDVPS    Y1, Y4, Y6, Y6              // sign bit of x picks erfc(z)/2
	VMULPS       Y6, Y1, Y6
	VMOVUPS      Y6, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	SUBQ         $8, CX
	JMP          gloop

gdone:
	VZEROUPPER
	RET
