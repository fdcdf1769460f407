package vector

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rsc.io/pdf"

	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
)

// digit is a 28×28 grey picture standing in for an anchor image.
func digit() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 28, 28))
	for y := 8; y < 20; y++ {
		img.SetRGBA(14, y, color.RGBA{255, 255, 255, 255})
	}
	return img
}

// lineScene is a mixup-like line figure: two styled curves, a dashed chord, a legend, markers
// with thumbnails.
func lineScene() *render.Scene {
	n := 21
	g := &render.Grid{NX: n, NY: 3, Xs: make([]float64, n)}
	for i := 0; i < n; i++ {
		x := float64(i) / float64(n-1)
		g.Xs[i] = x
		g.Values = append(g.Values, 1/(1+math.Exp(20*(x-0.3))))
	}
	for i := 0; i < n; i++ {
		g.Values = append(g.Values, 1-g.Values[i])
	}
	for i := 0; i < n; i++ {
		g.Values = append(g.Values, 1-g.Xs[i])
	}
	return &render.Scene{Field: g, View: render.ViewLines, Title: "probabilities along the mixup line",
		Caption: "model · data · mixup:0,1", XLabel: "λ", YLabel: "probability",
		Legend: []string{"7 (#0)", "2 (#1)", "straight line between the ends"},
		Curves: []render.CurveStyle{{}, {}, {Dashed: true}}, Min: -0.02, Max: 1.02,
		Markers: []render.Marker{{X: 0, Y: 1, Label: "#0 7", Image: digit()}, {X: 1, Y: 1, Label: "#1 2", Image: digit()}}}
}

// heatScene is a heatmap with contours, a colour bar whose range the values pass at the top, and
// a marker with a thumbnail.
func heatScene() *render.Scene {
	n := 24
	g := &render.Grid{NX: n, NY: n, Xs: make([]float64, n), Ys: make([]float64, n)}
	for i := range g.Xs {
		g.Xs[i] = -1 + 2*float64(i)/float64(n-1)
		g.Ys[i] = 2 * g.Xs[i]
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			g.Values = append(g.Values, g.Xs[i]*g.Xs[i]+g.Ys[j])
		}
	}
	return &render.Scene{Field: g, View: render.ViewHeatmap, Title: "logit 7 on the data plane", XLabel: "s", YLabel: "t",
		ColorBar: true, Label: "logit 7", Contours: 6, Min: -2, Max: 1.5, Background: color.NRGBA{0x17, 0x17, 0x18, 0xff},
		Markers: []render.Marker{{X: 0, Y: 0, Label: "#0 7", Image: digit()}}}
}

// svgDoc is what a test reads back from an SVG: its size and every text and image element.
type svgDoc struct {
	Width, Height string
	texts         []string
	images        []map[string]string
}

func readSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	d := xml.NewDecoder(bytes.NewReader(b))
	inText := false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attrs := map[string]string{}
			for _, a := range e.Attr {
				attrs[a.Name.Local] = a.Value
			}
			switch e.Name.Local {
			case "svg":
				doc.Width, doc.Height = attrs["width"], attrs["height"]
			case "text":
				inText = true
			case "image":
				doc.images = append(doc.images, attrs)
			}
		case xml.CharData:
			if inText {
				doc.texts = append(doc.texts, string(e))
			}
		case xml.EndElement:
			if e.Name.Local == "text" {
				inText = false
			}
		}
	}
	return doc
}

// An SVG figure of two panels is valid XML at the size asked (points at 96 pixels per inch), holds
// every text in Unicode (λ kept), and embeds its images as PNG filling their rectangles: the two
// line thumbnails, the heatmap, its colour bar and its thumbnail.
func TestSVG(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "svg", []*render.Scene{lineScene(), heatScene()}, 1600, 600); err != nil {
		t.Fatal(err)
	}
	doc := readSVG(t, buf.Bytes())
	if doc.Width != "1200pt" || doc.Height != "450pt" {
		t.Errorf("size %s × %s, want 1200pt × 450pt", doc.Width, doc.Height)
	}
	all := strings.Join(doc.texts, "\n")
	for _, want := range []string{"probabilities along the mixup line", "model · data · mixup:0,1", "λ", "probability",
		"straight line between the ends", "#0 7", "logit 7 on the data plane", "logit 7"} {
		if !strings.Contains(all, want) {
			t.Errorf("no text %q in the SVG", want)
		}
	}
	if len(doc.images) != 5 {
		t.Fatalf("%d images, want 5", len(doc.images))
	}
	withRec, err := provenance.InsertSVGMetadata(buf.Bytes(), testRecord())
	if err != nil {
		t.Fatal(err)
	}
	readSVG(t, withRec) // still valid XML
	if back, err := provenance.ReadSVG(bytes.NewReader(withRec)); err != nil || !reflect.DeepEqual(back, testRecord()) {
		t.Errorf("SVG provenance: %+v, %v", back, err)
	}
	for _, im := range doc.images {
		if !strings.HasPrefix(im["href"], "data:image/png;base64,") || im["preserveAspectRatio"] != "none" {
			t.Errorf("image %.60s… preserveAspectRatio %q", im["href"], im["preserveAspectRatio"])
		}
	}
}

// testRecord is a provenance record with a value beyond ASCII.
func testRecord() provenance.Record {
	rec := provenance.New("surfscope render --view heatmap --out 'λ figure.pdf'")
	rec.Probe, rec.Metric = "mixup:0,1", "probability"
	rec.AddModel("/models/m.safetensors", strings.Repeat("ab", 32))
	return rec
}

// A PDF figure has one page of the size asked, and its text reads back through a PDF reader,
// with the letters its fonts lack spelled out. Its provenance, added as an incremental update,
// is the document information the reader finds through the new trailer (poppler's pdfinfo too).
func TestPDF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "figure.pdf")
	rec := testRecord()
	if err := WriteFile(path, rec, []*render.Scene{lineScene()}, 1000, 600); err != nil {
		t.Fatal(err)
	}
	if back, where, err := provenance.Read(path); err != nil || !reflect.DeepEqual(back, rec) {
		t.Errorf("provenance from the %s: %+v, %v", where, back, err)
	}
	checkPDFInfo(t, path, rec)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r, err := pdf.NewReader(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if r.NumPage() != 1 {
		t.Fatalf("%d pages", r.NumPage())
	}
	page := r.Page(1)
	box := page.V.Key("MediaBox")
	for v := page.V; box.IsNull() && !v.IsNull(); v = v.Key("Parent") { // inherited from the page tree
		box = v.Key("MediaBox")
	}
	if w, h := box.Index(2).Float64(), box.Index(3).Float64(); math.Abs(w-750) > 0.5 || math.Abs(h-450) > 0.5 {
		t.Errorf("page %g × %g pt, want 750 × 450", w, h)
	}
	var text strings.Builder
	for _, c := range page.Content().Text {
		text.WriteString(c.S)
	}
	got := text.String() // the reader drops the spaces between words
	for _, want := range []string{"probabilities along the mixup line", "lambda", "straight line between the ends", "#0 7"} {
		if !strings.Contains(got, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("no text %q in the PDF (%d characters)", want, len(got))
		}
	}
}

// checkPDFInfo reads the PDF's document information with rsc.io/pdf and with poppler's pdfinfo
// (when installed).
func checkPDFInfo(t *testing.T, path string, rec provenance.Record) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r, err := pdf.NewReader(f, st.Size())
	if err != nil {
		t.Fatalf("the PDF with its update does not parse: %v", err)
	}
	info := r.Trailer().Key("Info")
	if got, err := provenance.ParseJSON(info.Key("SurfscopeProvenance").Text()); err != nil || !reflect.DeepEqual(got, rec) {
		t.Errorf("Info /SurfscopeProvenance: %+v, %v; want %+v", got, err, rec)
	}
	if got := info.Key("Creator").Text(); got != rec.Command {
		t.Errorf("Info /Creator = %q, want %q", got, rec.Command)
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		return
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Creator:         "+rec.Command) || !strings.Contains(string(out), "Pages:           1") {
		t.Errorf("pdfinfo: %v\n%s", err, out)
	}
}

// cp1252 keeps what the code page has and spells out the rest.
func TestCP1252(t *testing.T) {
	if got := cp1252("a · b × c"); got != "a \xb7 b \xd7 c" {
		t.Errorf("%q", got)
	}
	if got := cp1252("λ − ‖∇f‖ ✓"); got != "lambda - ||grad f|| ?" {
		t.Errorf("%q", got)
	}
}

// A 3D surface has no vector form; neither has an empty figure or a bad format.
func TestWriteRefuses(t *testing.T) {
	surf := heatScene()
	surf.View = render.ViewSurface
	var buf bytes.Buffer
	if err := Write(&buf, "svg", []*render.Scene{lineScene(), surf}, 800, 600); err == nil || !strings.Contains(err.Error(), "panel 2") {
		t.Errorf("3D surface: %v", err)
	}
	if err := Write(&buf, "svg", nil, 800, 600); err == nil {
		t.Error("no panels accepted")
	}
	if err := Write(&buf, "eps", []*render.Scene{lineScene()}, 800, 600); err == nil {
		t.Error("eps accepted")
	}
	if _, err := FormatOf("figure.png"); err == nil {
		t.Error(".png taken as a vector format")
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "x.svg"), provenance.Record{}, []*render.Scene{lineScene()}, 8, 8); err == nil {
		t.Error("an 8×8 figure accepted")
	}
}
