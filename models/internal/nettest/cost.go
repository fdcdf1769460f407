package nettest

import "github.com/surfscope/surfscope/models"

// ForwardCost estimates the multiply-adds of ForwardReference on one sample of n, whose node
// shapes are shapes: windows cost their area per output value, dense layers their weight, other
// nodes their output. Fuzz targets use it to skip the forward pass of nets that would take long.
func ForwardCost(n *models.Net, shapes [][]int) float64 {
	cost := 0.0
	for i, nd := range n.Nodes {
		out := 1.0
		for _, d := range shapes[i] {
			out *= float64(d)
		}
		switch nd.Op {
		case models.OpConv:
			w := nd.Params["weight"]
			cost += out * float64(w.Len()/w.Shape[0])
		case models.OpMaxPool, models.OpAvgPool:
			cost += out * float64(nd.Attr.Kernel[0]) * float64(nd.Attr.Kernel[1])
		case models.OpDense:
			cost += float64(nd.Params["weight"].Len())
		default:
			cost += out
		}
	}
	return cost
}
