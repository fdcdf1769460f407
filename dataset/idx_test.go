package dataset

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/memcap"
)

func TestReadIDXRoundTrip(t *testing.T) {
	const n, rows, cols = 3, 4, 5
	labels := []byte{7, 0, 9}
	for _, tc := range []struct {
		name   string
		encode func([]byte) []byte
	}{
		{"raw", func(b []byte) []byte { return b }},
		{"gzip", gzipped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadIDX(bytes.NewReader(tc.encode(idxImages(n, n, rows, cols))),
				bytes.NewReader(tc.encode(idxLabels(n, labels...))), "imgs", "lbls", 10)
			if err != nil {
				t.Fatal(err)
			}
			if s.N != n || s.C != 1 || s.H != rows || s.W != cols || s.Classes != 10 || s.Name != "imgs" {
				t.Fatalf("got N=%d C=%d H=%d W=%d classes=%d name=%q", s.N, s.C, s.H, s.W, s.Classes, s.Name)
			}
			if err := s.Check(); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if s.Labels[i] != int(labels[i]) {
					t.Errorf("label %d = %d, want %d", i, s.Labels[i], labels[i])
				}
				for p, v := range s.Image(i) {
					if want := float32(pixelByte(i, p)) / 255; v != want {
						t.Fatalf("image %d pixel %d = %v, want %v", i, p, v, want)
					}
				}
			}
		})
	}
}

func TestPixelScaling(t *testing.T) {
	data := idxImages(1, 0, 1, 3)
	data = append(data, 0, 128, 255)
	s, err := ReadIDXImages(bytes.NewReader(data), "scale")
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 128.0 / 255, 1}
	for i, v := range s.Images {
		if v != want[i] {
			t.Errorf("byte %d → %v, want %v", i, v, want[i])
		}
	}
	if s.Images[2] != 1.0 {
		t.Errorf("byte 255 must map to exactly 1, got %v", s.Images[2])
	}
}

func TestWriteIDXRoundTrip(t *testing.T) {
	orig := idxImages(4, 4, 3, 2)
	s, err := ReadIDX(bytes.NewReader(orig), bytes.NewReader(idxLabels(4, 1, 2, 3, 4)), "a", "b", 10)
	if err != nil {
		t.Fatal(err)
	}
	var img, lbl bytes.Buffer
	if err := WriteIDXImages(&img, s); err != nil {
		t.Fatal(err)
	}
	if err := WriteIDXLabels(&lbl, s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img.Bytes(), orig) {
		t.Errorf("images written differ from the file read")
	}
	if !bytes.Equal(lbl.Bytes(), idxLabels(4, 1, 2, 3, 4)) {
		t.Errorf("labels written differ from the file read")
	}
	rgb := &Set{Name: "rgb", N: 1, C: 3, H: 1, W: 1, Images: []float32{0, 0, 0}, Labels: []int{0}, Classes: 1}
	if err := WriteIDXImages(io.Discard, rgb); err == nil || !strings.Contains(err.Error(), "1 channel") {
		t.Errorf("3-channel set: err = %v, want a channel error", err)
	}
	big := &Set{Name: "big", Labels: []int{300}}
	if err := WriteIDXLabels(io.Discard, big); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("label 300: err = %v", err)
	}
}

func TestReadIDXMalformed(t *testing.T) {
	good := idxImages(2, 2, 2, 2)
	truncated := good[:len(good)-3]
	wrongMagic := append([]byte{0, 0, 8, 2}, good[4:]...)
	for _, tc := range []struct {
		name      string
		images    []byte
		labels    []byte
		wantError string
	}{
		{"truncated images", truncated, idxLabels(2, 0, 1), "truncated: want 8 bytes of pixels, got 5"},
		{"truncated images gzip", gzipped(truncated), idxLabels(2, 0, 1), "truncated: want 8 bytes of pixels, got 5"},
		{"gzip without trailer", gzipped(good)[:30], idxLabels(2, 0, 1), "truncated: the gzip stream ends after the pixels"},
		{"gzip cut in the data", firstHalf(gzipped(idxImages(200, 200, 28, 28))), idxLabels(2, 0, 1), "truncated: want 156800 bytes of pixels, got"},
		{"gzip checksum", badChecksum(gzipped(good)), idxLabels(2, 0, 1), "after the pixels: gzip: invalid checksum"},
		{"truncated header", good[:10], idxLabels(2, 0, 1), "truncated header: want 16 bytes, got 10"},
		{"empty images", nil, idxLabels(2, 0, 1), "truncated header: want 16 bytes, got 0"},
		{"wrong magic", wrongMagic, idxLabels(2, 0, 1), "wrong magic 0x00000802"},
		{"labels as images", idxLabels(2, 0, 1), idxLabels(2, 0, 1), "this is an IDX labels file"},
		{"images as labels", good, good, "lbls.gz: wrong magic 0x00000803, want 0x00000801"},
		{"zero rows", idxImages(0, 0, 0, 5), idxLabels(0), "image size 0×5"},
		{"trailing bytes", append(good, 1), idxLabels(2, 0, 1), "unexpected data after 8 bytes"},
		{"count mismatch", good, idxLabels(1, 0), "image count 2, labels 1"},
		{"label out of range", good, idxLabels(2, 0, 10), "label 10 of image 1 out of range [0,10)"},
		{"truncated labels", good, idxLabels(3, 0, 1), "truncated: want 3 bytes of labels, got 2"},
		{"corrupt gzip", append(gzipped(good)[:12], bytes.Repeat([]byte{0xff}, 40)...), idxLabels(2, 0, 1), "imgs.gz"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadIDX(bytes.NewReader(tc.images), bytes.NewReader(tc.labels), "imgs.gz", "lbls.gz", 10)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "dataset: ") || !strings.Contains(msg, tc.wantError) ||
				!(strings.Contains(msg, "imgs.gz") || strings.Contains(msg, "lbls.gz")) {
				t.Errorf("error %q\nwant it to start with \"dataset: \", name the file and contain %q", msg, tc.wantError)
			}
		})
	}
}

// A header that claims many images must fail on the short stream without allocating what it claims.
func TestReadIDXLyingHeaderAllocatesLittle(t *testing.T) {
	const claimed = 20_000_000     // 15.7 GB of pixels at 28×28: under maxPixelBytes, so only the data can refute it
	t.Setenv(memcap.EnvVar, "off") // the header alone, checked against a cap, is TestReadIDXHeaderOverTheMemoryCap
	data := idxImages(claimed, 2, 28, 28)
	for _, tc := range []struct {
		name string
		data []byte
	}{{"raw", data}, {"gzip", gzipped(data)}} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ReadIDXImages(bytes.NewReader(tc.data), "liar")
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "liar: truncated: want 15680000000 bytes of pixels, got 1568") {
				t.Fatalf("err = %v", err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 3*firstReadCap {
				t.Errorf("allocated %d bytes for a 1.6 kB stream", got)
			}
		})
	}
	_, err := ReadIDXImages(bytes.NewReader(idxImages(4_000_000_000, 0, 28, 28)), "huge")
	if err == nil || !strings.Contains(err.Error(), "huge: header claims 4000000000 images of 28×28") {
		t.Errorf("err = %v, want a header-size error", err)
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

func TestReadIDXPassesReadErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(bytes.NewReader(idxImages(2, 1, 2, 2)), failingReader{boom})
	_, err := ReadIDXImages(r, "f")
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "dataset: f: reading pixels") {
		t.Errorf("err = %v, want it to wrap %v", err, boom)
	}
}

// badChecksum alters the CRC-32 in a gzip stream's trailer.
func badChecksum(gz []byte) []byte {
	out := bytes.Clone(gz)
	out[len(out)-8] ^= 0xff
	return out
}

func firstHalf(b []byte) []byte { return b[:len(b)/2] }
