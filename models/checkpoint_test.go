package models

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"
)

// checkpointNet is a small net that uses every attribute field and awkward float values.
func checkpointNet(t *testing.T) *Net {
	t.Helper()
	n, err := NewMLP(MLPConfig{Input: [3]int{1, 4, 4}, Classes: 3, Hidden: []int{5}, Activation: OpGELU,
		Normalize: &[2]float32{0.1307, 0.3081}}, 7)
	if err != nil {
		t.Fatal(err)
	}
	w := n.Nodes[3].Params["weight"].Data
	w[0], w[1], w[2], w[3] = float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, math.MaxFloat32, -1e-38
	n.Nodes[2].Attr = Attr{Kernel: [2]int{1, 2}, Stride: [2]int{3, 4}, Pad: [4]int{5, 6, 7, 8}, Dilation: [2]int{9, 10},
		Groups: 11, Alpha: 0.5, Eps: 1e-3, Meta: "flat", Shape: []int{16}, Min: -1, Max: 2}
	n.Nodes[1].Fixed = true // the flag round-trips (a constant of an imported graph)
	n.Meta["history"] = `[{"epoch":1}]`
	return n
}

func TestCheckpointRoundTripIsBitExact(t *testing.T) {
	n := checkpointNet(t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Save(path, n); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(n, m) {
		t.Fatalf("round trip differs:\n%+v\n%+v", n, m)
	}
	for i := range n.Nodes {
		for p, tn := range n.Nodes[i].Params {
			for k, v := range tn.Data {
				if math.Float32bits(v) != math.Float32bits(m.Nodes[i].Params[p].Data[k]) {
					t.Fatalf("node %d %s[%d]: bits differ", i, p, k)
				}
			}
		}
	}
	// Saving again gives the same bytes.
	var a, b bytes.Buffer
	if err := Encode(&a, n); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("re-encoding a loaded checkpoint gives different bytes")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("save left %d files behind", len(entries))
	}
}

// rewriteHeader returns file with its JSON header changed by edit.
func rewriteHeader(t *testing.T, file []byte, edit func(h map[string]any)) []byte {
	t.Helper()
	hl := binary.LittleEndian.Uint64(file)
	var h map[string]any
	if err := json.Unmarshal(file[8:8+hl], &h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	nh, _ := json.Marshal(h)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(nh)))
	return append(append(out, nh...), file[8+hl:]...)
}

func TestLoadRejectsBadFiles(t *testing.T) {
	var good bytes.Buffer
	if err := Encode(&good, checkpointNet(t)); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	hl := binary.LittleEndian.Uint64(g)
	nanAt := len(g) - 4
	withNaN := append([]byte(nil), g...)
	binary.LittleEndian.PutUint32(withNaN[nanAt:], math.Float32bits(float32(math.NaN())))
	cases := map[string]struct {
		data []byte
		want string
	}{
		"truncated data":   {g[:len(g)-3], "truncated"},
		"truncated header": {g[:8+hl/2], "truncated"},
		"empty":            {nil, "truncated"},
		"huge header":      {binary.LittleEndian.AppendUint64(nil, 1<<40), "header length"},
		"nan weight":       {withNaN, "NaN"},
		"trailing":         {append(append([]byte(nil), g...), 0, 0, 0, 0), "trailing"},
		"wrong dtype": {rewriteHeader(t, g, func(h map[string]any) {
			h["3.fc1.weight"].(map[string]any)["dtype"] = "F16"
		}), "dtype F16"},
		"wrong shape": {rewriteHeader(t, g, func(h map[string]any) {
			h["3.fc1.weight"].(map[string]any)["shape"] = []int{16, 5}
		}), "shape"},
		"missing tensor": {rewriteHeader(t, g, func(h map[string]any) { delete(h, "3.fc1.bias") }), "missing"},
		"huge tensor": {rewriteHeader(t, g, func(h map[string]any) {
			// The last tensor claims 320 GB: reading must fail at the end of the file, not allocate.
			m := h["__metadata__"].(map[string]any)
			m["graph"] = strings.Replace(m["graph"].(string), `"weight":[3,5]`, `"weight":[5000000,16000]`, 1)
			w := h["5.out.weight"].(map[string]any)
			start := w["data_offsets"].([]any)[0].(float64)
			h["5.out.weight"] = map[string]any{"dtype": "F32", "shape": []int{5000000, 16000},
				"data_offsets": []int64{int64(start), int64(start) + 320000000000}}
		}), "5.out.weight: file is truncated"},
		"not surfscope": {rewriteHeader(t, g, func(h map[string]any) { delete(h, "__metadata__") }), "metadata"},
	}
	dir := t.TempDir()
	for name, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".safetensors")
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		t.Logf("%s: %v", name, err)
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not name the file and %q", name, err, c.want)
		}
	}
}

// A Go port of the reference safetensors reader (which checks offsets, sizes and dtypes as the
// Rust and Python ones do) reads every tensor of a checkpoint with its exact bytes.
func TestCheckpointReadableBySafetensorsPort(t *testing.T) {
	n := checkpointNet(t)
	var buf bytes.Buffer
	if err := Encode(&buf, n); err != nil {
		t.Fatal(err)
	}
	st, err := safetensors.Deserialize(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for i := range n.Nodes {
		for p, tn := range n.Nodes[i].Params {
			count++
			v, ok := st.Tensor(tensorName(i, &n.Nodes[i], p))
			if !ok {
				t.Fatalf("tensor %s not found", tensorName(i, &n.Nodes[i], p))
			}
			if v.DType().String() != "F32" || len(v.Shape()) != len(tn.Shape) {
				t.Fatalf("%s: dtype %v shape %v", tensorName(i, &n.Nodes[i], p), v.DType(), v.Shape())
			}
			for k, x := range tn.Data {
				if binary.LittleEndian.Uint32(v.Data()[4*k:]) != math.Float32bits(x) {
					t.Fatalf("%s[%d]: bytes differ", tensorName(i, &n.Nodes[i], p), k)
				}
			}
		}
	}
	if st.Len() != count {
		t.Errorf("%d tensors in the file, want %d", st.Len(), count)
	}
}

// Python reads the file with nothing but json and numpy, the way safetensors lays it out, and
// prints the sum of every tensor.
const pythonCheck = `
import json, struct, sys
import numpy as np
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n])
meta = h.pop("__metadata__")
data = b[8 + n:]
end = 0
for name, t in sorted(h.items(), key=lambda kv: kv[1]["data_offsets"][0]):
    s, e = t["data_offsets"]
    assert t["dtype"] == "F32" and s == end, name
    a = np.frombuffer(data[s:e], dtype="<f4").reshape(t["shape"])
    end = e
    print(name, repr(float(a.astype(np.float64).sum())))
assert end == len(data)
json.loads(meta["graph"])
print("arch", json.loads(meta["arch"])["arch"])
`

func TestCheckpointReadableFromPython(t *testing.T) {
	py := "/usr/bin/python3" // Debian's, with numpy
	if _, err := os.Stat(py); err != nil {
		if py, err = exec.LookPath("python3"); err != nil {
			t.Skip("no python3")
		}
	}
	if exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("python3 has no numpy")
	}
	n, err := NewMLP(MLPConfig{Input: [3]int{1, 4, 4}, Classes: 3, Hidden: []int{5}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Save(path, n); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", pythonCheck, path).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	want := map[string]float64{}
	for i := range n.Nodes {
		for p, tn := range n.Nodes[i].Params {
			s := 0.0
			for _, v := range tn.Data {
				s += float64(v)
			}
			want[tensorName(i, &n.Nodes[i], p)] = s
		}
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(want)+1 || lines[len(lines)-1] != "arch mlp" {
		t.Fatalf("python output:\n%s", out)
	}
	for _, l := range lines[:len(lines)-1] {
		var name string
		var sum float64
		f := strings.Fields(l)
		name = f[0]
		if err := json.Unmarshal([]byte(f[1]), &sum); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if w, ok := want[name]; !ok || math.Abs(w-sum) > 1e-9*(1+math.Abs(w)) {
			t.Errorf("tensor %s: python sum %v, want %v", name, sum, w)
		}
	}
}

// A ResNet of every shortcut kind survives a checkpoint: same graph, arch record and logits.
func TestCheckpointEveryShortcutKind(t *testing.T) {
	x := make([]float32, 16)
	for i := range x {
		x[i] = float32(i) / 16
	}
	for _, kind := range Shortcuts {
		n, err := NewResNet(ResNetConfig{Input: [3]int{1, 4, 4}, Classes: 3, Shortcut: kind, SE: true}, 2)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Encode(&buf, n); err != nil {
			t.Fatal(err)
		}
		m, err := Decode(&buf)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		a, _ := n.ForwardReference(x)
		b, _ := m.ForwardReference(x)
		if !reflect.DeepEqual(n, m) || !slices.Equal(a, b) || m.Arch["shortcut"] != string(kind) {
			t.Errorf("%s: the net differs after a checkpoint (arch %v)", kind, m.Arch)
		}
	}
}
