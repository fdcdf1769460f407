package render

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/surfscope/surfscope/internal/imagecmp"
	"github.com/surfscope/surfscope/provenance"
)

var regen = flag.Bool("regen", false, "rewrite the golden images in testdata/")

// imageDiff is imagecmp.Diff: the comparison the golden tests and the packaging tests share.
func imageDiff(a, b *image.RGBA, big int) (mean, frac float64) { return imagecmp.Diff(a, b, big) }

func readPNG(path string) (*image.RGBA, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if r, ok := img.(*image.RGBA); ok {
		return r, nil
	}
	b := img.Bounds()
	r := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r.Set(x, y, img.At(x, y))
		}
	}
	return r, nil
}

// checkGolden compares got with testdata/name.png within imagecmp.Golden.
// With -regen it rewrites the file instead; on failure it writes got to
// testdata/failed/name.png.
func checkGolden(t *testing.T, name string, got *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name+".png")
	if *regen {
		if err := WritePNG(path, got, provenance.Record{}); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	want, err := readPNG(path)
	if err != nil {
		t.Fatalf("golden image: %v (run go test ./render -args -regen to create it)", err)
	}
	fail := func(format string, args ...any) {
		t.Helper()
		dir := filepath.Join("testdata", "failed")
		os.MkdirAll(dir, 0o755)
		out := filepath.Join(dir, name+".png")
		if err := WritePNG(out, got, provenance.Record{}); err != nil {
			t.Error(err)
		}
		t.Errorf(format+"; picture written to %s", append(args, out)...)
	}
	if err := imagecmp.Golden.Check(got, want); err != nil {
		fail("%s: %v", name, err)
	}
}

func renderCPU(t *testing.T, s *Scene, w, h int) *image.RGBA {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if err := NewCPU().Render(img, s); err != nil {
		t.Fatal(err)
	}
	return img
}

func TestGoldenParaboloidCPU(t *testing.T) {
	s := &Scene{Field: paraboloid(48), Contours: 6}
	checkGolden(t, "paraboloid_cpu", renderCPU(t, s, 240, 180))
}

func TestGoldenWavesCPU(t *testing.T) {
	s := &Scene{Field: holes(64), Contours: 10, Wireframe: true, Title: "waves", Colormap: Magma, Background: image.Black.C}
	checkGolden(t, "holes_cpu", renderCPU(t, s, 320, 240))
}

// The paraboloid seen from above has circular contours at radii √(level):
// walking right from the centre, the dark contour pixels sit where the
// points (r_k, 0, r_k²) project, within 1.5 pixels.
func TestParaboloidContoursFromAbove(t *testing.T) {
	s := &Scene{Field: paraboloid(129), Contours: 7, Samples: 1, Colormap: NewColormap("white", color.White, color.White),
		Camera: Camera{Pitch: math.Pi / 2, Yaw: -math.Pi / 2, Distance: defaultDistance}}
	const n = 401
	img := renderCPU(t, s, n, n)
	r := NewCPU().(*renderer)
	f, err := r.prepare(img.Bounds(), s)
	if err != nil {
		t.Fatal(err)
	}
	cx, cy, _ := f.projectField(0, 0, 0)
	var found []float64
	inLine := false
	for x := int(cx); x < n; x++ {
		c := img.RGBAAt(x, int(cy))
		dark := int(c.R)+int(c.G)+int(c.B) < 500
		if dark && !inLine {
			found = append(found, float64(x)+0.5)
		}
		inLine = dark
	}
	// z = x² + y² spans [0, 2]; 7 levels at 2k/8, the first 3 inside |x| < 1.
	var want []float64
	for k := 1; k <= 3; k++ {
		z := 2 * float64(k) / 8
		px, _, _ := f.projectField(math.Sqrt(z), 0, z)
		want = append(want, px)
	}
	if len(found) < len(want) {
		t.Fatalf("found contours at x = %v, want %v", found, want)
	}
	for k, w := range want {
		if math.Abs(found[k]+0.5-w) > 1.5 { // found is the line's first pixel; lines are ~1.2 px wide
			t.Errorf("contour %d at x = %.1f, want %.1f", k+1, found[k], w)
		}
	}
}

func TestGoldenHeatmapCPU(t *testing.T) {
	s := &Scene{Field: waves(48), Contours: 8, View: ViewHeatmap, ColorBar: true, Label: "logit",
		Title: "heatmap", XLabel: "s", YLabel: "t", Markers: triangleMarkers(false), MarkerEdges: true}
	checkGolden(t, "heatmap_cpu", renderCPU(t, s, 320, 240))
}

func TestGoldenLinesCPU(t *testing.T) {
	s := &Scene{Field: mixup(), View: ViewLines, Title: "mixup", XLabel: "λ", YLabel: "logit",
		Legend: []string{"0", "1", "2", "3", "4"}, Markers: []Marker{{X: 0, Y: -4.5, Label: "x_i", Image: digit(0)}}}
	checkGolden(t, "lines_cpu", renderCPU(t, s, 320, 240))
}

func TestGoldenAxesClassesCPU(t *testing.T) {
	s := &Scene{Field: waves(48), Color: regions(48), Categorical: true, Axes: true, ColorBar: true,
		XLabel: "s", YLabel: "t", ZLabel: "z", Contours: 6}
	checkGolden(t, "axes_classes_cpu", renderCPU(t, s, 320, 240))
}
