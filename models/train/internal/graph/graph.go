package graph

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/surfscope/surfscope/models"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// key names one parameter tensor of a net.
type key struct {
	node int
	name string
}

// Store holds a trainer's private copies of a net's parameters and batch-norm running
// statistics. Every gorgonia graph built from the store reads and writes these slices, so the
// training graph and the evaluation graph share weights without copying; CopyTo publishes them.
type Store struct {
	data map[key][]float32
	keys []key // in node order, then by name
}

// NewStore copies the parameters of n into a new store.
func NewStore(n *models.Net) *Store {
	ps := &Store{data: map[key][]float32{}}
	for i := range n.Nodes {
		for _, name := range slices.Sorted(maps.Keys(n.Nodes[i].Params)) {
			k := key{i, name}
			ps.data[k] = append([]float32(nil), n.Nodes[i].Params[name].Data...)
			ps.keys = append(ps.keys, k)
		}
	}
	return ps
}

// CopyTo writes the store's values into n's parameter tensors (n must be the net it came from).
func (ps *Store) CopyTo(n *models.Net) {
	for _, k := range ps.keys {
		copy(n.Nodes[k.node].Params[k.name].Data, ps.data[k])
	}
}

// paramInput reports whether parameter pn of nd enters its kernel as an input: the learned
// ones, and the same tensors of a Fixed node (constants there, not trained).
func paramInput(nd *models.Node, pn string) bool {
	f := *nd
	f.Fixed = false
	return f.Learned(pn)
}

// Learnable is one trained tensor, Net.Nodes[Node].Params[Name]: Data holds its values (in the
// store, shared by every graph built from it).
type Learnable struct {
	Node int
	Name string
	Data []float32
	node *G.Node
	grad *G.Node // in a training graph, the node of its gradient
}

// Sigmoid is a sigmoid node, Net.Nodes[Node], whose outputs are watched for saturation.
type Sigmoid struct {
	Node int
	Name string
	op   *layerOp
}

// Values returns the node's outputs of the last run, [Batch][size per sample].
func (s *Sigmoid) Values() []float32 { return s.op.outData }

// Graph is a gorgonia expression graph of a Net for a fixed batch size, in training mode
// (batch-norm on batch statistics, loss and gradients) or inference mode (logits only).
type Graph struct {
	Batch int
	// X holds the input batch [Batch,C,H,W] and Targets the target distributions [Batch,K] (training
	// graphs only); write them in place before Run.
	X, Targets []float32
	// Learn lists the trained tensors in node order, then weight, bias, gamma, beta.
	Learn []Learnable
	// Sigmoids lists the sigmoid nodes in node order.
	Sigmoids []Sigmoid

	g      *G.ExprGraph
	logits *layerOp
	loss   *G.Node
	lossK  *softmaxXentKernel
	vm     G.VM
}

// Build translates n node by node into gorgonia ops backed by ps. Training graphs also get
// the loss against the target distributions and symbolic gradients of every learnable tensor.
func Build(n *models.Net, ps *Store, batch int, training bool) (*Graph, error) {
	shapes, err := n.Shapes()
	if err != nil {
		return nil, err
	}
	gg := &Graph{g: G.NewGraph(), Batch: batch}
	withBatch := func(s []int) []int { return append([]int{batch}, s...) }
	gg.X = make([]float32, batch*n.InputSize())
	nodes := make([]*G.Node, len(n.Nodes))
	nodes[0] = G.NewTensor(gg.g, tensor.Float32, 4, G.WithName("x"), G.WithShape(withBatch(shapes[0])...),
		G.WithValue(tensor.New(tensor.WithShape(withBatch(shapes[0])...), tensor.WithBacking(gg.X))))
	grad := make([]bool, len(n.Nodes)) // whether the node's output depends on a learnable tensor
	for i := 1; i < len(n.Nodes); i++ {
		nd := &n.Nodes[i]
		name := fmt.Sprintf("%d.%s", i, nd.Name)
		out := shapes[i]
		inGrad := training && grad[nd.Inputs[0]]
		args := []*G.Node{nodes[nd.Inputs[0]]}
		for _, pn := range []string{"weight", "bias", "gamma", "beta"} {
			if !paramInput(nd, pn) {
				continue
			}
			k := key{i, pn}
			d := ps.data[k]
			s := nd.Params[pn].Shape
			pnode := G.NewTensor(gg.g, tensor.Float32, len(s), G.WithName(name+"."+pn), G.WithShape(s...),
				G.WithValue(tensor.New(tensor.WithShape(s...), tensor.WithBacking(d))))
			args = append(args, pnode)
			if nd.Learned(pn) { // a Fixed node's parameters are inputs, not trained
				gg.Learn = append(gg.Learn, Learnable{Node: i, Name: pn, Data: d, node: pnode})
				grad[i] = training
			}
		}
		gradB := false
		if nd.Op == models.OpAdd || nd.Op == models.OpMul {
			args = append(args, nodes[nd.Inputs[1]])
			gradB = training && grad[nd.Inputs[1]]
			grad[i] = grad[i] || gradB
		}
		k, err := newKernel(nd, i, shapes, ps, batch, training, inGrad, gradB)
		if err != nil {
			return nil, err
		}
		grad[i] = grad[i] || inGrad
		node, op, err := applyLayer(name, k, withBatch(out), args...)
		if err != nil {
			return nil, err
		}
		nodes[i] = node
		if nd.Op == models.OpSigmoid {
			gg.Sigmoids = append(gg.Sigmoids, Sigmoid{Node: i, Name: nd.Name, op: op})
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
		if err := gg.addLoss(last, n.Classes); err != nil {
			return nil, err
		}
	}
	gg.vm = G.NewTapeMachine(gg.g)
	return gg, nil
}

// newKernel returns the kernel of node nd (node i of a net with the per-sample shapes shapes) over
// batches of batch samples. inGrad and gradB say whether the gradient with respect to its first
// and (add, mul) second input is wanted.
func newKernel(nd *models.Node, i int, shapes [][]int, ps *Store, batch int, training, inGrad, gradB bool) (layerKernel, error) {
	in, out := shapes[nd.Inputs[0]], shapes[i]
	switch nd.Op {
	case models.OpNormalize:
		return &normalizeKernel{batch: batch, channels: in[0], plane: models.ShapeSize(in) / in[0],
			mean: nd.Params["mean"].Data, std: nd.Params["std"].Data}, nil
	case models.OpFlatten, models.OpReshape:
		return &copyKernel{inputGrad: inGrad}, nil
	case models.OpDense:
		return &denseKernel{batch: batch, in: models.ShapeSize(in), out: out[0], bias: nd.Params["bias"] != nil, inputGrad: inGrad, fixed: nd.Fixed}, nil
	case models.OpConv:
		if nd.Attr.NumGroups() != 1 {
			return nil, fmt.Errorf("train: node %d %q: grouped convolution is not supported", i, nd.Name)
		}
		return newConvKernel(batch, in, out, nd, training, inGrad), nil
	case models.OpBatchNorm:
		return newBNKernel(batch, in, nd, ps.data[key{i, "mean"}], ps.data[key{i, "var"}], training, inGrad), nil
	case models.OpReLU, models.OpLeakyReLU, models.OpSigmoid, models.OpTanh, models.OpGELU:
		return &activationKernel{op: nd.Op, alpha: nd.Attr.Alpha, inputGrad: inGrad}, nil
	case models.OpMaxPool, models.OpAvgPool:
		return newPoolKernel(batch, in, out, nd, inGrad), nil
	case models.OpGlobalAvgPool:
		return &globalPoolKernel{planes: batch * in[0], plane: in[1] * in[2], inputGrad: inGrad}, nil
	case models.OpAdd, models.OpMul:
		return newBroadcastKernel(nd.Op, batch, out, in, shapes[nd.Inputs[1]], inGrad, gradB), nil
	}
	return nil, fmt.Errorf("train: node %d %q: op %q is not supported", i, nd.Name, nd.Op)
}

// addLoss adds the mean cross-entropy of the logits node against the targets, and the symbolic
// gradient of every learnable tensor.
func (gg *Graph) addLoss(logits *G.Node, classes int) error {
	if len(gg.Learn) == 0 {
		return fmt.Errorf("train: the net has no trainable parameters")
	}
	gg.Targets = make([]float32, gg.Batch*classes)
	t := G.NewMatrix(gg.g, tensor.Float32, G.WithName("target"), G.WithShape(gg.Batch, classes),
		G.WithValue(tensor.New(tensor.WithShape(gg.Batch, classes), tensor.WithBacking(gg.Targets))))
	gg.lossK = newSoftmaxXentKernel(gg.Batch, classes)
	var err error
	if gg.loss, _, err = applyLayer("loss", gg.lossK, nil, logits, t); err != nil {
		return err
	}
	wrt := make(G.Nodes, len(gg.Learn))
	for j := range gg.Learn {
		wrt[j] = gg.Learn[j].node
	}
	grads, err := G.Grad(gg.loss, wrt...)
	if err != nil {
		return fmt.Errorf("train: gradients: %v", err)
	}
	for j := range gg.Learn {
		gg.Learn[j].grad = grads[j]
	}
	return nil
}

// Run executes the graph once on the batch in X (and Targets).
func (gg *Graph) Run() error {
	defer gg.vm.Reset()
	if err := gg.vm.RunAll(); err != nil {
		return fmt.Errorf("train: gorgonia: %v", err)
	}
	return nil
}

// Gradient returns the values of the gradient of the loss with respect to Learn[j] after Run, in
// a training graph.
func (gg *Graph) Gradient(j int) ([]float32, error) {
	v := gg.Learn[j].grad.Value()
	if v == nil {
		return nil, fmt.Errorf("train: gorgonia: no gradient value for %s", gg.Learn[j].node.Name())
	}
	return float32Of(v)
}

// Loss returns the loss of the last Run of a training graph (NaN if it has none).
func (gg *Graph) Loss() float64 {
	v, err := scalarOf(gg.loss.Value())
	if err != nil {
		return math.NaN()
	}
	return float64(v)
}

// Logits returns the logits of the last Run, [Batch][K].
func (gg *Graph) Logits() []float32 { return gg.logits.outData }

// Close releases the tape machine.
func (gg *Graph) Close() {
	if gg.vm != nil {
		gg.vm.Close()
	}
}
