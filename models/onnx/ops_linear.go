package onnx

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// Gemm and MatMul with a constant weight map onto OpDense (transposes and alpha folded into the
// weight, beta·C into the bias). The data operand must hold one row per sample.

// rowLen returns K for a data sample shape whose axes are all 1 but the last.
func rowLen(s []int) (int, error) {
	if models.ShapeSize(s[:len(s)-1]) != 1 {
		return 0, fmt.Errorf("sample shape %v holds several rows; only one row per sample is supported", s)
	}
	return s[len(s)-1], nil
}

func gemm(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	w, err := n.konst(1)
	if err != nil {
		return err
	}
	c, err := n.optConst(2)
	if err != nil {
		return err
	}
	n.attrs.ignore("broadcast") // opset < 7
	alpha, beta := n.attrs.Float("alpha", 1), n.attrs.Float("beta", 1)
	if n.attrs.Int("transA", 0) != 0 {
		return fmt.Errorf("transA of data is not supported (the batch must be the first axis)")
	}
	transB := n.attrs.Int("transB", 0) != 0
	if len(w.shape) != 2 || !w.float {
		return fmt.Errorf("weight of shape %v is not a float matrix", brief(w.shape))
	}
	if len(x.shape)+btoi(b.batched) != 2 {
		return fmt.Errorf("Gemm input has sample shape %v, want a matrix", x.shape)
	}
	k, err := rowLen(x.shape)
	if err != nil {
		return err
	}
	kw, m := w.shape[0], w.shape[1]
	if transB {
		m, kw = kw, m
	}
	if kw != k {
		return fmt.Errorf("weight of shape %v does not fit rows of length %d", brief(w.shape), k)
	}
	weight := make([]float32, m*k)
	for o := range m {
		for i := range k {
			v := w.f[i*m+o]
			if transB {
				v = w.f[o*k+i]
			}
			weight[o*k+i] = alpha * v
		}
	}
	params := map[string]*models.Tensor{"weight": tensor(weight, m, k)}
	out := slices.Concat(x.shape[:len(x.shape)-1], []int{m})
	if c != nil && beta != 0 {
		a, err := b.alignConst(c, out)
		if err != nil {
			return fmt.Errorf("C: %v", err)
		}
		vals := expand(a, out)
		bias := make([]float32, m)
		for o := range bias {
			bias[o] = beta * vals[o]
		}
		params["bias"] = tensor(bias, m)
	}
	y := b.emit(n.name(), models.OpDense, models.Attr{}, params, []int{m}, x)
	n.out[0] = b.reshape(y, out, n.name()+"/rows")
	return nil
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

func matmul(b *builder, n *node) error {
	if n.input(0) != nil && n.input(0).c != nil {
		return fmt.Errorf("a constant times data is not supported, only data times a constant weight")
	}
	x, err := n.data(0)
	if err != nil {
		return err
	}
	w, err := n.konst(1)
	if err != nil {
		return err
	}
	if len(w.shape) != 2 || !w.float {
		return fmt.Errorf("weight of shape %v is not a float matrix", brief(w.shape))
	}
	if len(x.shape)+btoi(b.batched) < 2 {
		return fmt.Errorf("MatMul of a vector sample is not supported")
	}
	k, err := rowLen(x.shape)
	if err != nil {
		return err
	}
	if w.shape[0] != k {
		return fmt.Errorf("weight of shape %v does not fit rows of length %d", brief(w.shape), k)
	}
	m := w.shape[1]
	weight := make([]float32, m*k)
	for o := range m {
		for i := range k {
			weight[o*k+i] = w.f[i*m+o]
		}
	}
	y := b.emit(n.name(), models.OpDense, models.Attr{}, map[string]*models.Tensor{"weight": tensor(weight, m, k)}, []int{m}, x)
	n.out[0] = b.reshape(y, slices.Concat(x.shape[:len(x.shape)-1], []int{m}), n.name()+"/rows")
	return nil
}
