package models

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// paramKey names one parameter tensor of a net.
type paramKey struct {
	node int
	name string
}

// paramStore holds a trainer's private copies of a net's parameters and batch-norm running
// statistics. Every gorgonia graph built from the store reads and writes these slices, so the
// training graph and the evaluation graph share weights without copying; copyTo publishes them.
type paramStore struct {
	data map[paramKey][]float32
	keys []paramKey // in node order, then by name
}

func newParamStore(n *Net) *paramStore {
	ps := &paramStore{data: map[paramKey][]float32{}}
	for i := range n.Nodes {
		for _, name := range sortedParamNames(n.Nodes[i].Params) {
			k := paramKey{i, name}
			ps.data[k] = append([]float32(nil), n.Nodes[i].Params[name].Data...)
			ps.keys = append(ps.keys, k)
		}
	}
	return ps
}

// copyTo writes the store's values into n's parameter tensors (n must be the net it came from).
func (ps *paramStore) copyTo(n *Net) {
	for _, k := range ps.keys {
		copy(n.Nodes[k.node].Params[k.name].Data, ps.data[k])
	}
}

// learnable reports whether parameter name of op is trained by gradient descent (batch-norm
// running statistics and normalisation constants are not).
func learnable(op Op, name string) bool {
	switch op {
	case OpDense, OpConv:
		return name == "weight" || name == "bias"
	case OpBatchNorm:
		return name == "gamma" || name == "beta"
	}
	return false
}

// gLearnable is one trained tensor: its gorgonia node, its values (in the store) and, in a
// training graph, the node of its gradient.
type gLearnable struct {
	key  paramKey
	node *G.Node
	data []float32
	grad *G.Node
}

// gSigmoid is a sigmoid node whose outputs are watched for saturation.
type gSigmoid struct {
	node int
	name string
	op   *layerOp
}

// gGraph is a gorgonia expression graph of a Net for a fixed batch size, in training mode
// (batch-norm on batch statistics, loss and gradients) or inference mode (logits only).
type gGraph struct {
	g            *G.ExprGraph
	batch        int
	xData, tData []float32 // the input batch [B,C,H,W] and targets [B,K], written in place
	logits       *layerOp
	loss         *G.Node
	lossK        *softmaxXentKernel
	learn        []gLearnable
	sigmoids     []gSigmoid
	vm           G.VM
}

// buildGGraph translates n node by node into gorgonia ops backed by ps. Training graphs also get
// the loss against the target distributions and symbolic gradients of every learnable tensor.
func buildGGraph(n *Net, ps *paramStore, batch int, training bool) (*gGraph, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	gg := &gGraph{g: G.NewGraph(), batch: batch}
	withBatch := func(s []int) []int { return append([]int{batch}, s...) }
	gg.xData = make([]float32, batch*n.InputSize())
	nodes := make([]*G.Node, len(n.Nodes))
	nodes[0] = G.NewTensor(gg.g, tensor.Float32, 4, G.WithName("x"), G.WithShape(withBatch(shapes[0])...),
		G.WithValue(tensor.New(tensor.WithShape(withBatch(shapes[0])...), tensor.WithBacking(gg.xData))))
	grad := make([]bool, len(n.Nodes)) // whether the node's output depends on a learnable tensor
	for i := 1; i < len(n.Nodes); i++ {
		nd := &n.Nodes[i]
		name := fmt.Sprintf("%d.%s", i, nd.Name)
		in, out := shapes[nd.Inputs[0]], shapes[i]
		inGrad := training && grad[nd.Inputs[0]]
		args := []*G.Node{nodes[nd.Inputs[0]]}
		for _, pn := range []string{"weight", "bias", "gamma", "beta"} {
			if nd.Params[pn] == nil || !learnable(nd.Op, pn) {
				continue
			}
			k := paramKey{i, pn}
			d := ps.data[k]
			s := nd.Params[pn].Shape
			pnode := G.NewTensor(gg.g, tensor.Float32, len(s), G.WithName(name+"."+pn), G.WithShape(s...),
				G.WithValue(tensor.New(tensor.WithShape(s...), tensor.WithBacking(d))))
			args = append(args, pnode)
			gg.learn = append(gg.learn, gLearnable{key: k, node: pnode, data: d})
			grad[i] = training
		}
		var k layerKernel
		switch nd.Op {
		case OpNormalize:
			k = &normalizeKernel{batch: batch, channels: in[0], plane: shapeSize(in) / in[0],
				mean: nd.Params["mean"].Data, std: nd.Params["std"].Data}
		case OpFlatten, OpReshape:
			k = &copyKernel{inputGrad: inGrad}
		case OpDense:
			k = &denseKernel{batch: batch, in: shapeSize(in), out: out[0], bias: nd.Params["bias"] != nil, inputGrad: inGrad}
		case OpConv:
			if nd.Attr.groups() != 1 {
				return nil, fmt.Errorf("models: training: node %d %q: grouped convolution is not supported", i, nd.Name)
			}
			k = newConvKernel(batch, in, out, nd, training, inGrad)
		case OpBatchNorm:
			k = newBNKernel(batch, in, nd, ps.data[paramKey{i, "mean"}], ps.data[paramKey{i, "var"}], training, inGrad)
		case OpReLU, OpLeakyReLU, OpSigmoid, OpTanh, OpGELU:
			k = &activationKernel{op: nd.Op, alpha: nd.Attr.Alpha, inputGrad: inGrad}
		case OpMaxPool, OpAvgPool:
			k = newPoolKernel(batch, in, out, nd, inGrad)
		case OpGlobalAvgPool:
			k = &globalPoolKernel{planes: batch * in[0], plane: in[1] * in[2], inputGrad: inGrad}
		case OpAdd, OpMul:
			b := nd.Inputs[1]
			args = append(args, nodes[b])
			k = newBroadcastKernel(nd.Op, batch, out, in, shapes[b], inGrad, training && grad[b])
			grad[i] = grad[i] || (training && grad[b])
		default:
			return nil, fmt.Errorf("models: training: node %d %q: op %q is not supported", i, nd.Name, nd.Op)
		}
		grad[i] = grad[i] || inGrad
		node, op, err := applyLayer(name, k, withBatch(out), args...)
		if err != nil {
			return nil, err
		}
		nodes[i] = node
		if nd.Op == OpSigmoid {
			gg.sigmoids = append(gg.sigmoids, gSigmoid{node: i, name: nd.Name, op: op})
		}
		if i == len(n.Nodes)-1 {
			gg.logits = op
		}
	}
	last := nodes[len(nodes)-1]
	if len(last.Shape()) != 2 {
		// The logits node is flat per sample by Shapes' class check only when it is a vector; reshape.
		flat, op, err := applyLayer("logits", &copyKernel{inputGrad: training}, []int{batch, n.Classes}, last)
		if err != nil {
			return nil, err
		}
		last, gg.logits = flat, op
	}
	if training {
		if len(gg.learn) == 0 {
			return nil, fmt.Errorf("models: training: the net has no trainable parameters")
		}
		gg.tData = make([]float32, batch*n.Classes)
		t := G.NewMatrix(gg.g, tensor.Float32, G.WithName("target"), G.WithShape(batch, n.Classes),
			G.WithValue(tensor.New(tensor.WithShape(batch, n.Classes), tensor.WithBacking(gg.tData))))
		gg.lossK = newSoftmaxXentKernel(batch, n.Classes)
		if gg.loss, _, err = applyLayer("loss", gg.lossK, nil, last, t); err != nil {
			return nil, err
		}
		wrt := make(G.Nodes, len(gg.learn))
		for j := range gg.learn {
			wrt[j] = gg.learn[j].node
		}
		grads, err := G.Grad(gg.loss, wrt...)
		if err != nil {
			return nil, fmt.Errorf("models: training: gradients: %v", err)
		}
		for j := range gg.learn {
			gg.learn[j].grad = grads[j]
		}
	}
	gg.vm = G.NewTapeMachine(gg.g)
	return gg, nil
}

// run executes the graph once on the batch in xData (and tData).
func (gg *gGraph) run() error {
	defer gg.vm.Reset()
	if err := gg.vm.RunAll(); err != nil {
		return fmt.Errorf("models: gorgonia: %v", err)
	}
	return nil
}

// gradient returns the values of learnable j's gradient after run.
func (gg *gGraph) gradient(j int) ([]float32, error) {
	v := gg.learn[j].grad.Value()
	if v == nil {
		return nil, fmt.Errorf("models: gorgonia: no gradient value for %s", gg.learn[j].node.Name())
	}
	return float32Of(v)
}

// close releases the tape machine.
func (gg *gGraph) close() {
	if gg.vm != nil {
		gg.vm.Close()
	}
}

func sortedParamNames(p map[string]*Tensor) []string {
	names := make([]string, 0, len(p))
	for name := range p {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
