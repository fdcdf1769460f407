package onnx

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// Folding of indexing ops on constants: Gather, Concat, Slice.

// normAxis normalises an axis against rank r (the range [-r, r) unless extra allows r itself).
func normAxis(axis int64, r int, extra bool) (int, error) {
	a := int(axis)
	if a < 0 {
		a += r
	}
	hi := r
	if extra {
		hi++
	}
	if a < 0 || a >= hi {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, r)
	}
	return a, nil
}

// take copies the values of c at the given flat indices into a new constant of shape.
func take(c *constant, shape []int, idx []int) *constant {
	if c.float {
		f := make([]float32, len(idx))
		for k, j := range idx {
			f[k] = c.f[j]
		}
		return newFloat(shape, f)
	}
	i := make([]int64, len(idx))
	for k, j := range idx {
		i[k] = c.i[j]
	}
	return newInt(shape, i)
}

func foldGather(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	ic, err := n.konst(1)
	if err != nil {
		return err
	}
	ind, err := ic.ints()
	if err != nil {
		return err
	}
	axis, err := normAxis(n.attrs.Int("axis", 0), len(x.shape), false)
	if err != nil {
		return err
	}
	outer, dim, inner := models.ShapeSize(x.shape[:axis]), x.shape[axis], models.ShapeSize(x.shape[axis+1:])
	shape := slices.Concat(x.shape[:axis], ic.shape, x.shape[axis+1:])
	if models.ShapeSize(shape) > maxComputed {
		return fmt.Errorf("result of shape %v is too large", brief(shape))
	}
	idx := make([]int, 0, models.ShapeSize(shape))
	for o := range outer {
		for _, j := range ind {
			if j < 0 {
				j += int64(dim)
			}
			if j < 0 || j >= int64(dim) {
				return fmt.Errorf("index out of range for dimension %d", dim)
			}
			for k := range inner {
				idx = append(idx, (o*dim+int(j))*inner+k)
			}
		}
	}
	n.out[0] = &value{c: take(x, shape, idx)}
	return nil
}

func foldConcat(b *builder, n *node) error {
	var cs []*constant
	for k := range n.in {
		c, err := n.konst(k)
		if err != nil {
			return err
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return fmt.Errorf("no inputs")
	}
	def := int64(0)
	if b.opset < 4 {
		def = 1 // Concat-1 concatenated along axis 1 by default
	}
	axis, err := normAxis(n.attrs.Int("axis", def), len(cs[0].shape), false)
	if err != nil {
		return err
	}
	shape := slices.Clone(cs[0].shape)
	shape[axis] = 0
	anyFloat := false
	for _, c := range cs {
		if len(c.shape) != len(shape) {
			return fmt.Errorf("inputs of ranks %d and %d", len(shape), len(c.shape))
		}
		for d := range shape {
			if d != axis && c.shape[d] != shape[d] {
				return fmt.Errorf("input shapes %v and %v differ off axis %d", brief(cs[0].shape), brief(c.shape), axis)
			}
		}
		shape[axis] += c.shape[axis]
		anyFloat = anyFloat || c.float
	}
	outer := models.ShapeSize(shape[:axis])
	out := &constant{shape: shape, float: anyFloat}
	for o := range outer {
		for _, c := range cs {
			run := models.ShapeSize(c.shape[axis:])
			if anyFloat {
				out.f = append(out.f, c.floats()[o*run:(o+1)*run]...)
			} else {
				out.i = append(out.i, c.i[o*run:(o+1)*run]...)
			}
		}
	}
	n.out[0] = &value{c: out}
	return nil
}

// foldSlice implements Slice on constants (attributes before opset 10, inputs from 10 on).
func foldSlice(b *builder, n *node) error {
	x, err := n.konst(0)
	if err != nil {
		return err
	}
	var starts, ends, axes, steps []int64
	if b.opset < 10 {
		starts, ends, axes = n.attrs.Ints("starts"), n.attrs.Ints("ends"), n.attrs.Ints("axes")
	} else {
		for k, dst := range []*[]int64{&starts, &ends, &axes, &steps} {
			c, err := n.optConst(k + 1)
			if err != nil {
				return err
			}
			if c != nil {
				if *dst, err = c.ints(); err != nil {
					return err
				}
			}
		}
	}
	if len(starts) != len(ends) || (axes != nil && len(axes) != len(starts)) || (steps != nil && len(steps) != len(starts)) {
		return fmt.Errorf("starts, ends, axes and steps differ in length")
	}
	r := len(x.shape)
	lo, step, shape := make([]int, r), make([]int, r), slices.Clone(x.shape)
	for d := range step {
		step[d] = 1
	}
	for k := range starts {
		ax := int64(k)
		if axes != nil {
			ax = axes[k]
		}
		a, err := normAxis(ax, r, false)
		if err != nil {
			return err
		}
		st := int64(1)
		if steps != nil {
			st = steps[k]
		}
		if st == 0 {
			return fmt.Errorf("slice step 0")
		}
		dim := int64(x.shape[a])
		clamp := func(v, lo, hi int64) int64 { return min(max(v, lo), hi) }
		s, e := starts[k], ends[k]
		if s < 0 {
			s += dim
		}
		if e < 0 {
			e += dim
		}
		var cnt int64
		if st > 0 {
			s, e = clamp(s, 0, dim), clamp(e, 0, dim)
			cnt = max(0, (e-s+st-1)/st)
		} else {
			s, e = clamp(s, 0, dim-1), clamp(e, -1, dim-1)
			cnt = max(0, (s-e-st-1)/(-st))
		}
		lo[a], step[a], shape[a] = int(s), int(st), int(cnt)
	}
	idx := make([]int, models.ShapeSize(shape))
	for k := range idx {
		rem, src, stride := k, 0, 1
		for d := r - 1; d >= 0; d-- {
			src += (lo[d] + (rem%shape[d])*step[d]) * stride
			rem /= shape[d]
			stride *= x.shape[d]
		}
		idx[k] = src
	}
	n.out[0] = &value{c: take(x, shape, idx)}
	return nil
}
