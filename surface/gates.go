package surface

import (
	"context"
	"fmt"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// GateSummary is the saturation of a net's gates (models.Net.Gates: sigmoids that multiply
// something — gated shortcuts, SE gates, SiLU) over a set of inputs, the images of a split or the
// points of a probe: per gate the shares of its outputs below models.GateLow (0.05, nearly closed)
// and above models.GateHigh (0.95, nearly open), and the same shares pooled over every output of
// every gate.
type GateSummary struct {
	Gates []models.GateSaturation `json:"gates"`
	// Low and High pool all gates: saturated outputs over all outputs (so a wide gate weighs more).
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Inputs is the number of images or probe points the gates were measured on.
	Inputs int `json:"inputs"`
}

// gateChunk is the number of inputs a gate measurement evaluates at once.
const gateChunk = 256

// GateSaturation measures the saturation of net's gates over the n images in x ([n][InputSize]).
// progress, when not nil, gets the images done. It returns an error for a net without gates, and
// ctx's error when ctx is cancelled.
func GateSaturation(ctx context.Context, net *models.Net, x []float32, n int, progress func(done, total int)) (*GateSummary, error) {
	if n <= 0 || len(x) < n*net.InputSize() {
		return nil, fmt.Errorf("surface: gate saturation: %d values for %d inputs of %d", len(x), n, net.InputSize())
	}
	D := net.InputSize()
	return measureGates(ctx, net, n, func(dst []float32, lo, hi int) []float32 { return x[lo*D : hi*D] }, progress)
}

// GateSaturationOnProbe measures the saturation of net's gates over the grid points of probe p
// (every point, as Sample evaluates them). It returns an error for a net without gates or a probe
// in another input space, and ctx's error when ctx is cancelled.
func GateSaturationOnProbe(ctx context.Context, net *models.Net, p *projection.Probe) (*GateSummary, error) {
	D := net.InputSize()
	if len(p.Origin) != D {
		return nil, fmt.Errorf("surface: gate saturation: probe points have %d values, the net takes %d", len(p.Origin), D)
	}
	return measureGates(ctx, net, p.Len(), func(dst []float32, lo, hi int) []float32 {
		dst = dst[:(hi-lo)*D]
		for k := lo; k < hi; k++ {
			p.Point(dst[(k-lo)*D:(k-lo+1)*D], k)
		}
		return dst
	}, nil)
}

// measureGates runs the gates of net over n inputs that inputs(dst, lo, hi) supplies, chunk by
// chunk (dst has room for a chunk), and counts their saturated outputs.
func measureGates(ctx context.Context, net *models.Net, n int, inputs func(dst []float32, lo, hi int) []float32,
	progress func(done, total int)) (*GateSummary, error) {
	gates := net.Gates()
	if len(gates) == 0 {
		return nil, fmt.Errorf("surface: gate saturation: the net has no sigmoid gates")
	}
	nodes := make([]int, len(gates))
	for k, g := range gates {
		nodes[k] = g.Node
	}
	tap, err := infer.NewTap(net, nodes)
	if err != nil {
		return nil, err
	}
	low, high := make([]int, len(gates)), make([]int, len(gates))
	buf := make([]float32, gateChunk*net.InputSize())
	for lo := 0; lo < n; lo += gateChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+gateChunk, n)
		tap.Run(inputs(buf, lo, hi), hi-lo, func(_, _ int, values [][]float32) {
			for k, v := range values {
				l, h := models.CountSaturated(v)
				low[k] += l
				high[k] += h
			}
		})
		if progress != nil {
			progress(hi, n)
		}
	}
	s := &GateSummary{Inputs: n}
	var all, allLow, allHigh int
	for k, g := range gates {
		count := n * tap.Sizes()[k]
		s.Gates = append(s.Gates, models.GateSaturation{Gate: g, Low: float64(low[k]) / float64(count),
			High: float64(high[k]) / float64(count), Count: count})
		all, allLow, allHigh = all+count, allLow+low[k], allHigh+high[k]
	}
	s.Low, s.High = float64(allLow)/float64(all), float64(allHigh)/float64(all)
	return s, nil
}
