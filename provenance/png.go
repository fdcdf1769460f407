package provenance

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// PNG chunk layout (W3C PNG, 3rd ed., §5.3): a 4-byte big-endian data length, a 4-byte type, the
// data, and the CRC-32 (ISO 3309, as hash/crc32's IEEE table) of type and data. IHDR comes first
// and is 13 bytes long; text chunks may come anywhere after it (§5.6).
const (
	pngSignature = "\x89PNG\r\n\x1a\n"
	ihdrLen      = 8 + 8 + 13 + 4 // signature, length and type, data, CRC
	// KeyPrefix starts the keyword of every provenance text chunk: "surfscope:model_sha256".
	KeyPrefix = "surfscope:"
)

// PNGWriter passes a PNG stream through to w and inserts r's text chunks right after IHDR. Close
// reports a stream that was not a PNG or ended before IHDR; it does not close w.
type PNGWriter struct {
	w      io.Writer
	chunks []byte
	head   []byte // the bytes up to the end of IHDR, until they are all seen
	done   bool
}

// NewPNGWriter returns a PNGWriter that gives the stream written to it r's provenance.
func NewPNGWriter(w io.Writer, r Record) *PNGWriter {
	return &PNGWriter{w: w, chunks: PNGChunks(r)}
}

func (p *PNGWriter) Write(b []byte) (int, error) {
	if p.done {
		return p.w.Write(b)
	}
	n := min(len(b), ihdrLen-len(p.head))
	p.head = append(p.head, b[:n]...)
	if len(p.head) < ihdrLen {
		return len(b), nil
	}
	if string(p.head[:8]) != pngSignature || string(p.head[12:16]) != "IHDR" || binary.BigEndian.Uint32(p.head[8:12]) != 13 {
		return 0, errors.New("provenance: the stream is not a PNG starting with IHDR")
	}
	p.done = true
	for _, part := range [][]byte{p.head, p.chunks, b[n:]} {
		if _, err := p.w.Write(part); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// Close reports whether the whole of IHDR went through.
func (p *PNGWriter) Close() error {
	if !p.done {
		return errors.New("provenance: the PNG stream ended before its IHDR chunk")
	}
	return nil
}

// PNGChunks returns the tEXt chunks that carry r: "Software", "Creation Time", then one per field
// keyed KeyPrefix + key; none for a zero record. tEXt holds Latin-1, so a value with characters beyond printable ASCII is
// written quoted as QuoteValue does (a JSON string with \u escapes): unlike iTXt, which ImageMagick
// 6 ignores, every tool that lists PNG text shows it.
func PNGChunks(r Record) []byte {
	if r.IsZero() {
		return nil
	}
	var b bytes.Buffer
	text := []Field{{"Software", r.Software()}, {"Creation Time", r.Time}}
	for _, f := range r.Fields() {
		text = append(text, Field{KeyPrefix + f.Key, f.Value})
	}
	for _, f := range text {
		if f.Value != "" {
			writeChunk(&b, "tEXt", []byte(f.Key+"\x00"+QuoteValue(f.Value)))
		}
	}
	return b.Bytes()
}

func writeChunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	b.Write(n[:])
}

// maxTextChunk bounds the text chunks ReadPNG reads (image data is skipped, whatever its size).
const maxTextChunk = 1 << 20

// ReadPNGText returns the text chunks of a PNG stream (tEXt, iTXt and zTXt, in file order, keyword
// and text), checking every chunk's CRC. Image data is skipped.
func ReadPNGText(r io.Reader) ([]Field, error) {
	br := bufio.NewReader(r)
	sig := make([]byte, 8)
	if _, err := io.ReadFull(br, sig); err != nil || string(sig) != pngSignature {
		return nil, errors.New("not a PNG file")
	}
	var out []Field
	for {
		var head [8]byte
		if _, err := io.ReadFull(br, head[:]); err != nil {
			return nil, errors.New("the PNG ends before its IEND chunk")
		}
		n, typ := binary.BigEndian.Uint32(head[:4]), string(head[4:])
		if typ == "IEND" {
			return out, nil
		}
		if typ != "tEXt" && typ != "iTXt" && typ != "zTXt" {
			if n > 1<<31-1 {
				return nil, fmt.Errorf("the PNG's %q chunk claims %d bytes", typ, n)
			}
			if _, err := br.Discard(int(n) + 4); err != nil {
				return nil, fmt.Errorf("the PNG's %q chunk is truncated", typ)
			}
			continue
		}
		if n > maxTextChunk {
			return nil, fmt.Errorf("a %s chunk of %d bytes is larger than %d", typ, n, maxTextChunk)
		}
		data := make([]byte, n+4)
		if _, err := io.ReadFull(br, data); err != nil {
			return nil, fmt.Errorf("the PNG's %s chunk is truncated", typ)
		}
		crc := crc32.NewIEEE()
		crc.Write(head[4:])
		crc.Write(data[:n])
		if crc.Sum32() != binary.BigEndian.Uint32(data[n:]) {
			return nil, fmt.Errorf("a %s chunk has a wrong CRC", typ)
		}
		f, err := decodeText(typ, data[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
}

// decodeText decodes the data of a tEXt, zTXt or iTXt chunk (PNG §11.3.3).
func decodeText(typ string, data []byte) (Field, error) {
	key, rest, ok := bytes.Cut(data, []byte{0})
	if !ok || len(key) == 0 || len(key) > 79 {
		return Field{}, fmt.Errorf("a %s chunk has no valid keyword", typ)
	}
	switch typ {
	case "tEXt":
		return Field{latin1(key), latin1(rest)}, nil
	case "zTXt":
		if len(rest) < 1 || rest[0] != 0 {
			return Field{}, fmt.Errorf("zTXt %q: unknown compression method", key)
		}
		text, err := inflate(rest[1:])
		if err != nil {
			return Field{}, fmt.Errorf("zTXt %q: %v", key, err)
		}
		return Field{latin1(key), latin1(text)}, nil
	}
	if len(rest) < 2 {
		return Field{}, fmt.Errorf("iTXt %q is truncated", key)
	}
	compressed, method := rest[0], rest[1]
	parts := bytes.SplitN(rest[2:], []byte{0}, 3) // language tag, translated keyword, text
	if len(parts) != 3 {
		return Field{}, fmt.Errorf("iTXt %q is truncated", key)
	}
	text := parts[2]
	if compressed != 0 {
		if method != 0 {
			return Field{}, fmt.Errorf("iTXt %q: unknown compression method", key)
		}
		var err error
		if text, err = inflate(text); err != nil {
			return Field{}, fmt.Errorf("iTXt %q: %v", key, err)
		}
	}
	return Field{latin1(key), string(text)}, nil
}

func inflate(b []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxTextChunk+1))
	if err == nil && len(out) > maxTextChunk {
		err = fmt.Errorf("more than %d bytes of text", maxTextChunk)
	}
	return out, err
}

// latin1 decodes ISO 8859-1 bytes, tEXt's encoding, to UTF-8.
func latin1(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		s.WriteRune(rune(c))
	}
	return s.String()
}

// ReadPNG returns the provenance in a PNG stream's text chunks; a PNG without any is a zero
// Record and no error.
func ReadPNG(r io.Reader) (Record, error) {
	text, err := ReadPNGText(r)
	if err != nil {
		return Record{}, err
	}
	var fields []Field
	for _, f := range text {
		if k, ok := strings.CutPrefix(f.Key, KeyPrefix); ok {
			v, err := UnquoteValue(f.Value)
			if err != nil {
				return Record{}, fmt.Errorf("text chunk %s: %v", f.Key, err)
			}
			fields = append(fields, Field{k, v})
		}
	}
	return FromFields(fields)
}
