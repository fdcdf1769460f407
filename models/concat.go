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

// concatLayout describes a concatenation as copies of runs: for each of outer blocks, runs[k]
// consecutive values of input k, inputs in order. Along axis 0 there is one block, so each input
// is copied whole.
type concatLayout struct {
	outer int
	runs  []int
}

func newConcatLayout(nd *Node, shapes [][]int) concatLayout {
	axis := nd.Attr.Axis
	l := concatLayout{outer: shapeSize(shapes[nd.Inputs[0]][:axis]), runs: make([]int, len(nd.Inputs))}
	for k, in := range nd.Inputs {
		l.runs[k] = shapeSize(shapes[in][axis:])
	}
	return l
}

// join writes the concatenation of one sample's inputs xs into y.
func (l *concatLayout) join(y []float32, xs [][]float32) {
	off := 0
	for o := 0; o < l.outer; o++ {
		for k, r := range l.runs {
			copy(y[off:off+r], xs[k][o*r:(o+1)*r])
			off += r
		}
	}
}

// splitAdd adds the parts of one sample's output gradient dy onto the input gradients dxs.
func (l *concatLayout) splitAdd(dxs [][]float32, dy []float32) {
	off := 0
	for o := 0; o < l.outer; o++ {
		for k, r := range l.runs {
			dx := dxs[k][o*r : (o+1)*r]
			for i, d := range dy[off : off+r] {
				dx[i] += d
			}
			off += r
		}
	}
}
