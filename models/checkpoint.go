package models

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
)

// Checkpoints are safetensors files (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length, a JSON header, then the raw little-endian float32 data. Every
// parameter is one F32 tensor named "<node index>.<node name>.<param>"; the header's
// __metadata__ holds "format" (checkpointFormat), "graph" (the nodes, their inputs, attributes,
// parameter shapes and whether they are fixed, the input shape and class count as JSON), "arch" and "meta" (Net.Arch and
// Net.Meta as JSON objects). Python's safetensors opens them as an ordinary state dict.

const (
	checkpointFormat = "surfscope/1"
	maxHeaderBytes   = 64 << 20
	readChunk        = 1 << 20
)

type graphJSON struct {
	Input   [3]int     `json:"input"`
	Classes int        `json:"classes"`
	Nodes   []nodeJSON `json:"nodes"`
}

type nodeJSON struct {
	Name   string           `json:"name"`
	Op     Op               `json:"op"`
	Inputs []int            `json:"inputs,omitempty"`
	Attr   *attrJSON        `json:"attr,omitempty"`
	Params map[string][]int `json:"params,omitempty"` // shapes
	Fixed  bool             `json:"fixed,omitempty"`  // Node.Fixed
}

// attrJSON mirrors Attr field by field with names for the file.
type attrJSON struct {
	Kernel   [2]int  `json:"kernel"`
	Stride   [2]int  `json:"stride"`
	Pad      [4]int  `json:"pad"`
	Dilation [2]int  `json:"dilation"`
	Groups   int     `json:"groups"`
	Alpha    float32 `json:"alpha"`
	Eps      float32 `json:"eps"`
	Meta     string  `json:"meta"`
	Shape    []int   `json:"shape"`
	Min      float32 `json:"min"`
	Max      float32 `json:"max"`
	Axis     int     `json:"axis"`
}

type tensorJSON struct {
	Dtype   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

func tensorName(i int, nd *Node, param string) string {
	return strconv.Itoa(i) + "." + nd.Name + "." + param
}

// Save writes n to path as a safetensors checkpoint, through a temporary file in the same folder
// that is renamed over path once complete, so a failed or interrupted save never leaves a partial
// file under path.
func Save(path string, n *Net) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("models: save %s: %v", path, err)
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { return Encode(w, n) }); err != nil {
		return fmt.Errorf("models: save %w", err) // the error begins with path
	}
	return nil
}

// Encode writes n in the safetensors checkpoint format to w.
func Encode(w io.Writer, n *Net) error {
	g := graphJSON{Input: n.Input, Classes: n.Classes}
	header := map[string]any{}
	var offset int64
	type entry struct {
		name string
		t    *Tensor
	}
	var order []entry
	for i := range n.Nodes {
		nd := &n.Nodes[i]
		nj := nodeJSON{Name: nd.Name, Op: nd.Op, Inputs: nd.Inputs, Fixed: nd.Fixed}
		if !reflect.DeepEqual(nd.Attr, Attr{}) {
			a := attrJSON(nd.Attr)
			nj.Attr = &a
		}
		for _, p := range slices.Sorted(maps.Keys(nd.Params)) {
			t := nd.Params[p]
			if nj.Params == nil {
				nj.Params = map[string][]int{}
			}
			nj.Params[p] = t.Shape
			name := tensorName(i, nd, p)
			size := int64(len(t.Data)) * 4
			header[name] = tensorJSON{Dtype: "F32", Shape: nonNil(t.Shape), Offsets: [2]int64{offset, offset + size}}
			offset += size
			order = append(order, entry{name, t})
		}
		g.Nodes = append(g.Nodes, nj)
	}
	graph, err := json.Marshal(g)
	if err != nil {
		return err
	}
	arch, _ := json.Marshal(nonNilMap(n.Arch))
	meta, _ := json.Marshal(nonNilMap(n.Meta))
	header["__metadata__"] = map[string]string{"format": checkpointFormat, "graph": string(graph),
		"arch": string(arch), "meta": string(meta)}
	h, err := json.Marshal(header)
	if err != nil {
		return err
	}
	// Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	var size [8]byte
	binary.LittleEndian.PutUint64(size[:], uint64(len(h)))
	if _, err := w.Write(size[:]); err != nil {
		return err
	}
	if _, err := w.Write(h); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, e := range order {
		for _, v := range e.t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err = w.Write(buf)
	return err
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Load reads a checkpoint written by Save. It checks the header, that every tensor is F32 with the
// shape its node declares, that the data fills the file exactly, and that the net is consistent
// with finite weights (Net.Validate); errors name the file.
func Load(path string) (*Net, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("models: load checkpoint: %v", err)
	}
	defer f.Close()
	n, err := decode(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("models: checkpoint %s: %v", path, err)
	}
	return n, nil
}

// Decode reads a checkpoint from r (see Load). It never allocates much more than the bytes it has
// actually read, whatever the header claims.
func Decode(r io.Reader) (*Net, error) {
	n, err := decode(r)
	if err != nil {
		return nil, fmt.Errorf("models: checkpoint: %v", err)
	}
	return n, nil
}

func decode(r io.Reader) (*Net, error) {
	meta, tensors, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if meta["format"] != checkpointFormat {
		return nil, fmt.Errorf("format %q, want %q", meta["format"], checkpointFormat)
	}
	var g graphJSON
	if err := json.Unmarshal([]byte(meta["graph"]), &g); err != nil {
		return nil, fmt.Errorf("graph metadata: %v", err)
	}
	n := &Net{Input: g.Input, Classes: g.Classes, Arch: map[string]string{}, Meta: map[string]string{}}
	if err := json.Unmarshal([]byte(meta["arch"]), &n.Arch); err != nil {
		return nil, fmt.Errorf("arch metadata: %v", err)
	}
	if err := json.Unmarshal([]byte(meta["meta"]), &n.Meta); err != nil {
		return nil, fmt.Errorf("meta metadata: %v", err)
	}
	var slots []tensorSlot
	if n.Nodes, slots, err = graphNodes(g, tensors); err != nil {
		return nil, err
	}
	pos, err := readTensors(r, slots)
	if err != nil {
		return nil, err
	}
	var extra [1]byte
	if k, _ := io.ReadFull(r, extra[:]); k != 0 {
		return nil, fmt.Errorf("trailing data after byte %d of the tensor data", pos)
	}
	if err := n.Validate(); err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "models: "))
	}
	return n, nil
}

// readHeader reads the safetensors header: the __metadata__ strings and the tensors' entries.
func readHeader(r io.Reader) (meta map[string]string, tensors map[string]tensorJSON, err error) {
	var size [8]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, nil, fmt.Errorf("not a safetensors file: %v", truncated(err))
	}
	hlen := binary.LittleEndian.Uint64(size[:])
	if hlen < 2 || hlen > maxHeaderBytes {
		return nil, nil, fmt.Errorf("not a safetensors file: header length %d", hlen)
	}
	hb, err := readUpTo(r, int64(hlen))
	if err != nil {
		return nil, nil, fmt.Errorf("header: %v", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hb, &raw); err != nil {
		return nil, nil, fmt.Errorf("header is not JSON: %v", err)
	}
	if m, ok := raw["__metadata__"]; !ok {
		return nil, nil, fmt.Errorf("no __metadata__: not a surfscope checkpoint")
	} else if err := json.Unmarshal(m, &meta); err != nil {
		return nil, nil, fmt.Errorf("__metadata__: %v", err)
	}
	delete(raw, "__metadata__")
	tensors = map[string]tensorJSON{}
	for name, m := range raw {
		var t tensorJSON
		if err := json.Unmarshal(m, &t); err != nil {
			return nil, nil, fmt.Errorf("tensor %s: %v", name, err)
		}
		tensors[name] = t
	}
	return meta, tensors, nil
}

// tensorSlot is a parameter tensor whose data is still to be read.
type tensorSlot struct {
	name string
	t    *Tensor
	info tensorJSON
}

// graphNodes returns the nodes the graph metadata describes, with a slot for every parameter
// tensor, checked against the header's entries (which must all belong to a node).
func graphNodes(g graphJSON, tensors map[string]tensorJSON) ([]Node, []tensorSlot, error) {
	var nodes []Node
	var slots []tensorSlot
	for i, nj := range g.Nodes {
		nd := Node{Name: nj.Name, Op: nj.Op, Inputs: nj.Inputs, Fixed: nj.Fixed}
		if nj.Attr != nil {
			nd.Attr = Attr(*nj.Attr)
		}
		for p, shape := range nj.Params {
			name := tensorName(i, &nd, p)
			info, ok := tensors[name]
			if !ok {
				return nil, nil, fmt.Errorf("tensor %s is missing", name)
			}
			delete(tensors, name)
			if info.Dtype != "F32" {
				return nil, nil, fmt.Errorf("tensor %s has dtype %s, want F32", name, info.Dtype)
			}
			if !slices.Equal(info.Shape, shape) {
				return nil, nil, fmt.Errorf("tensor %s has shape %v, the graph says %v", name, info.Shape, shape)
			}
			for _, d := range shape {
				if d < 0 || d > math.MaxInt32 {
					return nil, nil, fmt.Errorf("tensor %s has shape %v", name, shape)
				}
			}
			if info.Offsets[1]-info.Offsets[0] != int64(ShapeSize(shape))*4 {
				return nil, nil, fmt.Errorf("tensor %s: data offsets %v do not hold shape %v", name, info.Offsets, shape)
			}
			if nd.Params == nil {
				nd.Params = map[string]*Tensor{}
			}
			t := &Tensor{Shape: append([]int{}, shape...)}
			nd.Params[p] = t
			slots = append(slots, tensorSlot{name, t, info})
		}
		nodes = append(nodes, nd)
	}
	for name := range tensors {
		return nil, nil, fmt.Errorf("tensor %s belongs to no node of the graph", name)
	}
	return nodes, slots, nil
}

// readTensors reads the data of the slots, which must lie contiguously from byte 0 of the data
// section, and returns the end of the last.
func readTensors(r io.Reader, slots []tensorSlot) (int64, error) {
	sort.Slice(slots, func(a, b int) bool { return slots[a].info.Offsets[0] < slots[b].info.Offsets[0] })
	var pos int64
	for _, s := range slots {
		if s.info.Offsets[0] != pos {
			return 0, fmt.Errorf("tensor %s starts at byte %d, want %d (data must be contiguous)", s.name, s.info.Offsets[0], pos)
		}
		b, err := readUpTo(r, s.info.Offsets[1]-s.info.Offsets[0])
		if err != nil {
			return 0, fmt.Errorf("tensor %s: %v", s.name, err)
		}
		s.t.Data = make([]float32, len(b)/4)
		for i := range s.t.Data {
			s.t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		pos = s.info.Offsets[1]
	}
	return pos, nil
}

// readUpTo reads exactly n bytes, growing its buffer as data arrives so that a header claiming
// more data than the file holds fails at the end of the file rather than allocating first.
func readUpTo(r io.Reader, n int64) ([]byte, error) {
	var b []byte
	for int64(len(b)) < n {
		k := min(n-int64(len(b)), readChunk)
		start := len(b)
		b = append(b, make([]byte, k)...)
		if _, err := io.ReadFull(r, b[start:]); err != nil {
			return nil, truncated(err)
		}
	}
	return b, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("file is truncated")
	}
	return err
}
