package main

import (
	"bytes"
	"compress/gzip"
	"image"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
)

// cli runs surfscope with args and returns its exit status, stdout and stderr.
func cli(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := cli(args...)
	if code != 0 {
		t.Fatalf("surfscope %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func TestDataCommand(t *testing.T) {
	out := mustRun(t, "data", "--data", "sample")
	for _, want := range []string{"4000 images", "1000 images", "1×28×28"} {
		if !strings.Contains(out, want) {
			t.Errorf("data output lacks %q:\n%s", want, out)
		}
	}
}

// TestSampleEqualsForwardPass checks the NPY file of `surfscope sample` against the reference forward
// pass of the same model on the probe's points, built independently here.
func TestSampleEqualsForwardPass(t *testing.T) {
	for _, probe := range []string{"data:3,7,11", "mixup:2,5", "flip:4,9", "random:1,3"} {
		out := filepath.Join(t.TempDir(), "grid.npy")
		mustRun(t, "sample", "--probe", probe, "--grid", "9", "--points", "13", "--out", out)
		shape, got, err := surface.ReadNPY(out)
		if err != nil {
			t.Fatal(err)
		}
		net, err := modelfile.Load("")
		if err != nil {
			t.Fatal(err)
		}
		set, err := dataset.Open("sample", "test")
		if err != nil {
			t.Fatal(err)
		}
		spec, _ := projection.ParseSpec(probe)
		p, err := spec.Build(net.Input, func(i int) ([]float32, error) { return set.Image(i), nil },
			projection.Sizes{Grid: 9, Points: 13})
		if err != nil {
			t.Fatal(err)
		}
		nx, ny := p.Dims()
		wantShape := []int{ny, nx, 10}
		if ny == 1 {
			wantShape = []int{nx, 10}
		}
		if len(shape) != len(wantShape) || shape[0] != wantShape[0] || shape[1] != wantShape[1] {
			t.Fatalf("%s: NPY shape %v, want %v", probe, shape, wantShape)
		}
		pt := make([]float32, net.InputSize())
		for k := 0; k < p.Len(); k++ {
			p.Point(pt, k)
			want, err := net.ForwardReference(pt)
			if err != nil {
				t.Fatal(err)
			}
			for c, w := range want {
				g := got[k*10+c]
				if math.Abs(float64(g-w)) > 1e-4*math.Max(1, math.Abs(float64(w))) {
					t.Fatalf("%s: point %d logit %d: sample wrote %g, forward pass gives %g", probe, k, c, g, w)
				}
			}
		}
	}
}

func TestEvalWithFlip(t *testing.T) {
	dir := t.TempDir()
	plain, flipped := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	out := mustRun(t, "eval", "--ids", "0-9,20", "--out", plain)
	if !strings.Contains(out, "of 11 correct") {
		t.Errorf("eval output: %s", out)
	}
	mustRun(t, "eval", "--ids", "0-9,20", "--flip", "--out", flipped)
	shape, a, _ := surface.ReadNPY(plain)
	_, b, _ := surface.ReadNPY(flipped)
	if len(shape) != 2 || shape[0] != 11 || shape[1] != 10 {
		t.Fatalf("shape %v, want [11 10]", shape)
	}
	net, _ := modelfile.Load("")
	set, _ := dataset.Open("sample", "test")
	want, _ := net.ForwardReference(projection.Flip(net.Input, set.Image(20)))
	for c := range want {
		if math.Abs(float64(b[10*10+c]-want[c])) > 1e-4 {
			t.Fatalf("flipped logit %d of image 20: %g, want %g", c, b[100+c], want[c])
		}
	}
	if a[100] == b[100] {
		t.Error("flipping did not change the logits")
	}
}

func TestTrainCommandWritesALoadableCheckpoint(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.safetensors")
	msg := mustRun(t, "train", "--data", "sample", "--limit", "200", "--hidden", "64", "--batch", "32", "--epochs", "60", "--out", out)
	if !strings.Contains(msg, "train accuracy 100.00%") {
		t.Errorf("200 images with 64 hidden units did not fit: %s", msg)
	}
	net, err := models.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if fit, ok, err := net.Fit(); !ok || err != nil || !fit.Fits || fit.String() != "yes" {
		t.Errorf("fit record %+v (%v, %v)", fit, ok, err)
	}
	if net.Arch["hidden"] != "64" || net.Meta["data"] != "sample" {
		t.Errorf("checkpoint records arch %v meta %v", net.Arch, net.Meta)
	}
	mustRun(t, "eval", "--model", out, "--ids", "0-3", "--out", filepath.Join(t.TempDir(), "e.npy"))
}

func TestRenderEveryProbeKind(t *testing.T) {
	for _, probe := range []string{"mixup:0,1", "flip:3,1", "random:2,2", "grad:4,1", "pca", "pca:5"} {
		out := filepath.Join(t.TempDir(), "shot.png")
		mustRun(t, "render", "--probe", probe, "--grid", "12", "--points", "20", "--width", "200", "--height", "150", "--samples", "1", "--out", out)
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("%s: %v", probe, err)
		}
	}
}

func TestRenderCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shot.png")
	mustRun(t, "render", "--probe", "data:0,1,2", "--grid", "24", "--width", "320", "--height", "200", "--out", out)
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 200 {
		t.Fatalf("picture is %v", b)
	}
	colours := map[uint32]bool{}
	for y := 0; y < 200; y += 3 {
		for x := 0; x < 320; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	if len(colours) < 30 {
		t.Fatalf("only %d colours: no surface", len(colours))
	}
}

// render writes the 2D views as SVG or PDF by the file's extension; a 3D surface it refuses with a
// hint.
func TestRenderVector(t *testing.T) {
	dir := t.TempDir()
	for out, head := range map[string]string{"heat.svg": "<?xml", "heat.pdf": "%PDF-"} {
		path := filepath.Join(dir, out)
		mustRun(t, "render", "--probe", "data:0,1,2", "--grid", "12", "--view", "heatmap", "--width", "400", "--height", "300", "--out", path)
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte(head)) {
			t.Fatalf("%s: %.20q, %v", out, b, err)
		}
	}
	mustRun(t, "render", "--probe", "mixup:0,1", "--points", "11", "--out", filepath.Join(dir, "line.pdf"))
	var stdout, stderr bytes.Buffer
	if code := run([]string{"render", "--grid", "8", "--out", filepath.Join(dir, "surface.svg")}, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "--view heatmap") {
		t.Errorf("3D surface to SVG: exit %d, %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "surface.svg")); err == nil {
		t.Error("a refused SVG was written")
	}
}

// TestErrors checks that bad input gives one clear line and a non-zero exit, never a panic.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	// A folder with a truncated MNIST image file.
	bad := filepath.Join(dir, "badmnist")
	os.Mkdir(bad, 0o755)
	writeGz(t, filepath.Join(bad, "t10k-images-idx3-ubyte.gz"), []byte{0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3})
	writeGz(t, filepath.Join(bad, "t10k-labels-idx1-ubyte.gz"), []byte{0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0})
	notModel := filepath.Join(dir, "model.safetensors")
	os.WriteFile(notModel, []byte("garbage"), 0o644)
	npy := filepath.Join(dir, "x.npy")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sample", "--probe", "data:0,1", "--out", npy}, 1, "data takes 3 numbers"},
		{[]string{"sample", "--probe", "data:0,1,99999", "--out", npy}, 1, "out of range"},
		{[]string{"sample", "--grid", "100000", "--out", npy}, 2, "--grid 100000: want 2 to 4096"},
		{[]string{"sample"}, 2, "--out is required"},
		{[]string{"sample", "--data", bad, "--out", npy}, 1, "t10k-images-idx3-ubyte.gz"},
		{[]string{"eval", "--model", notModel, "--out", npy}, 1, "model.safetensors"},
		{[]string{"eval", "--ids", "5-2", "--out", npy}, 1, "--ids"},
		{[]string{"render", "--width", "100000", "--out", npy}, 2, "--width 100000: want 16 to 16384"},
		{[]string{"nosuch"}, 2, "unknown command"},
		{[]string{"sample", "--bogus"}, 2, "flag provided but not defined"},
	}
	for _, c := range cases {
		code, _, errs := cli(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("surfscope %s: exit %d, stderr %q; want exit %d mentioning %q", strings.Join(c.args, " "), code, errs, c.code, c.want)
		}
		if c.code != 0 && c.want != "unknown command" && c.want != "flag provided but not defined" && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("surfscope %s: error is not one clear line:\n%s", strings.Join(c.args, " "), errs)
		}
	}
	if _, err := os.Stat(npy); !os.IsNotExist(err) {
		t.Errorf("a failed command left %s behind", npy)
	}
}

func writeGz(t *testing.T, path string, b []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestONNXModelThroughTheCLI samples an ONNX model exported from PyTorch (a committed fixture) and
// checks the file against the reference forward pass of the imported net.
func TestONNXModelThroughTheCLI(t *testing.T) {
	model := filepath.Join("models", "onnx", "testdata", "mlp_op17.onnx")
	out := filepath.Join(t.TempDir(), "line.npy")
	mustRun(t, "sample", "--model", model, "--probe", "mixup:4,8", "--points", "7", "--out", out)
	_, got, err := surface.ReadNPY(out)
	if err != nil {
		t.Fatal(err)
	}
	net, err := modelfile.Load(model)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := dataset.Open("sample", "test")
	if err := modelfile.Fit(net, [3]int{1, 28, 28}, "sample"); err != nil {
		t.Fatal(err)
	}
	p, _ := projection.MixupLine(net.Input, set.Image(4), set.Image(8), 7, 0, 1)
	pt := make([]float32, net.InputSize())
	k := net.Classes
	for i := 0; i < 7; i++ {
		p.Point(pt, i)
		want, err := net.ForwardReference(pt)
		if err != nil {
			t.Fatal(err)
		}
		for c := range want {
			if d := math.Abs(float64(got[i*k+c] - want[c])); d > 1e-4 {
				t.Fatalf("point %d logit %d: %g, want %g", i, c, got[i*k+c], want[c])
			}
		}
	}
	code, _, errs := cli("eval", "--model", filepath.Join("models", "onnx", "testdata", "resnet_op17.onnx"), "--out", out)
	if code != 1 || !strings.Contains(errs, "[3 32 32]") {
		t.Fatalf("a CIFAR-shaped ONNX model on MNIST: exit %d, %q", code, errs)
	}
}

func TestParseBenchLine(t *testing.T) {
	r, ok := parseBenchLine("impl=pytorch workload=cnn-plane metric=2312.5 unit=points/s")
	if !ok || r.impl != "pytorch" || r.workload != "cnn-plane" || r.metric != 2312.5 || r.unit != "points/s" {
		t.Fatalf("parsed %+v, %v", r, ok)
	}
	if _, ok := parseBenchLine("loading MNIST..."); ok {
		t.Fatal("a progress line parsed as a result")
	}
	if !higherIsBetter("points/s") || higherIsBetter("s/epoch") || higherIsBetter("seconds") {
		t.Fatal("direction of units")
	}
}
