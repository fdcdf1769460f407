package provenance

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// svgMetadataID is the id of the metadata element that holds a record in an SVG file.
const svgMetadataID = "surfscope-provenance"

// svgOpen finds the opening tag of the root svg element.
var svgOpen = regexp.MustCompile(`<svg[\s>][^>]*>`)

// InsertSVGMetadata returns the SVG document svg with r, as JSON, in a metadata element
// (<metadata id="surfscope-provenance">, SVG 1.1 §21) right after the opening svg tag; a zero r
// leaves it as it is.
func InsertSVGMetadata(svg []byte, r Record) ([]byte, error) {
	if r.IsZero() {
		return svg, nil
	}
	loc := svgOpen.FindIndex(svg)
	if loc == nil {
		return nil, errors.New("provenance: not an SVG document (no <svg> element)")
	}
	var meta bytes.Buffer
	meta.WriteString("\n<metadata id=\"" + svgMetadataID + "\">")
	if err := xml.EscapeText(&meta, []byte(r.JSON())); err != nil {
		return nil, err
	}
	meta.WriteString("</metadata>\n")
	out := make([]byte, 0, len(svg)+meta.Len())
	out = append(append(append(out, svg[:loc[1]]...), meta.Bytes()...), svg[loc[1]:]...)
	return out, nil
}

// xmlRoot returns the name of the root element of the XML document that starts with head, or "".
func xmlRoot(head []byte) string {
	d := xml.NewDecoder(bytes.NewReader(head))
	for {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t.Name.Local
		}
	}
}

// ReadSVG returns the provenance in an SVG document's metadata element (InsertSVGMetadata); a
// document without one is a zero Record and no error.
func ReadSVG(r io.Reader) (Record, error) {
	return readSVGMetadata(xml.NewDecoder(bufio.NewReader(r)))
}

// readSVGMetadata reads the record in the first metadata element with svgMetadataID; none is a
// zero Record.
func readSVGMetadata(d *xml.Decoder) (Record, error) {
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return Record{}, nil
		}
		if err != nil {
			return Record{}, fmt.Errorf("SVG: %v", err)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "metadata" && attr(t, "id") == svgMetadataID {
			var body string
			if err := d.DecodeElement(&body, &t); err != nil {
				return Record{}, fmt.Errorf("SVG metadata: %v", err)
			}
			return ParseJSON(body)
		}
	}
}
