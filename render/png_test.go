package render

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/surfscope/surfscope/provenance"
)

func TestWritePNGRoundTrip(t *testing.T) {
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 37)
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	path := filepath.Join(dir, "a.png")
	rec := provenance.New("surfscope render --out a.png")
	rec.Metric = "logit"
	if err := WritePNG(path, img, rec); err != nil {
		t.Fatal(err)
	}
	if back, _, err := provenance.Read(path); err != nil || back.Metric != "logit" || back.Command != rec.Command {
		t.Errorf("provenance read back: %+v, %v", back, err)
	}
	got, err := readPNG(path)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 5; y++ {
		for x := 0; x < 7; x++ {
			if got.RGBAAt(x, y) != img.RGBAAt(x, y) {
				t.Fatalf("pixel (%d,%d) %v, wrote %v", x, y, got.RGBAAt(x, y), img.RGBAAt(x, y))
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only a.png (temporary file left?)", len(entries))
	}
	if err := WritePNG(path, img, provenance.Record{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := provenance.Read(path); err == nil {
		t.Error("a picture written without a record has provenance")
	}
}

func TestWritePNGErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WritePNG(filepath.Join(dir, "missing", "a.png"), image.NewRGBA(image.Rect(0, 0, 1, 1)), provenance.Record{}); err == nil {
		t.Error("missing directory: no error")
	}
	// An image PNG cannot encode leaves no file behind.
	path := filepath.Join(dir, "empty.png")
	if err := WritePNG(path, image.NewRGBA(image.Rect(0, 0, 0, 0)), provenance.Record{}); err == nil {
		t.Error("empty image: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left after failed writes", len(entries))
	}
}

// benchPicture is a rendered 1024x768 surface: PNG speed depends on content.
func benchPicture(b *testing.B) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 1024, 768))
	if err := NewCPU().Render(img, &Scene{Field: waves(128), Contours: 10, Title: "waves"}); err != nil {
		b.Fatal(err)
	}
	return img
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkPNGEncode compares Go's default PNG level with the BestSpeed
// level WritePNG uses, on a rendered 1024x768 picture.
func BenchmarkPNGEncode(b *testing.B) {
	img := benchPicture(b)
	for _, c := range []struct {
		name string
		enc  png.Encoder
	}{{"default", png.Encoder{}}, {"bestspeed", pngEncoder}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.enc.Encode(discard{}, img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWritePNG(b *testing.B) {
	img := benchPicture(b)
	path := filepath.Join(b.TempDir(), "shot.png")
	b.ReportAllocs()
	for b.Loop() {
		if err := WritePNG(path, img, provenance.Record{}); err != nil {
			b.Fatal(err)
		}
	}
}
