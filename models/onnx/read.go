package onnx

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
)

// maxModelBytes is the largest model file accepted (protobuf's own limit is 2 GiB).
const maxModelBytes = 2 << 30

// Opsets of the default ONNX domain that the importer reads.
const (
	minOpset = 1
	maxOpset = 21
)

// Load reads the ONNX model at path; see Read.
func Load(path string) (*models.Net, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: %v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > maxModelBytes {
		return nil, fmt.Errorf("onnx: %s: file of %d bytes is larger than %d", path, st.Size(), maxModelBytes)
	} else if err == nil {
		// The bytes, the decoded protobuf and the net's float32 weights: about three times the file.
		if err := memcap.Check(fmt.Sprintf("importing a %s ONNX file", memcap.Format(st.Size())), memcap.Mul(st.Size(), 3)); err != nil {
			return nil, fmt.Errorf("onnx: %s: %w", path, err)
		}
	}
	return Read(f, path)
}

// Read imports the ONNX model read from r; name (usually the file name) appears in errors and in
// Net.Meta["source"]. The graph must have one float input whose first dimension is the batch
// (symbolic or fixed) and one output; the rest of the input shape is the sample shape, which
// becomes Net.Input: [C,H,W] as is, [D] as [D,1,1] followed by a flatten, [A,B] as [A,1,B]
// followed by a reshape (higher ranks likewise as [A·…,H,W]). Every operator is mapped
// onto models' node vocabulary (see Supported). Anything that cannot be mapped exactly — an
// unsupported operator or attribute, a constant that varies along the batch, a truncated or
// malformed file — gives one error that lists every problem found, with node names.
func Read(r io.Reader, name string) (*models.Net, error) {
	return read(r, name, options{})
}

// options are import settings used by the conformance tests.
type options struct {
	// unbatched treats the whole input tensor as one sample (no batch dimension), so that ONNX's
	// node tests of ops along axis 0 can run through the Net forward pass.
	unbatched bool
}

func read(r io.Reader, name string, opt options) (*models.Net, error) {
	// The import takes about three times the bytes read: read no more than a third of the memory cap.
	limit := int64(maxModelBytes)
	if c, _, err := memcap.Limit(); err == nil && c > 0 && c/3 < limit {
		limit = c / 3
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %v", name, err)
	}
	if int64(len(data)) > limit {
		if limit < maxModelBytes {
			err := memcap.Check(fmt.Sprintf("importing an ONNX file of more than %s", memcap.Format(limit)), memcap.Mul(limit+1, 3))
			return nil, fmt.Errorf("onnx: %s: %w", name, err)
		}
		return nil, fmt.Errorf("onnx: %s: larger than %d bytes", name, maxModelBytes)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("onnx: %s: not an ONNX model (truncated or corrupt protobuf): %v", name, err)
	}
	return fromModel(&m, name, opt)
}

// fromModel imports a decoded model.
func fromModel(m *pb.ModelProto, name string, opt options) (*models.Net, error) {
	g := m.GetGraph()
	if g == nil || len(g.GetNode()) == 0 {
		return nil, fmt.Errorf("onnx: %s: not an ONNX model: no graph nodes", name)
	}
	opset, err := defaultOpset(m)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %v", name, err)
	}
	if err := checkOps(g); err != nil {
		return nil, fmt.Errorf("onnx: %s: %v", name, err)
	}
	b := &builder{opset: opset, batched: !opt.unbatched}
	net, err := b.build(g)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %v", name, err)
	}
	net.Arch = map[string]string{"arch": "onnx"}
	net.Meta = map[string]string{
		"source":   name,
		"format":   "onnx",
		"opset":    strconv.Itoa(opset),
		"producer": strings.TrimSpace(m.GetProducerName() + " " + m.GetProducerVersion()),
	}
	if gn := g.GetName(); gn != "" {
		net.Meta["graph"] = gn
	}
	return net, nil
}

func defaultOpset(m *pb.ModelProto) (int, error) {
	for _, o := range m.GetOpsetImport() {
		if d := o.GetDomain(); d == "" || d == "ai.onnx" {
			v := o.GetVersion()
			if v < minOpset || v > maxOpset {
				return 0, fmt.Errorf("opset %d is outside the supported range %d to %d", v, minOpset, maxOpset)
			}
			return int(v), nil
		}
	}
	if len(m.GetOpsetImport()) == 0 && m.GetIrVersion() > 0 && m.GetIrVersion() < 3 {
		return 1, fmt.Errorf("IR version %d without an opset is too old", m.GetIrVersion())
	}
	return 0, errors.New("no opset for the default ONNX domain")
}

// checkOps lists every operator of the graph the importer has no mapping for, with node names.
func checkOps(g *pb.GraphProto) error {
	missing := map[string][]string{}
	for k, n := range g.GetNode() {
		op := n.GetOpType()
		if d := n.GetDomain(); d == "" || d == "ai.onnx" {
			if folds[op] != nil || handlers[op] != nil {
				continue
			}
		} else {
			op = d + "." + op
		}
		missing[op] = append(missing[op], nodeLabel(n, k))
	}
	if len(missing) == 0 {
		return nil
	}
	ops := make([]string, 0, len(missing))
	for op := range missing {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	parts := make([]string, len(ops))
	for k, op := range ops {
		nodes := missing[op]
		more := ""
		if len(nodes) > 5 {
			more = fmt.Sprintf(" and %d more", len(nodes)-5)
			nodes = nodes[:5]
		}
		parts[k] = fmt.Sprintf("%s (%s%s)", op, strings.Join(nodes, ", "), more)
	}
	return fmt.Errorf("unsupported operators: %s", strings.Join(parts, "; "))
}

// nodeLabel names node k for messages: its name, else its first output, else its position.
func nodeLabel(n *pb.NodeProto, k int) string {
	if n.GetName() != "" {
		return strconv.Quote(n.GetName())
	}
	if out := n.GetOutput(); len(out) > 0 && out[0] != "" {
		return "producing " + strconv.Quote(out[0])
	}
	return fmt.Sprintf("#%d", k)
}
