package provenance

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// GIFs with and without a global colour table keep their frames and carry the record.
func TestGIFRoundTrip(t *testing.T) {
	for _, global := range []bool{true, false} {
		t.Run(fmt.Sprint("global=", global), func(t *testing.T) {
			g := &gif.GIF{LoopCount: 0}
			for i := 0; i < 3; i++ {
				img := image.NewPaletted(image.Rect(0, 0, 4, 3), palette.Plan9)
				img.SetColorIndex(i, 1, uint8(10*i+1))
				g.Image, g.Delay = append(g.Image, img), append(g.Delay, 5)
			}
			if global {
				g.Config = image.Config{ColorModel: color.Palette(palette.Plan9), Width: 4, Height: 3}
			}
			var b bytes.Buffer
			w := NewGIFWriter(&b, sample())
			if err := gif.EncodeAll(w, g); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			back, err := gif.DecodeAll(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("image/gif cannot decode the file: %v", err)
			}
			if len(back.Image) != 3 || back.Image[2].ColorIndexAt(2, 1) != 21 || back.LoopCount != 0 {
				t.Errorf("frames changed: %d frames, loop %d", len(back.Image), back.LoopCount)
			}
			r, err := ReadGIF(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r, sample()) {
				t.Errorf("ReadGIF:\n%+v\nwant\n%+v", r, sample())
			}
		})
	}
	if _, err := ReadGIF(strings.NewReader("GIF89a\x01\x00\x01\x00\x00\x00\x00\x3b")); err != nil {
		t.Errorf("a GIF without a comment: %v", err)
	}
	if _, err := ReadGIF(strings.NewReader("GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xfe\x05ab")); err == nil {
		t.Error("a truncated comment read without error")
	}
}

func TestJSONBlock(t *testing.T) {
	r := sample()
	v := struct {
		Model string  `json:"model"`
		Loss  float64 `json:"loss"`
	}{"m", 0.5}
	b, err := MarshalJSON(r, v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("{\n  \"provenance\": {\n    \"surfscope\": ")) || !bytes.HasSuffix(b, []byte("  \"loss\": 0.5\n}\n")) {
		t.Errorf("JSON:\n%s", b)
	}
	got, err := ReadJSON(bytes.NewReader(b))
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("ReadJSON: %+v, %v", got, err)
	}
	if b, err := MarshalJSON(r, struct{}{}); err != nil || !json.Valid(b) {
		t.Errorf("empty object: %s, %v", b, err)
	}
	if _, err := MarshalJSON(r, []int{1}); err == nil {
		t.Error("an array took a provenance block")
	}
	if _, err := MarshalJSON(r, map[string]int{"provenance": 1}); err == nil {
		t.Error("a document with its own provenance key was accepted")
	}
	if got, err := ReadJSON(strings.NewReader("[1, 2]")); err != nil || !got.IsZero() {
		t.Errorf("an array: %+v, %v", got, err)
	}
	if _, err := ReadJSON(strings.NewReader("{")); err == nil {
		t.Error("broken JSON read without error")
	}
}

func TestCSVHeader(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("s,t,logit_0\n")
	if err := WriteCSVComments(&b, sample()); err != nil {
		t.Fatal(err)
	}
	b.WriteString("0,1,2.5\n1,1,3.5\n")
	if !strings.HasPrefix(b.String(), "s,t,logit_0\n# surfscope: v1.2.0-3-g1a2b3c4\n# commit: ") {
		t.Errorf("CSV:\n%s", b.String())
	}
	r, err := ReadCSV(bytes.NewReader(b.Bytes()))
	if err != nil || !reflect.DeepEqual(r, sample()) {
		t.Errorf("ReadCSV: %+v, %v", r, err)
	}
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("no numpy to read the CSV")
	}
	path := filepath.Join(t.TempDir(), "g.csv")
	os.WriteFile(path, b.Bytes(), 0o644)
	out, err := exec.Command(py, "-c", `import sys, numpy
a = numpy.genfromtxt(sys.argv[1], delimiter=",", names=True)
b = numpy.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
print(a.dtype.names, a["logit_0"].tolist(), b.shape)`, path).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "('s', 't', 'logit_0') [2.5, 3.5] (2, 3)" {
		t.Errorf("numpy.genfromtxt: %s %v", out, err)
	}
}

func TestSidecar(t *testing.T) {
	dir := t.TempDir()
	npy := filepath.Join(dir, "grid.npy")
	data := []byte("\x93NUMPY fake body")
	os.WriteFile(npy, data, 0o644)
	sum := sha256Of(data)
	if err := WriteSidecar(npy, sample(), []int{2, 3}, sum); err != nil {
		t.Fatal(err)
	}
	sc, err := ReadSidecar(npy)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sc.Provenance, sample()) || sc.NPY.File != "grid.npy" || !reflect.DeepEqual(sc.NPY.Shape, []int{2, 3}) || sc.NPY.Dtype != "<f4" {
		t.Errorf("sidecar %+v", sc)
	}
	r, where, err := Read(npy)
	if err != nil || !reflect.DeepEqual(r, sample()) || !strings.Contains(where, "grid.npy.json") {
		t.Errorf("Read: %v, %q", err, where)
	}
	os.WriteFile(npy, append(data, 0), 0o644)
	if _, err := ReadSidecar(npy); err == nil || !strings.Contains(err.Error(), "does not belong to") {
		t.Errorf("a changed NPY: %v", err)
	}
	os.Remove(SidecarPath(npy))
	if _, _, err := Read(npy); err == nil || !strings.Contains(err.Error(), "grid.npy.json") {
		t.Errorf("an NPY without its sidecar: %v", err)
	}
	if err := WriteSidecar(os.DevNull, sample(), []int{1}, sum); err != nil {
		t.Errorf("an NPY written to %s: %v", os.DevNull, err)
	}
	if _, err := os.Stat(os.DevNull + ".json"); err == nil {
		t.Errorf("%s.json was written", os.DevNull)
	}
}

// safetensorsFile builds a checkpoint header whose metadata holds meta.
func safetensorsFile(meta map[string]string) []byte {
	m, _ := json.Marshal(meta)
	h, _ := json.Marshal(map[string]any{"__metadata__": map[string]string{"format": "surfscope/1", "meta": string(m)}})
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	return append(out, h...)
}

// Read finds the format from the content, whatever the file's name.
func TestReadEveryFormat(t *testing.T) {
	dir := t.TempDir()
	r := sample()
	var vts bytes.Buffer
	vts.WriteString("<?xml version=\"1.0\"?>\n<VTKFile type=\"StructuredGrid\">\n  <StructuredGrid WholeExtent=\"0 1 0 0 0 0\">\n")
	WriteVTKFieldData(&vts, r, "    ")
	vts.WriteString("    <Piece Extent=\"0 1 0 0 0 0\"></Piece>\n  </StructuredGrid>\n</VTKFile>\n")
	var csv, gifb bytes.Buffer
	csv.WriteString("s,logit_0\n")
	WriteCSVComments(&csv, r)
	csv.WriteString("0,1\n")
	gw := NewGIFWriter(&gifb, r)
	gif.Encode(gw, image.NewPaletted(image.Rect(0, 0, 1, 1), palette.Plan9), nil)
	js, _ := MarshalJSON(r, map[string]int{"a": 1})
	files := map[string][]byte{
		"a.png": testPNG(t, r), "b.vts": vts.Bytes(), "c.csv": csv.Bytes(), "d.gif": gifb.Bytes(), "e.json": js,
		"f.safetensors": safetensorsFile(map[string]string{"trained_on": "{}", MetaKey: r.JSON()}),
		"g.resume": append([]byte("surfscope-train-state/1\n\x02\x00\x00\x00\x00\x00\x00\x00{}"),
			safetensorsFile(map[string]string{MetaKey: r.JSON()})...),
	}
	for name, b := range files {
		path := filepath.Join(dir, "x"+name) // the extension is not what decides
		os.WriteFile(path, b, 0o644)
		got, where, err := Read(path)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("%s (%s): %+v, %v", name, where, got, err)
		}
	}
	for name, b := range map[string][]byte{
		"plain.png": testPNG(t, Record{}), "plain.json": []byte(`{"a": 1}`), "old.safetensors": safetensorsFile(map[string]string{}),
		"other.txt": []byte("hello"), "empty": nil,
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, b, 0o644)
		if _, _, err := Read(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
}
