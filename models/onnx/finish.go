package onnx

import (
	"fmt"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// finish tidies the translated graph and returns the Net computing out: zero padding merges into
// the convolution that reads it, chains of reshapes collapse and reshapes to the same shape
// vanish, nodes the output does not need are dropped. It checks the result with Net.Shapes.
func (b *builder) finish(out *value) (*models.Net, error) {
	nodes := b.net.Nodes
	b.mergePads()
	fwd := make([]int, len(nodes)) // node i's value is node fwd[i]'s
	for i := range nodes {
		fwd[i] = i
		nd := &nodes[i]
		for k, in := range nd.Inputs {
			nd.Inputs[k] = fwd[in]
		}
		if !isReshape(nd.Op) {
			continue
		}
		if j := nd.Inputs[0]; isReshape(nodes[j].Op) {
			nd.Inputs[0] = nodes[j].Inputs[0]
		}
		if j := nd.Inputs[0]; slices.Equal(b.shapes[j], b.shapes[i]) {
			fwd[i] = j
		}
	}
	last := fwd[out.node]

	live := make([]bool, len(nodes))
	live[0], live[last] = true, true
	for i := last; i > 0; i-- {
		if live[i] {
			for _, in := range nodes[i].Inputs {
				live[in] = true
			}
		}
	}
	index := make([]int, len(nodes))
	net := &models.Net{Input: b.net.Input, Classes: models.ShapeSize(b.shapes[last])}
	var want [][]int
	for i := range nodes {
		if !live[i] {
			continue
		}
		index[i] = len(net.Nodes)
		nd := nodes[i]
		for k, in := range nd.Inputs {
			nd.Inputs[k] = index[in]
		}
		net.Nodes = append(net.Nodes, nd)
		want = append(want, b.shapes[i])
	}
	if last == 0 { // the output is the input itself
		net.Nodes = append(net.Nodes, models.Node{Name: "output", Op: models.OpFlatten, Inputs: []int{0}})
		want = append(want, []int{models.ShapeSize(b.shapes[0])})
	}
	got, err := net.Shapes()
	if err != nil {
		return nil, fmt.Errorf("translated graph is invalid: %v", err)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			return nil, fmt.Errorf("internal error: node %d %q (%s) has shape %v, the importer expected %v",
				i, net.Nodes[i].Name, net.Nodes[i].Op, got[i], want[i])
		}
	}
	return net, nil
}

func isReshape(op models.Op) bool { return op == models.OpReshape || op == models.OpFlatten }

// mergePads moves the padding of a Pad node (an identity depthwise convolution) into the one
// convolution or average pooling (which counts padding as zeros) that reads it.
func (b *builder) mergePads() {
	nodes := b.net.Nodes
	for i := range nodes {
		p := &nodes[i]
		if p.Op != models.OpConv || p.Attr.Meta != metaPad || p.Params["bias"] != nil || b.netUses[i] != 1 {
			continue
		}
		for j := i + 1; j < len(nodes); j++ {
			c := &nodes[j]
			if (c.Op != models.OpConv && c.Op != models.OpAvgPool) || c.Inputs[0] != i {
				continue
			}
			for k := range c.Attr.Pad {
				c.Attr.Pad[k] += p.Attr.Pad[k]
			}
			c.Inputs[0] = p.Inputs[0]
			b.netUses[i] = 0
			break
		}
	}
}
