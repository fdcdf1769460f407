package provenance

import (
	"bytes"
	"compress/zlib"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testPNG encodes a small image through a PNGWriter carrying r.
func testPNG(t testing.TB, r Record) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 7, 5))
	img.Set(3, 2, color.NRGBA{200, 10, 20, 255})
	var b bytes.Buffer
	w := NewPNGWriter(&b, r)
	if err := png.Encode(w, img); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The chunks go right after IHDR, image/png still decodes the picture, and ReadPNG gets the
// record back, Unicode values (iTXt) included.
func TestPNGRoundTrip(t *testing.T) {
	r := sample()
	b := testPNG(t, r)
	if string(b[33+4:33+8]) != "tEXt" {
		t.Errorf("first chunk after IHDR is %q, want tEXt", b[33+4:33+8])
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("image/png cannot decode the file: %v", err)
	}
	if c := color.NRGBAModel.Convert(img.At(3, 2)).(color.NRGBA); c != (color.NRGBA{200, 10, 20, 255}) || img.Bounds().Dx() != 7 {
		t.Errorf("picture changed: %v at (3,2), %v", c, img.Bounds())
	}
	got, err := ReadPNG(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("ReadPNG:\n%+v\nwant\n%+v", got, r)
	}
	text, _ := ReadPNGText(bytes.NewReader(b))
	if text[0] != (Field{"Software", "surfscope v1.2.0-3-g1a2b3c4 (commit 1a2b3c4d5e6f)"}) || text[1] != (Field{"Creation Time", r.Time}) {
		t.Errorf("first chunks %v", text[:2])
	}
	if !bytes.Contains(b, []byte("tEXtsurfscope:action\x00\"app: File \\u25b8 Export PNG\"")) {
		t.Error("the action (not ASCII) is not a tEXt chunk with a quoted value")
	}
}

func TestPNGErrors(t *testing.T) {
	b := testPNG(t, sample())
	i := bytes.Index(b, []byte("surfscope:probe"))
	bad := bytes.Clone(b)
	bad[i+len("surfscope:probe")+2] ^= 1
	if _, err := ReadPNG(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "CRC") {
		t.Errorf("a changed text byte: %v", err)
	}
	if _, err := ReadPNG(bytes.NewReader(b[:len(b)-12])); err == nil || !strings.Contains(err.Error(), "IEND") {
		t.Errorf("a file without IEND: %v", err)
	}
	if _, err := ReadPNG(strings.NewReader("GIF89a")); err == nil {
		t.Error("a GIF read as a PNG")
	}
	w := NewPNGWriter(&bytes.Buffer{}, sample())
	if _, err := w.Write([]byte("not a png at all, not at all, no.")); err == nil {
		t.Error("PNGWriter took a stream that is not a PNG")
	}
	if err := NewPNGWriter(&bytes.Buffer{}, sample()).Close(); err == nil {
		t.Error("Close of an empty stream reported no error")
	}
	// A plain PNG has no record.
	var plain bytes.Buffer
	png.Encode(&plain, image.NewGray(image.Rect(0, 0, 2, 2)))
	if r, err := ReadPNG(&plain); err != nil || !r.IsZero() {
		t.Errorf("plain PNG: %+v, %v", r, err)
	}
}

// External readers see the chunks: ImageMagick lists the tEXt entries, and Python reads every
// chunk with struct and zlib (checking the CRCs itself).
func TestPNGExternalReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.png")
	if err := os.WriteFile(path, testPNG(t, sample()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("identify", func(t *testing.T) {
		if _, err := exec.LookPath("identify"); err != nil {
			t.Skip("no ImageMagick identify")
		}
		out, err := exec.Command("identify", "-verbose", path).CombinedOutput()
		if err != nil {
			t.Fatalf("identify: %v\n%s", err, out)
		}
		for _, want := range []string{"surfscope:model_sha256: " + strings.Repeat("ab", 32), "surfscope:probe: random:3,7", `surfscope:action: "app: File \u25b8 Export PNG"`, "Software: surfscope v1.2.0"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("identify -verbose does not show %q:\n%s", want, out)
			}
		}
	})
	t.Run("python", func(t *testing.T) {
		py := "/usr/bin/python3"
		if _, err := os.Stat(py); err != nil {
			t.Skip("no /usr/bin/python3")
		}
		script := `import json, struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n"
i, text = 8, {}
while i < len(b):
    n, typ = struct.unpack(">I4s", b[i:i+8]); data = b[i+8:i+8+n]
    assert struct.unpack(">I", b[i+8+n:i+12+n])[0] == zlib.crc32(typ + data), typ
    if typ == b"tEXt":
        k, v = data.split(b"\0", 1); text[k.decode("latin-1")] = v.decode("latin-1")
    i += 12 + n
for k, v in text.items():
    if v.startswith('"'): text[k] = json.loads(v)
print(text["surfscope:model_2"], text["surfscope:seed"], text["surfscope:action"], text["surfscope:grid"])`
		out, err := exec.Command(py, "-c", script, path).CombinedOutput()
		if err != nil {
			t.Fatalf("python: %v\n%s", err, out)
		}
		if got := strings.TrimSpace(string(out)); got != "embedded 18446744073709551615 app: File ▸ Export PNG 3,2" {
			t.Errorf("python read %q", got)
		}
	})
}

// ReadPNGText also reads the iTXt (plain and compressed) and zTXt chunks other programs write.
func TestReadPNGTextOtherChunks(t *testing.T) {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("zipped ▸"))
	zw.Close()
	var chunks bytes.Buffer
	writeChunk(&chunks, "iTXt", []byte("Title\x00\x00\x00en\x00Titel\x00plain ▸"))
	writeChunk(&chunks, "iTXt", append([]byte("Zipped\x00\x01\x00\x00\x00"), z.Bytes()...))
	writeChunk(&chunks, "zTXt", append([]byte("Comment\x00\x00"), zlibOf("caf\xe9")...))
	b := testPNG(t, Record{})
	b = append(b[:33:33], append(chunks.Bytes(), b[33:]...)...)
	text, err := ReadPNGText(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{"Title", "plain ▸"}, {"Zipped", "zipped ▸"}, {"Comment", "café"}}
	if !reflect.DeepEqual(text, want) {
		t.Errorf("text %q, want %q", text, want)
	}
}

func zlibOf(s string) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(s))
	zw.Close()
	return z.Bytes()
}
