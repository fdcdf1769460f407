package layout

import "github.com/surfscope/surfscope/models"

// Concat describes an OpConcat node as copies of runs: for each of Outer blocks, Runs[k]
// consecutive values of input k, inputs in order. Along axis 0 there is one block, so each input
// is copied whole.
type Concat struct {
	Outer int
	Runs  []int
}

// NewConcat returns the layout of concat node nd whose inputs have the per-sample shapes given by
// shapes (indexed by node, as models.Net.Shapes returns them).
func NewConcat(nd *models.Node, shapes [][]int) Concat {
	axis := nd.Attr.Axis
	l := Concat{Outer: models.ShapeSize(shapes[nd.Inputs[0]][:axis]), Runs: make([]int, len(nd.Inputs))}
	for k, in := range nd.Inputs {
		l.Runs[k] = models.ShapeSize(shapes[in][axis:])
	}
	return l
}

// Join writes the concatenation of one sample's inputs xs into y.
func (l *Concat) Join(y []float32, xs [][]float32) {
	off := 0
	for o := 0; o < l.Outer; o++ {
		for k, r := range l.Runs {
			copy(y[off:off+r], xs[k][o*r:(o+1)*r])
			off += r
		}
	}
}

// SplitAdd adds the parts of one sample's output gradient dy onto the input gradients dxs; a nil
// dxs[k] (an input that needs no gradient) is skipped.
func (l *Concat) SplitAdd(dxs [][]float32, dy []float32) {
	off := 0
	for o := 0; o < l.Outer; o++ {
		for k, r := range l.Runs {
			if dxs[k] != nil {
				dx := dxs[k][o*r : (o+1)*r]
				for i, d := range dy[off : off+r] {
					dx[i] += d
				}
			}
			off += r
		}
	}
}
