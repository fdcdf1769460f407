package onnx

import (
	"fmt"

	"github.com/surfscope/surfscope/models"
)

// Shape rules of Reshape, Flatten, Squeeze, Unsqueeze and Transpose, shared by the constant
// folds here and the data versions in ops_shape.go.

// axesArg returns the axes of Squeeze, Unsqueeze, ReduceMean and Slice: an attribute before
// opset v, the optional input i from opset v on. ok is false when no axes are given.
func axesArg(b *builder, n *node, v, i int) (axes []int64, ok bool, err error) {
	if b.opset < v {
		if !n.attrs.has("axes") {
			return nil, false, nil
		}
		return n.attrs.Ints("axes"), true, nil
	}
	c, err := n.optConst(i)
	if c == nil || err != nil {
		return nil, false, err
	}
	axes, err = c.ints()
	return axes, err == nil, err
}

// squeezeShape removes the given axes (all size-1 axes when none are given) from s.
func squeezeShape(s []int, axes []int64, given bool) ([]int, error) {
	drop := make([]bool, len(s))
	for _, ax := range axes {
		a, err := normAxis(ax, len(s), false)
		if err != nil {
			return nil, err
		}
		if s[a] != 1 {
			return nil, fmt.Errorf("cannot squeeze axis %d of size %d", ax, s[a])
		}
		drop[a] = true
	}
	var out []int
	for k, d := range s {
		if !drop[k] && !(!given && d == 1) {
			out = append(out, d)
		}
	}
	return out, nil
}

// unsqueezeShape inserts size-1 axes at the given positions of the output.
func unsqueezeShape(s []int, axes []int64) ([]int, error) {
	r := len(s) + len(axes)
	ins := make([]bool, r)
	for _, ax := range axes {
		a, err := normAxis(ax, r, false)
		if err != nil {
			return nil, err
		}
		if ins[a] {
			return nil, fmt.Errorf("axis %d repeated", ax)
		}
		ins[a] = true
	}
	out := make([]int, 0, r)
	k := 0
	for a := range r {
		if ins[a] {
			out = append(out, 1)
		} else {
			out = append(out, s[k])
			k++
		}
	}
	return out, nil
}

// resolveShape applies Reshape's rules to a target: 0 copies the input dimension (unless
// allowzero), one -1 is inferred from the size.
func resolveShape(in []int, target []int64, allowzero bool) ([]int, error) {
	out := make([]int, len(target))
	infer := -1
	known := 1
	for k, t := range target {
		switch {
		case t == batchDim:
			return nil, fmt.Errorf("reshape target %v puts the batch size inside the sample", brief(target))
		case t == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("reshape target %v has two -1", brief(target))
			}
			infer = k
			continue
		case t == 0 && !allowzero:
			if k >= len(in) {
				return nil, fmt.Errorf("reshape target %v copies a dimension the input %v lacks", brief(target), brief(in))
			}
			out[k] = in[k]
		case t < 0 || t > maxElements:
			return nil, fmt.Errorf("bad reshape target %v", brief(target))
		default:
			out[k] = int(t)
		}
		known *= out[k]
		if known > maxElements {
			return nil, fmt.Errorf("bad reshape target %v", brief(target))
		}
	}
	size := models.ShapeSize(in)
	if infer >= 0 {
		if known == 0 || size%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v to %v", brief(in), brief(target))
		}
		out[infer] = size / known
	} else if known != size {
		return nil, fmt.Errorf("cannot reshape %v to %v", brief(in), brief(target))
	}
	return out, nil
}

// reshapeTarget reads Reshape's shape input and allowzero attribute.
func reshapeTarget(n *node) ([]int64, bool, error) {
	sc, err := n.konst(1)
	if err != nil {
		return nil, false, err
	}
	t, err := sc.ints()
	return t, n.attrs.Int("allowzero", 0) != 0, err
}

// withShape returns c's data under a new shape.
func withShape(c *constant, s []int) *value {
	return &value{c: &constant{shape: s, float: c.float, f: c.f, i: c.i}}
}

func foldReshape(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	var s []int
	switch n.op {
	case "Reshape":
		t, allowzero, err := reshapeTarget(n)
		if err != nil {
			return err
		}
		if s, err = resolveShape(x.shape, t, allowzero); err != nil {
			return err
		}
	case "Flatten":
		axis, err := normAxis(n.attrs.Int("axis", 1), len(x.shape), true)
		if err != nil {
			return err
		}
		s = []int{models.ShapeSize(x.shape[:axis]), models.ShapeSize(x.shape[axis:])}
	case "Squeeze":
		axes, given, err := axesArg(b, n, 13, 1)
		if err != nil {
			return err
		}
		if s, err = squeezeShape(x.shape, axes, given); err != nil {
			return err
		}
	case "Unsqueeze":
		axes, given, err := axesArg(b, n, 13, 1)
		if err != nil {
			return err
		}
		if !given {
			return fmt.Errorf("Unsqueeze without axes")
		}
		if s, err = unsqueezeShape(x.shape, axes); err != nil {
			return err
		}
	}
	n.out[0] = withShape(x, s)
	return nil
}

// transposePerm reads Transpose's perm attribute (default: reverse the axes).
func transposePerm(n *node, r int) ([]int, error) {
	p := n.attrs.Ints("perm")
	perm := make([]int, r)
	if p == nil {
		for k := range perm {
			perm[k] = r - 1 - k
		}
		return perm, nil
	}
	if len(p) != r {
		return nil, fmt.Errorf("perm %v for rank %d", brief(p), r)
	}
	seen := make([]bool, r)
	for k, v := range p {
		a, err := normAxis(v, r, false)
		if err != nil || seen[a] {
			return nil, fmt.Errorf("bad perm %v", brief(p))
		}
		seen[a] = true
		perm[k] = a
	}
	return perm, nil
}

func foldTranspose(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	perm, err := transposePerm(n, len(x.shape))
	if err != nil {
		return err
	}
	r := len(x.shape)
	shape := make([]int, r)
	for k, a := range perm {
		shape[k] = x.shape[a]
	}
	strides := make([]int, r)
	st := 1
	for d := r - 1; d >= 0; d-- {
		strides[d] = st
		st *= x.shape[d]
	}
	idx := make([]int, models.ShapeSize(shape))
	for k := range idx {
		rem, src := k, 0
		for d := r - 1; d >= 0; d-- {
			src += (rem % shape[d]) * strides[perm[d]]
			rem /= shape[d]
		}
		idx[k] = src
	}
	n.out[0] = &value{c: take(x, shape, idx)}
	return nil
}
