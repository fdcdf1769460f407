package provenance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// GIF layout (GIF89a specification, W3C/CompuServe 1990): a 6-byte header, a 7-byte logical screen
// descriptor whose packed byte says whether a global colour table of 3·2^(size+1) bytes follows,
// then extensions (0x21, a label, data sub-blocks of at most 255 bytes ended by an empty one) and
// images (0x2C …) up to the trailer 0x3B. A comment extension has label 0xFE (§24).

// GIFWriter passes a GIF stream through to w and inserts r's text form (Text) as a comment
// extension right after the global colour table, before any image or the looping extension.
// Close reports a stream that ended before that point; it does not close w.
type GIFWriter struct {
	w       io.Writer
	comment []byte
	head    []byte
	need    int // bytes up to the end of the global colour table; 0 until the screen descriptor is seen
	done    bool
}

// NewGIFWriter returns a GIFWriter that gives the stream written to it r's provenance.
func NewGIFWriter(w io.Writer, r Record) *GIFWriter {
	return &GIFWriter{w: w, comment: gifComment(r.Text())}
}

func (g *GIFWriter) Write(b []byte) (int, error) {
	if g.done {
		return g.w.Write(b)
	}
	total := len(b)
	for len(b) > 0 && !g.done {
		want := 13
		if g.need > 0 {
			want = g.need
		}
		n := min(len(b), want-len(g.head))
		g.head, b = append(g.head, b[:n]...), b[n:]
		if len(g.head) < want {
			continue
		}
		if g.need == 0 {
			if s := string(g.head[:6]); s != "GIF87a" && s != "GIF89a" {
				return 0, errors.New("provenance: the stream is not a GIF")
			}
			g.need = 13
			if flags := g.head[10]; flags&0x80 != 0 {
				g.need += 3 << (flags&7 + 1)
			}
			if len(g.head) < g.need {
				continue
			}
		}
		g.done = true
		copy(g.head[:6], "GIF89a") // comment extensions are GIF89a
		for _, part := range [][]byte{g.head, g.comment} {
			if _, err := g.w.Write(part); err != nil {
				return 0, err
			}
		}
	}
	if len(b) > 0 {
		if _, err := g.w.Write(b); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// Close reports whether the whole header and global colour table went through.
func (g *GIFWriter) Close() error {
	if !g.done {
		return errors.New("provenance: the GIF stream ended before its global colour table")
	}
	return nil
}

// gifComment encodes text as a comment extension: 0x21 0xFE, sub-blocks, 0.
func gifComment(text string) []byte {
	out := []byte{0x21, 0xFE}
	for len(text) > 0 {
		n := min(len(text), 255)
		out = append(append(out, byte(n)), text[:n]...)
		text = text[n:]
	}
	return append(out, 0)
}

// ReadGIF returns the provenance in a GIF's comment extensions (the first comment that starts with
// the "surfscope" field); a GIF without one is a zero Record and no error.
func ReadGIF(r io.Reader) (Record, error) {
	br := bufio.NewReader(r)
	head := make([]byte, 13)
	if _, err := io.ReadFull(br, head); err != nil || (string(head[:6]) != "GIF87a" && string(head[:6]) != "GIF89a") {
		return Record{}, errors.New("not a GIF file")
	}
	if head[10]&0x80 != 0 {
		if _, err := br.Discard(3 << (head[10]&7 + 1)); err != nil {
			return Record{}, errors.New("the GIF's colour table is truncated")
		}
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return Record{}, errors.New("the GIF ends before its trailer")
		}
		switch c {
		case 0x3B:
			return Record{}, nil
		case 0x21:
			label, err := br.ReadByte()
			if err != nil {
				return Record{}, errors.New("the GIF ends inside an extension")
			}
			data, err := readSubBlocks(br, label == 0xFE)
			if err != nil {
				return Record{}, err
			}
			if label == 0xFE && strings.HasPrefix(string(data), "surfscope: ") {
				return ParseText(string(data), "")
			}
		case 0x2C:
			if err := skipGIFImage(br); err != nil {
				return Record{}, err
			}
		default:
			return Record{}, fmt.Errorf("the GIF has an unknown block 0x%02x", c)
		}
	}
}

// skipGIFImage skips an image: the rest of its descriptor, its local colour table, the LZW
// minimum code size and its data sub-blocks.
func skipGIFImage(br *bufio.Reader) error {
	desc := make([]byte, 9)
	if _, err := io.ReadFull(br, desc); err != nil {
		return errors.New("the GIF ends inside an image descriptor")
	}
	skip := 1 // LZW minimum code size
	if desc[8]&0x80 != 0 {
		skip += 3 << (desc[8]&7 + 1)
	}
	if _, err := br.Discard(skip); err != nil {
		return errors.New("the GIF ends inside an image")
	}
	_, err := readSubBlocks(br, false)
	return err
}

// readSubBlocks reads data sub-blocks up to the empty one, keeping their bytes when keep is set.
func readSubBlocks(br *bufio.Reader, keep bool) ([]byte, error) {
	var out []byte
	for {
		n, err := br.ReadByte()
		if err != nil {
			return nil, errors.New("the GIF ends inside a block")
		}
		if n == 0 {
			return out, nil
		}
		if !keep {
			if _, err := br.Discard(int(n)); err != nil {
				return nil, errors.New("the GIF ends inside a block")
			}
			continue
		}
		if len(out)+int(n) > maxTextChunk {
			return nil, fmt.Errorf("a GIF comment longer than %d bytes", maxTextChunk)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, errors.New("the GIF ends inside a block")
		}
		out = append(out, b...)
	}
}
