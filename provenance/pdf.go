package provenance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// PDF provenance is added as an incremental update (ISO 32000-1 §7.5.6): a new document
// information dictionary (§14.3.3) appended after the file, a cross-reference section for it and
// a trailer whose /Info points at it and whose /Prev points at the original cross-reference
// table, so the original bytes stay as they were. The dictionary has the standard entries
// (Creator: the command, Producer, CreationDate, Subject, Keywords: the text form's lines joined
// by "; ") and the record as JSON
// under the custom key pdfKey.
const pdfKey = "SurfscopeProvenance"

var (
	pdfStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	pdfSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	pdfRoot      = regexp.MustCompile(`/Root\s+(\d+\s+\d+\s+R)`)
	pdfID        = regexp.MustCompile(`/ID\s*\[[^\]]*\]`)
	pdfInfo      = regexp.MustCompile(`/Info\s+(\d+)\s+(\d+)\s+R`)
)

// maxPDF bounds the PDF files AppendPDFInfo and ReadPDF handle.
const maxPDF = 1 << 30

// AppendPDFInfo returns the PDF document pdf with r's provenance in a new document information
// dictionary, appended as an incremental update; a zero r leaves it as it is. The document must
// end in a classic cross-reference table and trailer (as gonum/plot's PDF canvas writes).
func AppendPDFInfo(pdf []byte, r Record) ([]byte, error) {
	if r.IsZero() {
		return pdf, nil
	}
	trailer, prev, err := lastTrailer(pdf)
	if err != nil {
		return nil, err
	}
	size, root := pdfSize.FindSubmatch(trailer), pdfRoot.FindSubmatch(trailer)
	if size == nil || root == nil {
		return nil, errors.New("provenance: the PDF trailer has no /Size or /Root")
	}
	n, _ := strconv.Atoi(string(size[1]))
	out := bytes.NewBuffer(append(make([]byte, 0, len(pdf)+4096), pdf...))
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	obj := out.Len()
	fmt.Fprintf(out, "%d 0 obj\n<<\n/Creator %s\n/Producer %s\n/CreationDate %s\n/Subject %s\n/Keywords %s\n/%s %s\n>>\nendobj\n",
		n, pdfString(r.Command), pdfString(r.Software()), pdfString(pdfDate(r.Time)),
		pdfString("surfscope provenance: the "+pdfKey+" entry holds it as JSON"), pdfString(strings.ReplaceAll(strings.TrimSpace(r.Text()), "\n", "; ")),
		pdfKey, pdfString(asciiJSON(r.JSON())))
	xref := out.Len()
	fmt.Fprintf(out, "xref\n%d 1\n%010d 00000 n \ntrailer\n<<\n/Size %d\n/Root %s\n/Info %d 0 R\n/Prev %d\n", n, obj, n+1, root[1], n, prev)
	if id := pdfID.Find(trailer); id != nil {
		out.Write(append(id, '\n'))
	}
	fmt.Fprintf(out, ">>\nstartxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes(), nil
}

// lastTrailer returns the dictionary of the last trailer of pdf and the offset of its
// cross-reference table (startxref).
func lastTrailer(pdf []byte) (trailer []byte, xref int, err error) {
	tail := pdf[max(0, len(pdf)-1024):]
	m := pdfStartXref.FindSubmatch(tail)
	if m == nil {
		return nil, 0, errors.New("provenance: not a complete PDF (no startxref and %%EOF at its end)")
	}
	xref, _ = strconv.Atoi(string(m[1]))
	i := bytes.LastIndex(pdf, []byte("trailer"))
	if i < 0 || i < xref {
		return nil, 0, errors.New("provenance: the PDF has no classic trailer (a cross-reference stream is not supported)")
	}
	end := bytes.LastIndex(pdf, []byte("startxref"))
	return pdf[i:end], xref, nil
}

// pdfString writes s as a PDF text string (§7.9.2.2): a literal string when it is ASCII, else
// UTF-16BE with its byte order mark, in hex.
func pdfString(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < 0x80
	}
	if ascii {
		return "(" + strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, "\r", `\r`).Replace(s) + ")"
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String() + ">"
}

// asciiJSON returns JSON text with every character beyond ASCII as a \u escape (a pair for one
// beyond the basic plane): the same JSON, in one PDF literal string.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c < 0x80:
			b.WriteRune(c)
		case c > 0xffff:
			hi, lo := utf16.EncodeRune(c)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&b, `\u%04x`, c)
		}
	}
	return b.String()
}

// pdfDate writes an RFC 3339 time as a PDF date (§7.9.4): D:YYYYMMDDHHmmSSZ.
func pdfDate(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return ""
	}
	return t.UTC().Format("D:20060102150405Z")
}

// ReadPDF returns the provenance in a PDF's document information dictionary (AppendPDFInfo); a
// PDF without it is a zero Record and no error.
func ReadPDF(r io.Reader) (Record, error) {
	pdf, err := io.ReadAll(io.LimitReader(r, maxPDF+1))
	if err != nil {
		return Record{}, err
	}
	if len(pdf) > maxPDF {
		return Record{}, fmt.Errorf("larger than %d bytes", maxPDF)
	}
	trailer, _, err := lastTrailer(pdf)
	if err != nil {
		return Record{}, err
	}
	info := pdfInfo.FindSubmatch(trailer)
	if info == nil {
		return Record{}, nil
	}
	at := bytes.LastIndex(pdf, []byte(fmt.Sprintf("\n%s %s obj", info[1], info[2])))
	if at < 0 {
		return Record{}, fmt.Errorf("the PDF's information dictionary %s is missing", info[1])
	}
	dict := pdf[at:]
	if end := bytes.Index(dict, []byte("endobj")); end >= 0 {
		dict = dict[:end]
	}
	k := bytes.Index(dict, []byte("/"+pdfKey))
	if k < 0 {
		return Record{}, nil
	}
	s, err := readPDFString(dict[k+len(pdfKey)+1:])
	if err != nil {
		return Record{}, fmt.Errorf("/%s: %v", pdfKey, err)
	}
	return ParseJSON(s)
}

// readPDFString reads the PDF string at the start of b (after spaces): a literal string as
// pdfString writes it, or a hex string of UTF-16BE with a byte order mark.
func readPDFString(b []byte) (string, error) {
	b = bytes.TrimLeft(b, " \r\n\t")
	switch {
	case bytes.HasPrefix(b, []byte("(")):
		var s strings.Builder
		for i := 1; i < len(b); i++ {
			switch c := b[i]; c {
			case ')':
				return s.String(), nil
			case '\\':
				if i++; i < len(b) {
					c := b[i]
					if e, ok := pdfEscapes[c]; ok {
						c = e
					}
					s.WriteByte(c)
				}
			default:
				s.WriteByte(c)
			}
		}
		return "", errors.New("unterminated string")
	case bytes.HasPrefix(b, []byte("<FEFF")):
		end := bytes.IndexByte(b, '>')
		if end < 0 || (end-5)%4 != 0 {
			return "", errors.New("bad hex string")
		}
		var u []uint16
		for i := 5; i < end; i += 4 {
			v, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
			if err != nil {
				return "", errors.New("bad hex string")
			}
			u = append(u, uint16(v))
		}
		return string(utf16.Decode(u)), nil
	}
	return "", errors.New("not a string")
}

// pdfEscapes are the escapes of literal strings that stand for another byte; any other escaped
// byte (\\, \(, \)) stands for itself.
var pdfEscapes = map[byte]byte{'r': '\r', 'n': '\n', 't': '\t', 'b': '\b', 'f': '\f'}
