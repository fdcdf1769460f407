package models

// Gate is a sigmoid node whose output multiplies another value (an OpMul reads it, directly or
// through reshapes): the gates of the gate, sgate and gate2 shortcut kinds, squeeze-excitation
// gates, the σ(x) of SiLU's x·σ(x) in an imported net. A sigmoid that only feeds a layer (an MLP's
// activation) is not a gate.
type Gate struct {
	Node int    `json:"node"` // index in Net.Nodes
	Name string `json:"name"`
	Kind string `json:"kind"` // one of the Gate* kinds
}

// Gate kinds. Built nets say which they are in Attr.Meta; imported ones are recognised by shape.
const (
	GateSE       = "SE gate"                      // σ of a per-channel squeeze, scaling a feature map
	GateResidual = "shortcut gate, residual side" // gate: bn(s)·σ(bn(r)); gate2's residual factor
	GateShortcut = "shortcut gate, shortcut side" // sgate: σ(bn(s))·bn(r); gate2's shortcut factor
	GateSelf     = "self gate (SiLU)"             // x·σ(x)
	GateOther    = "gate"                         // any other product with a sigmoid
)

// Saturation thresholds: a gate output below GateLow is nearly closed, above GateHigh nearly open.
const (
	GateLow  = 0.05
	GateHigh = 0.95
)

// GateSaturation says how saturated one gate is over a set of inputs: Low and High are the shares
// of its Count outputs (inputs × units) below GateLow and above GateHigh. A gate with both near 0
// still modulates; one with Low + High near 1 acts as a switch.
type GateSaturation struct {
	Gate
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	Count int     `json:"count,omitempty"`
}

// Gates lists the net's gates in node order; none for an invalid net.
func (n *Net) Gates() []Gate {
	shapes, err := n.Shapes()
	if err != nil {
		return nil
	}
	readers := make([][]int, len(n.Nodes))
	for i, nd := range n.Nodes {
		for _, in := range nd.Inputs {
			readers[in] = append(readers[in], i)
		}
	}
	var gates []Gate
	for i, nd := range n.Nodes {
		if nd.Op != OpSigmoid {
			continue
		}
		if mul, via := n.gateProduct(i, readers); mul >= 0 {
			gates = append(gates, Gate{Node: i, Name: nd.Name, Kind: n.gateKind(i, mul, via, shapes)})
		}
	}
	return gates
}

// gateProduct returns the first OpMul that reads node i directly or through reshapes and the node
// it reads (i or a reshape of it); −1 when there is none.
func (n *Net) gateProduct(i int, readers [][]int) (mul, via int) {
	for _, r := range readers[i] {
		switch n.Nodes[r].Op {
		case OpMul:
			return r, i
		case OpFlatten, OpReshape:
			if m, v := n.gateProduct(r, readers); m >= 0 {
				return m, v
			}
		}
	}
	return -1, -1
}

// gateKind classifies sigmoid node i that multiplication mul reads through node via.
func (n *Net) gateKind(i, mul, via int, shapes [][]int) string {
	switch meta := n.Nodes[i].Attr.Meta; {
	case meta == MetaSEGate:
		return GateSE
	case meta == MetaResidualGate || meta == "shortcut gate": // the latter in older checkpoints
		return GateResidual
	case meta == MetaShortcutGate:
		return GateShortcut
	}
	other := n.Nodes[mul].Inputs[0]
	if other == via {
		other = n.Nodes[mul].Inputs[1]
	}
	if n.source(other) == n.source(n.Nodes[i].Inputs[0]) {
		return GateSelf
	}
	if s := shapes[i]; len(s) > 0 && ShapeSize(s) == s[0] && ShapeSize(shapes[other]) > s[0] {
		return GateSE
	}
	return GateOther
}

// source follows reshapes back to the node whose values node i holds.
func (n *Net) source(i int) int {
	for n.Nodes[i].Op == OpFlatten || n.Nodes[i].Op == OpReshape {
		i = n.Nodes[i].Inputs[0]
	}
	return i
}

// CountSaturated returns how many of the gate outputs v are below GateLow and above GateHigh.
func CountSaturated(v []float32) (low, high int) {
	for _, x := range v {
		if x < GateLow {
			low++
		} else if x > GateHigh {
			high++
		}
	}
	return low, high
}

// PooledSaturation returns the shares of all the gates' outputs below GateLow and above GateHigh,
// each gate weighted by its Count (equally where Counts are missing).
func PooledSaturation(gs []GateSaturation) (low, high float64) {
	total := 0.0
	for _, g := range gs {
		w := float64(max(g.Count, 1))
		low, high, total = low+w*g.Low, high+w*g.High, total+w
	}
	if total == 0 {
		return 0, 0
	}
	return low / total, high / total
}
