package provenance

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A minimal PDF: one empty page, a classic cross-reference table and trailer.
func minimalPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := []int{}
	for _, obj := range []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>", "<< /Producer (x) >>"} {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), obj)
	}
	xref := b.Len()
	b.WriteString("xref\n0 5\n0000000000 65535 f \n")
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size 5 /Root 1 0 R /Info 4 0 R /ID [<01><02>] >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// The update leaves the original bytes, appends an information dictionary as object Size, points
// a new trailer at it (keeping Root and ID, Prev at the old table) and reads back.
func TestPDFIncrementalUpdate(t *testing.T) {
	orig := minimalPDF()
	r := sample()
	out, err := AppendPDFInfo(orig, r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, orig) {
		t.Fatal("the original bytes changed")
	}
	tail := string(out[len(orig):])
	for _, want := range []string{"5 0 obj\n<<\n/Creator (surfscope render --model 'my net.onnx' --out shot.png)\n", "xref\n5 1\n",
		"/Size 6\n/Root 1 0 R\n/Info 5 0 R\n/Prev ", "/ID [<01><02>]", `/SurfscopeProvenance ({"surfscope":`, `app: File \\u25b8 Export PNG`} {
		if !strings.Contains(tail, want) {
			t.Errorf("the update lacks %q:\n%s", want, tail)
		}
	}
	back, err := ReadPDF(bytes.NewReader(out))
	if err != nil || !reflect.DeepEqual(back, r) {
		t.Errorf("ReadPDF: %+v, %v", back, err)
	}
	if plain, err := ReadPDF(bytes.NewReader(orig)); err != nil || !plain.IsZero() {
		t.Errorf("a PDF without provenance: %+v, %v", plain, err)
	}
	if same, _ := AppendPDFInfo(orig, Record{}); !bytes.Equal(same, orig) {
		t.Error("a zero record changed the PDF")
	}
	if _, err := AppendPDFInfo([]byte("%PDF-1.4\nno end"), r); err == nil {
		t.Error("a truncated PDF took an update")
	}
	if s, err := readPDFString([]byte(` (a\(b\)\\c\nd)`)); err != nil || s != "a(b)\\c\nd" {
		t.Errorf("literal string: %q, %v", s, err)
	}
}

func TestSVGMetadata(t *testing.T) {
	svg := []byte("<?xml version=\"1.0\"?>\n<!-- x -->\n<svg width=\"1pt\" xmlns=\"http://www.w3.org/2000/svg\">\n<g/>\n</svg>\n")
	out, err := InsertSVGMetadata(svg, sample())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("xmlns=\"http://www.w3.org/2000/svg\">\n<metadata id=\"surfscope-provenance\">{&#34;surfscope&#34;:")) {
		t.Errorf("SVG:\n%s", out)
	}
	if back, err := ReadSVG(bytes.NewReader(out)); err != nil || !reflect.DeepEqual(back, sample()) {
		t.Errorf("ReadSVG: %+v, %v", back, err)
	}
	if _, err := InsertSVGMetadata([]byte("<html/>"), sample()); err == nil {
		t.Error("a document without <svg> took metadata")
	}
}
