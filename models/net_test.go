package models

import (
	"bytes"
	"reflect"
	"testing"
)

// Clone is deep: changing the copy's parameters, inputs, attributes and maps leaves the original
// as it was, and an unchanged copy equals the original.
func TestNetCloneIsDeep(t *testing.T) {
	n, err := NewResNet(ResNetConfig{Input: [3]int{1, 8, 8}, Classes: 3, Shortcut: ShortcutGate, SE: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	n.Nodes = append(n.Nodes, Node{Op: OpReshape, Inputs: []int{len(n.Nodes) - 1}, Attr: Attr{Shape: []int{3}}})
	var before bytes.Buffer
	if err := Encode(&before, n); err != nil {
		t.Fatal(err)
	}
	c := n.Clone()
	if !reflect.DeepEqual(c, n) {
		t.Fatal("the clone differs from the original")
	}
	for i := range c.Nodes {
		for _, p := range c.Nodes[i].Params {
			p.Data[0]++
		}
		if len(c.Nodes[i].Inputs) > 0 {
			c.Nodes[i].Inputs[0] = -1
		}
	}
	c.Nodes[len(c.Nodes)-1].Attr.Shape[0] = 7
	c.Arch["arch"], c.Meta["dataset"] = "changed", "changed"
	if reflect.DeepEqual(c, n) {
		t.Fatal("changing the clone changed nothing")
	}
	var after bytes.Buffer
	if err := Encode(&after, n); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Error("the original changed with its clone")
	}
}
