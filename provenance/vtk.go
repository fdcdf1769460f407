package provenance

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteVTKFieldData writes r as the FieldData element of a VTK XML dataset ("VTK User's Guide",
// Kitware, §19.3): one String array per field, one tuple each, named by the field's key, its
// characters as ASCII-coded numbers ended by 0 as VTK's own XML writer does (signed bytes, so
// UTF-8 beyond ASCII round-trips). It belongs inside the dataset element (StructuredGrid) before
// its first Piece; indent starts every line.
func WriteVTKFieldData(w io.Writer, r Record, indent string) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(indent + "<FieldData>\n")
	for _, f := range r.Fields() {
		fmt.Fprintf(bw, "%s  <Array type=\"String\" Name=\"%s\" NumberOfTuples=\"1\" format=\"ascii\">\n%s   ", indent, xmlAttr(f.Key), indent)
		for i := 0; i < len(f.Value); i++ {
			bw.WriteByte(' ')
			bw.WriteString(strconv.Itoa(int(int8(f.Value[i]))))
		}
		bw.WriteString(" 0\n" + indent + "  </Array>\n")
	}
	bw.WriteString(indent + "</FieldData>\n")
	return bw.Flush()
}

// xmlAttr escapes s for a double-quoted XML attribute.
func xmlAttr(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // escapes quotes too
	return b.String()
}

// ReadVTK returns the provenance in the FieldData of a VTK XML file; a file without any is a zero
// Record and no error. It reads the file only up to the end of its FieldData.
func ReadVTK(r io.Reader) (Record, error) {
	d := xml.NewDecoder(bufio.NewReader(r))
	var fields []Field
	inField, sawRoot := false, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Record{}, fmt.Errorf("not VTK XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case !sawRoot && t.Name.Local != "VTKFile":
				return Record{}, fmt.Errorf("not a VTK XML file (root element %q)", t.Name.Local)
			case t.Name.Local == "VTKFile":
				sawRoot = true
			case t.Name.Local == "FieldData":
				inField = true
			case t.Name.Local == "Piece":
				return FromFields(fields) // FieldData comes before the pieces
			case inField && attr(t, "type") == "String":
				f, err := readStringArray(d, t)
				if err != nil {
					return Record{}, err
				}
				fields = append(fields, f)
			}
		case xml.EndElement:
			if t.Name.Local == "FieldData" {
				return FromFields(fields)
			}
		}
	}
	if !sawRoot {
		return Record{}, errors.New("not a VTK XML file")
	}
	return FromFields(fields)
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// readStringArray reads the first string of an ASCII String array.
func readStringArray(d *xml.Decoder, t xml.StartElement) (Field, error) {
	name := attr(t, "Name")
	if f := attr(t, "format"); f != "ascii" {
		return Field{}, fmt.Errorf("VTK FieldData array %q: format %q, want ascii", name, f)
	}
	var body string
	if err := d.DecodeElement(&body, &t); err != nil {
		return Field{}, fmt.Errorf("VTK FieldData array %q: %v", name, err)
	}
	var b []byte
	for _, s := range strings.Fields(body) {
		v, err := strconv.Atoi(s)
		if err != nil || v < -128 || v > 255 {
			return Field{}, fmt.Errorf("VTK FieldData array %q: %q is not a character code", name, s)
		}
		if v == 0 {
			break
		}
		b = append(b, byte(v))
	}
	return Field{name, string(b)}, nil
}
