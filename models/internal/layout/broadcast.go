package layout

import "github.com/surfscope/surfscope/models"

// Broadcast maps every element of an element-wise node's output (OpAdd, OpMul) to the element of
// one input that it reads, repeating the input's size-1 dimensions. Nil is the identity: the input
// has the output's shape.
type Broadcast []int32

// NewBroadcast returns the map from an output of shape out to an input of shape in (same rank,
// each dimension equal to out's or 1, as models.Net.Shapes checks).
func NewBroadcast(out, in []int) Broadcast {
	n := models.ShapeSize(out)
	if models.ShapeSize(in) == n {
		return nil
	}
	m := make(Broadcast, n)
	pos := make([]int, len(out))
	for k := range m {
		r := k
		for d := len(out) - 1; d >= 0; d-- {
			pos[d] = r % out[d]
			r /= out[d]
		}
		flat := 0
		for d := range out {
			flat = flat*in[d] + pos[d]%in[d]
		}
		m[k] = int32(flat)
	}
	return m
}

// At returns the input element that output element k reads.
func (m Broadcast) At(k int) int {
	if m == nil {
		return k
	}
	return int(m[k])
}
