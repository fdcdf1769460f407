package onnx

import (
	"fmt"
	"sort"
	"strings"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
)

// attrs gives typed access to a node's attributes and remembers which ones an op read, so that an
// attribute the importer does not understand is reported instead of silently ignored. Getters
// record the first type error in err instead of returning it.
type attrs struct {
	m    map[string]*pb.AttributeProto
	used map[string]bool
	err  error
}

func newAttrs(list []*pb.AttributeProto) *attrs {
	a := &attrs{m: make(map[string]*pb.AttributeProto, len(list)), used: map[string]bool{}}
	for _, p := range list {
		a.m[p.GetName()] = p
	}
	return a
}

func (a *attrs) get(name string, want pb.AttributeProto_AttributeType) *pb.AttributeProto {
	a.used[name] = true
	p := a.m[name]
	if p == nil {
		return nil
	}
	if t := p.GetType(); t != want && t != pb.AttributeProto_UNDEFINED {
		if a.err == nil {
			a.err = fmt.Errorf("attribute %s is %s, want %s", name, t, want)
		}
		return nil
	}
	return p
}

func (a *attrs) has(name string) bool { return a.m[name] != nil }

// ignore marks attributes that do not change inference results (momentum, seed, ...).
func (a *attrs) ignore(names ...string) {
	for _, n := range names {
		a.used[n] = true
	}
}

func (a *attrs) Int(name string, def int64) int64 {
	if p := a.get(name, pb.AttributeProto_INT); p != nil {
		return p.GetI()
	}
	return def
}

func (a *attrs) Float(name string, def float32) float32 {
	if p := a.get(name, pb.AttributeProto_FLOAT); p != nil {
		return p.GetF()
	}
	return def
}

func (a *attrs) String(name, def string) string {
	if p := a.get(name, pb.AttributeProto_STRING); p != nil {
		return string(p.GetS())
	}
	return def
}

// Ints returns the list attribute, or nil when absent.
func (a *attrs) Ints(name string) []int64 {
	if p := a.get(name, pb.AttributeProto_INTS); p != nil {
		return p.GetInts()
	}
	return nil
}

func (a *attrs) Floats(name string) []float32 {
	if p := a.get(name, pb.AttributeProto_FLOATS); p != nil {
		return p.GetFloats()
	}
	return nil
}

func (a *attrs) Tensor(name string) *pb.TensorProto {
	if p := a.get(name, pb.AttributeProto_TENSOR); p != nil {
		return p.GetT()
	}
	return nil
}

// check returns the first type error, or an error naming the attributes no getter asked for.
func (a *attrs) check() error {
	if a.err != nil {
		return a.err
	}
	var extra []string
	for name := range a.m {
		if !a.used[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	return fmt.Errorf("attribute %s not supported", strings.Join(extra, ", "))
}
