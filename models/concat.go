package models

import "fmt"

// concatShape checks the inputs of an OpConcat node and returns its output shape: the inputs'
// common shape with the sizes along Attr.Axis summed.
func concatShape(nd *Node, shapes [][]int) ([]int, error) {
	first := shapes[nd.Inputs[0]]
	axis := nd.Attr.Axis
	if axis < 0 || axis >= len(first) {
		return nil, fmt.Errorf("axis %d out of range for input shape %v", axis, first)
	}
	out := append([]int(nil), first...)
	out[axis] = 0
	for k, in := range nd.Inputs {
		s := shapes[in]
		ok := len(s) == len(first)
		for d := 0; ok && d < len(s); d++ {
			ok = d == axis || s[d] == first[d]
		}
		if !ok {
			return nil, fmt.Errorf("input %d has shape %v; along axis %d it cannot join input 0 of shape %v", k, s, axis, first)
		}
		out[axis] += s[axis]
	}
	return out, nil
}
