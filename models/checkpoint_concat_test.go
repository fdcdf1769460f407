package models_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// Checkpoints keep the new ops, the concatenation axis and the inputs: the decoded net gives
// the same logits bit for bit, and the graph JSON spells the axis out.
func TestCheckpointConcatLogSoftmax(t *testing.T) {
	n := nettest.DenseNet(t, 66, models.OpReLU, true)
	b := nettest.NewBuilder(67, 2, 3, 4)
	b.Op(models.OpFlatten, b.Concat(2, 0, b.Op(models.OpSigmoid, 0), 0))
	nets := []*models.Net{n, b.Net(t)}
	for k, n := range nets {
		var buf bytes.Buffer
		if err := models.Encode(&buf, n); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(buf.Bytes(), []byte(`\"op\":\"concat\"`)) {
			t.Fatalf("net %d: the checkpoint header has no concat node", k)
		}
		if k == 1 && !bytes.Contains(buf.Bytes(), []byte(`\"axis\":2`)) {
			t.Fatalf("net %d: the checkpoint header does not record axis 2", k)
		}
		back, err := models.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for i, nd := range n.Nodes {
			bd := back.Nodes[i]
			if bd.Op != nd.Op || !slices.Equal(bd.Inputs, nd.Inputs) || bd.Attr.Axis != nd.Attr.Axis {
				t.Fatalf("net %d node %d: %s %v axis %d after a checkpoint, %s %v axis %d before",
					k, i, bd.Op, bd.Inputs, bd.Attr.Axis, nd.Op, nd.Inputs, nd.Attr.Axis)
			}
		}
		x := nettest.Inputs(14, 1, n.InputSize())
		want, err := n.ForwardReference(x)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.ForwardReference(x)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("net %d: logits %v after a checkpoint (%v), %v before", k, got, err, want)
		}
	}
}
