package onnx

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/surfscope/surfscope/models/infer"
	"google.golang.org/protobuf/proto"
)

// ONNX's backend test suite, as Debian's libonnx-testdata installs it: one folder per case with
// model.onnx and test_data_set_*/{input,output}_*.pb. Every case whose operators the importer
// claims (Supported) is run: it must either import and match output_0 within 1e-4 (relative for
// values above 1) with both Net.ForwardReference and the fast infer.Evaluator, or be refused
// with an error. testdata/conformance.golden records the outcome
// of every case, so that a case that stops passing, or an op that starts being refused, fails
// the test; -update rewrites it.

var update = flag.Bool("update", false, "rewrite testdata/conformance.golden")

const conformanceTol = 1e-4

func testdataRoot(t *testing.T) string {
	for _, dir := range []string{os.Getenv("ONNX_TESTDATA"), "/usr/share/libonnx-testdata/data", "/usr/share/onnx/testdata/data"} {
		if dir == "" {
			continue
		}
		if st, err := os.Stat(filepath.Join(dir, "node")); err == nil && st.IsDir() {
			return dir
		}
	}
	t.Skip("ONNX backend test data not found: install Debian's libonnx-testdata or set ONNX_TESTDATA to its data folder")
	return ""
}

var suites = []string{"node", "pytorch-converted", "pytorch-operator", "simple"}

type caseResult struct {
	name   string // suite/case
	ops    []string
	status string // pass, refused, FAIL
	detail string
}

func TestConformance(t *testing.T) {
	root := testdataRoot(t)
	claimed := map[string]bool{}
	for _, op := range Supported() {
		claimed[op] = true
	}
	var results []caseResult
	for _, suite := range suites {
		dirs, _ := filepath.Glob(filepath.Join(root, suite, "test_*"))
		sort.Strings(dirs)
		for _, dir := range dirs {
			m, err := loadModel(filepath.Join(dir, "model.onnx"))
			if err != nil {
				continue
			}
			ops, ok := modelOps(m, claimed)
			if !ok {
				continue // uses an operator the importer does not claim
			}
			r := runCase(m, dir)
			r.name, r.ops = suite+"/"+filepath.Base(dir), ops
			if r.status == "FAIL" {
				t.Errorf("%s: %s", r.name, r.detail)
			}
			results = append(results, r)
		}
	}
	logSummary(t, results)
	checkGolden(t, results)
}

func loadModel(path string) (*pb.ModelProto, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m pb.ModelProto
	return &m, proto.Unmarshal(data, &m)
}

// modelOps returns the sorted op types of m's default domain, and whether all are claimed.
func modelOps(m *pb.ModelProto, claimed map[string]bool) ([]string, bool) {
	var ops []string
	for _, n := range m.GetGraph().GetNode() {
		if d := n.GetDomain(); (d != "" && d != "ai.onnx") || !claimed[n.GetOpType()] {
			return nil, false
		}
		if !slices.Contains(ops, n.GetOpType()) {
			ops = append(ops, n.GetOpType())
		}
	}
	sort.Strings(ops)
	return ops, len(ops) > 0
}

func readTensor(path string) (*pb.TensorProto, *constant, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var tp pb.TensorProto
	if err := proto.Unmarshal(data, &tp); err != nil {
		return nil, nil, err
	}
	c, err := decodeTensor(&tp)
	return &tp, c, err
}

// runCase imports the model once per test data set (graph inputs after the first become
// initializers holding that set's values), first with the batch as the first input axis, then
// with the whole input as one sample, and compares the forward pass with output_0.
func runCase(m *pb.ModelProto, dir string) caseResult {
	sets, _ := filepath.Glob(filepath.Join(dir, "test_data_set_*"))
	if len(sets) == 0 {
		return caseResult{status: "refused", detail: "no test data"}
	}
	for _, set := range sets {
		inputs, _ := filepath.Glob(filepath.Join(set, "input_*.pb"))
		sort.Strings(inputs)
		_, want, err := readTensor(filepath.Join(set, "output_0.pb"))
		if len(inputs) == 0 {
			return caseResult{status: "refused", detail: "the model has no input"}
		}
		if err != nil {
			return caseResult{status: "refused", detail: fmt.Sprintf("test data: %v", err)}
		}
		mm := proto.Clone(m).(*pb.ModelProto)
		g := mm.GetGraph()
		inits := map[string]bool{}
		for _, t := range g.GetInitializer() {
			inits[t.GetName()] = true
		}
		var x *constant
		k := 0
		for _, vi := range g.GetInput() {
			if inits[vi.GetName()] {
				continue
			}
			if k >= len(inputs) {
				break
			}
			tp, c, err := readTensor(inputs[k])
			if err != nil {
				return caseResult{status: "refused", detail: fmt.Sprintf("input %d: %v", k, err)}
			}
			if k == 0 {
				x = c
			} else {
				tp.Name = vi.GetName()
				g.Initializer = append(g.Initializer, tp)
			}
			k++
		}
		if x == nil || !x.float {
			return caseResult{status: "refused", detail: "the first input is not a float tensor"}
		}
		if !want.float {
			return caseResult{status: "refused", detail: "the output is not a float tensor"}
		}
		ref, fast, err := evalCase(mm, x)
		if err != nil {
			return caseResult{status: "refused", detail: err.Error()}
		}
		if msg := compare(ref, want.f); msg != "" {
			return caseResult{status: "FAIL", detail: filepath.Base(set) + ": ForwardReference: " + msg}
		}
		if msg := compare(fast, want.f); msg != "" {
			return caseResult{status: "FAIL", detail: filepath.Base(set) + ": Evaluator: " + msg}
		}
	}
	return caseResult{status: "pass"}
}

// evalCase imports mm batched, else unbatched, and runs ForwardReference on every sample of x,
// and the Evaluator on all of them at once.
func evalCase(mm *pb.ModelProto, x *constant) (ref, fast []float32, err error) {
	net, errBatched := fromModel(mm, "model.onnx", options{})
	samples := 1
	if errBatched == nil && len(x.shape) > 0 {
		samples = x.shape[0]
	} else {
		var errWhole error
		if net, errWhole = fromModel(mm, "model.onnx", options{unbatched: true}); errWhole != nil {
			return nil, nil, fmt.Errorf("batched: %v | whole: %v", errBatched, errWhole)
		}
	}
	if samples == 0 || len(x.f)%samples != 0 || len(x.f)/samples != net.InputSize() {
		return nil, nil, fmt.Errorf("input of shape %v does not fit the net input %v", x.shape, net.Input)
	}
	per := len(x.f) / samples
	for s := range samples {
		y, err := net.ForwardReference(x.f[s*per : (s+1)*per])
		if err != nil {
			return nil, nil, err
		}
		ref = append(ref, y...)
	}
	e, err := infer.New(net)
	if err != nil {
		return nil, nil, err
	}
	return ref, e.Forward(nil, x.f, samples), nil
}

func compare(got, want []float32) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d values, want %d", len(got), len(want))
	}
	for k := range want {
		g, w := float64(got[k]), float64(want[k])
		if math.IsNaN(w) && math.IsNaN(g) {
			continue
		}
		if !(math.Abs(g-w) <= conformanceTol*math.Max(1, math.Abs(w))) {
			return fmt.Sprintf("value %d is %v, want %v", k, g, w)
		}
	}
	return ""
}

func logSummary(t *testing.T, results []caseResult) {
	type count struct{ pass, refused, fail int }
	per := map[string]*count{}
	var total count
	for _, r := range results {
		for _, op := range r.ops {
			if per[op] == nil {
				per[op] = &count{}
			}
			c := per[op]
			switch r.status {
			case "pass":
				c.pass++
			case "refused":
				c.refused++
			default:
				c.fail++
			}
		}
		switch r.status {
		case "pass":
			total.pass++
		case "refused":
			total.refused++
		default:
			total.fail++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "claimed operators (%d): %s\n", len(Supported()), strings.Join(Supported(), " "))
	fmt.Fprintf(&b, "%-20s %6s %8s %6s\n", "operator", "passed", "refused", "failed")
	for _, op := range Supported() {
		c := per[op]
		if c == nil {
			fmt.Fprintf(&b, "%-20s %6s %8s %6s  (no test case uses only claimed operators)\n", op, "-", "-", "-")
			continue
		}
		note := ""
		switch {
		case op == "Erf":
			note = "  (only inside GELU's expansion; see the mlp fixtures)"
		case op == "Constant":
		case handlers[op] == nil, op == "Shape", op == "Cast":
			note = "  (folded on constants only (shape arithmetic); see the mlp and extras fixtures)"
		}
		fmt.Fprintf(&b, "%-20s %6d %8d %6d%s\n", op, c.pass, c.refused, c.fail, note)
	}
	fmt.Fprintf(&b, "cases: %d passed, %d refused, %d failed, of %d whose operators are all claimed",
		total.pass, total.refused, total.fail, len(results))
	t.Log("\n" + b.String())
}

const goldenPath = "testdata/conformance.golden"

func checkGolden(t *testing.T, results []caseResult) {
	var b strings.Builder
	b.WriteString("# ONNX backend test cases whose operators the importer claims; regenerate with go test -run Conformance -update\n")
	for _, r := range results {
		detail := r.detail
		if len(detail) > 160 {
			detail = detail[:160] + "..."
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\n", r.name, r.status, strings.ReplaceAll(detail, "\n", " "))
	}
	if *update {
		if err := os.WriteFile(goldenPath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	defer f.Close()
	old := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if f := strings.SplitN(sc.Text(), "\t", 3); len(f) >= 2 && !strings.HasPrefix(f[0], "#") {
			old[f[0]] = f[1]
		}
	}
	for _, r := range results {
		if s, ok := old[r.name]; !ok {
			t.Errorf("%s: %s, not in %s (run with -update)", r.name, r.status, goldenPath)
		} else if s != r.status {
			t.Errorf("%s: %s, was %s in %s: %s", r.name, r.status, s, goldenPath, r.detail)
		}
		delete(old, r.name)
	}
	for name := range old {
		t.Errorf("%s: in %s but no longer run", name, goldenPath)
	}
}
