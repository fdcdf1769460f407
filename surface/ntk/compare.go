package ntk

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

func nan() float64 { return math.NaN() }

// RelativeChange returns ‖K1 − K0‖_F/‖K0‖_F, how far training moved the kernel (0 in the lazy,
// infinitely wide limit; Jacot et al. 2018, Lee et al. 2019). It panics if the sizes differ.
func RelativeChange(k0, k1 mat.Symmetric) float64 {
	m := sameDim(k0, k1)
	var d, n float64
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			a, b := k0.At(i, j), k1.At(i, j)
			d += (b - a) * (b - a)
			n += a * a
		}
	}
	return math.Sqrt(d / n)
}

// Alignment returns the kernel alignment ⟨K0, K1⟩_F/(‖K0‖_F‖K1‖_F) (Cristianini et al. 2002,
// "On kernel-target alignment"); 1 − Alignment is the kernel distance of Fort et al. 2020, "Deep
// learning versus kernel learning". It panics if the sizes differ.
func Alignment(k0, k1 mat.Symmetric) float64 {
	m := sameDim(k0, k1)
	var ab, aa, bb float64
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			a, b := k0.At(i, j), k1.At(i, j)
			ab, aa, bb = ab+a*b, aa+a*a, bb+b*b
		}
	}
	return ab / math.Sqrt(aa*bb)
}

// TargetAlignment returns the centred kernel-target alignment ⟨K_c, T_c⟩/(‖K_c‖‖T_c‖) of k with
// the one-hot targets of labels, T = YYᵀ (T_st = 1 when samples s and t share a class), where
// A_c = HAH and H = I − 11ᵀ/m centres (Cortes, Mohri & Rostamizadeh 2012, "Algorithms for learning
// kernels based on centered alignment"). It is 1 when the kernel is an affine image of the
// class-equality kernel.
func TargetAlignment(k mat.Symmetric, labels []int) (float64, error) {
	m := k.SymmetricDim()
	if len(labels) != m {
		return 0, fmt.Errorf("ntk: %d labels for a kernel on %d samples", len(labels), m)
	}
	kc := centred(m, k.At)
	tc := centred(m, func(i, j int) float64 {
		if labels[i] == labels[j] {
			return 1
		}
		return 0
	})
	var kt, kk, tt float64
	for i := range kc {
		kt, kk, tt = kt+kc[i]*tc[i], kk+kc[i]*kc[i], tt+tc[i]*tc[i]
	}
	if kk == 0 || tt == 0 {
		return math.NaN(), nil
	}
	return kt / math.Sqrt(kk*tt), nil
}

// centred returns HAH of the m×m matrix a, row-major.
func centred(m int, at func(i, j int) float64) []float64 {
	row := make([]float64, m)
	grand := 0.0
	out := make([]float64, m*m)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			v := at(i, j)
			out[i*m+j] = v
			row[i] += v
		}
		grand += row[i]
		row[i] /= float64(m)
	}
	grand /= float64(m * m)
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			out[i*m+j] += grand - row[i] - row[j] // a symmetric: column means equal row means
		}
	}
	return out
}

func sameDim(a, b mat.Symmetric) int {
	if a.SymmetricDim() != b.SymmetricDim() {
		panic(fmt.Sprintf("ntk: kernels of %d and %d samples", a.SymmetricDim(), b.SymmetricDim()))
	}
	return a.SymmetricDim()
}
