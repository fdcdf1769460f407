package modelfile

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/assets/defaultmodel"
	"github.com/surfscope/surfscope/models"
)

func TestLoadEmbeddedByEitherName(t *testing.T) {
	a, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(Embedded)
	if err != nil {
		t.Fatal(err)
	}
	if a.NumParams() != b.NumParams() || a.Input != [3]int{1, 28, 28} || a.Classes != 10 {
		t.Fatalf("embedded model: %d and %d parameters, input %v, %d classes", a.NumParams(), b.NumParams(), a.Input, a.Classes)
	}
	if Describe("") != "the embedded model" || Describe("m.onnx") != "m.onnx" {
		t.Errorf("Describe: %q, %q", Describe(""), Describe("m.onnx"))
	}
}

// An ONNX MLP exported with flat [N,784] inputs is found by its extension and fitted to MNIST
// images; a CIFAR-shaped net is refused with both shapes named.
func TestLoadONNXAndFit(t *testing.T) {
	net, err := Load(filepath.Join("..", "onnx", "testdata", "mlp_op17.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Fit(net, [3]int{1, 28, 28}, "sample/test"); err != nil {
		t.Fatal(err)
	}
	if net.Input != [3]int{1, 28, 28} {
		t.Errorf("fitted input %v", net.Input)
	}
	emb, _ := Load(Embedded)
	err = Fit(emb, [3]int{3, 32, 32}, "cifar10/test")
	if err == nil || !strings.Contains(err.Error(), "1x28x28") || !strings.Contains(err.Error(), "cifar10/test has 3x32x32") {
		t.Errorf("fitting MNIST model to CIFAR: %v", err)
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.safetensors")
	os.WriteFile(bad, []byte("garbage"), 0o644)
	for _, path := range []string{bad, filepath.Join(dir, "missing.onnx")} {
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), filepath.Base(path)) {
			t.Errorf("Load(%s): %v", path, err)
		}
	}
}

// Identify hashes the file's bytes (as sha256sum does) and makes the path absolute; the embedded
// model is hashed from its checkpoint; an unsaved net from the checkpoint it would be saved as.
func TestIdentify(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	net, _ := Load(Embedded)
	if err := models.Save(path, net); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := sha256.Sum256(b)
	m, err := Identify(path)
	if err != nil || m.SHA256 != hex.EncodeToString(want[:]) || m.Path != path {
		t.Errorf("Identify(%s) = %+v, %v; want sha256 %x", path, m, err, want)
	}
	emb, _ := Identify("")
	embSum := sha256.Sum256(defaultmodel.Safetensors)
	if emb.Path != Embedded || emb.SHA256 != hex.EncodeToString(embSum[:]) {
		t.Errorf("Identify(embedded) = %+v", emb)
	}
	u, err := IdentifyUnsaved(net)
	if err != nil || u.Path != "unsaved" || u.SHA256 != m.SHA256 {
		t.Errorf("IdentifyUnsaved = %+v, %v; want the saved file's %s", u, err, m.SHA256)
	}
	if _, err := Identify(filepath.Join(dir, "missing.onnx")); err == nil || !strings.Contains(err.Error(), "missing.onnx") {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := Identify(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a folder: %v", err)
	}
}
