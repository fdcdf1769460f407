package onnx_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"codeberg.org/sbinet/npyio"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/onnx"
)

// Fixtures made by testdata/make_fixtures.py with PyTorch: every model must load and give
// PyTorch's logits within 1e-4 on random images, a data plane, a mixup line and flipped images,
// through Net.ForwardReference and through the fast infer.Evaluator.

const fixtureTol = 1e-4

type manifest struct {
	Rows     map[string][2]int `json:"rows"`
	Fixtures []struct {
		Model    string `json:"model"`
		Inputs   string `json:"inputs"`
		Logits   string `json:"logits"`
		BNFolded bool   `json:"bn_folded"`
	} `json:"fixtures"`
}

func readManifest(t *testing.T) manifest {
	t.Helper()
	data, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readNpy(t *testing.T, name string) ([]float32, []int) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := npyio.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var data []float32
	if err := r.Read(&data); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return data, r.Header.Descr.Shape
}

func TestFixturesMatchPyTorch(t *testing.T) {
	m := readManifest(t)
	if len(m.Fixtures) < 14 {
		t.Fatalf("%d fixtures, want the 14 of make_fixtures.py", len(m.Fixtures))
	}
	for _, fx := range m.Fixtures {
		t.Run(fx.Model, func(t *testing.T) {
			net, err := onnx.Load(filepath.Join("testdata", fx.Model))
			if err != nil {
				t.Fatal(err)
			}
			x, xs := readNpy(t, fx.Inputs)
			want, ws := readNpy(t, fx.Logits)
			if !slices.Equal(net.Input[:], xs[1:]) || net.NumClasses() != ws[1] {
				t.Fatalf("net takes %v and gives %d logits; inputs are %v, logits %v", net.Input, net.NumClasses(), xs, ws)
			}
			bn := slices.ContainsFunc(net.Nodes, func(nd models.Node) bool {
				return nd.Op == models.OpBatchNorm && nd.Attr.Meta == ""
			})
			if bn == fx.BNFolded {
				t.Errorf("batch norm nodes present: %v, but the export folded them: %v", bn, fx.BNFolded)
			}
			per, k := net.InputSize(), net.NumClasses()
			worst := 0.0
			for row := range xs[0] {
				got, err := net.ForwardReference(x[row*per : (row+1)*per])
				if err != nil {
					t.Fatal(err)
				}
				for c := range k {
					d := math.Abs(float64(got[c] - want[row*k+c]))
					worst = max(worst, d)
					if d > fixtureTol {
						t.Fatalf("row %d (%s) logit %d: %v, PyTorch %v", row, rowKind(m, row), c, got[c], want[row*k+c])
					}
				}
			}
			e, err := infer.New(net)
			if err != nil {
				t.Fatal(err)
			}
			fast := e.Forward(nil, x, xs[0])
			worstFast := 0.0
			for k, v := range fast {
				d := math.Abs(float64(v - want[k]))
				worstFast = max(worstFast, d)
				if d > fixtureTol {
					t.Fatalf("Evaluator: row %d (%s) logit %d: %v, PyTorch %v", k/net.NumClasses(), rowKind(m, k/net.NumClasses()), k%net.NumClasses(), v, want[k])
				}
			}
			t.Logf("%d nodes, %d params; largest logit difference to PyTorch over %d inputs: %.2g (ForwardReference), %.2g (Evaluator)",
				len(net.Nodes), net.NumParams(), xs[0], worst, worstFast)
		})
	}
}

func rowKind(m manifest, row int) string {
	for kind, r := range m.Rows {
		if row >= r[0] && row < r[1] {
			return kind
		}
	}
	return "?"
}

// The flipped rows must be the random images with W reversed: the [N,C,H,W] layout DESIGN.md
// fixes, as PyTorch saw it.
func TestFixtureInputsLayout(t *testing.T) {
	m := readManifest(t)
	for _, name := range []string{"inputs_mnist.npy", "inputs_cifar.npy"} {
		x, s := readNpy(t, name)
		c, h, w := s[1], s[2], s[3]
		img := c * h * w
		r, f := m.Rows["random"], m.Rows["flip"]
		for i := range r[1] - r[0] {
			a, b := x[(r[0]+i)*img:], x[(f[0]+i)*img:]
			for p := range c * h {
				for q := range w {
					if a[p*w+q] != b[p*w+w-1-q] {
						t.Fatalf("%s: row %d is not row %d flipped", name, f[0]+i, r[0]+i)
					}
				}
			}
		}
	}
}

// Imported nets must survive a surfscope checkpoint: same graph, same logits, bit for bit.
func TestFixturesCheckpointRoundTrip(t *testing.T) {
	m := readManifest(t)
	for _, fx := range m.Fixtures {
		net, err := onnx.Load(filepath.Join("testdata", fx.Model))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := models.Encode(&buf, net); err != nil {
			t.Fatalf("%s: %v", fx.Model, err)
		}
		back, err := models.Decode(&buf)
		if err != nil {
			t.Fatalf("%s: %v", fx.Model, err)
		}
		x, _ := readNpy(t, fx.Inputs)
		x = x[:net.InputSize()]
		a, err := net.ForwardReference(x)
		if err != nil {
			t.Fatal(err)
		}
		b, err := back.ForwardReference(x)
		if err != nil {
			t.Fatalf("%s after a checkpoint: %v", fx.Model, err)
		}
		if !slices.Equal(a, b) || back.Meta["source"] != net.Meta["source"] {
			t.Errorf("%s: logits %v after a checkpoint, %v before (meta %v)", fx.Model, b, a, back.Meta)
		}
	}
}
