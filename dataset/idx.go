package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/internal/memcap"
)

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte) and the number of dimensions.
// Format: http://yann.lecun.com/exdb/mnist/ ("THE IDX FILE FORMAT").
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
)

const (
	// maxIDXSide bounds the rows and columns an IDX image header may declare.
	maxIDXSide = 1 << 14
	// maxPixelBytes bounds the pixel bytes any header may declare (16 GiB, 64 GiB as float32).
	maxPixelBytes = 1 << 34
	// firstReadCap is how much a reader allocates before the stream has shown it holds more.
	firstReadCap = 1 << 16
)

// unitScale maps a pixel byte to [0,1]: unitScale[b] = b/255, so 255 maps to exactly 1.
var unitScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// ReadIDXImages reads an IDX file of unsigned-byte images (magic 0x00000803: count, rows, columns, then
// the pixels), gzipped or raw, into a Set with C = 1 whose Labels are nil and Classes is 0; attach labels
// with [ReadIDXLabels] or use [ReadIDX]. name is used in errors and as the set's Name.
//
// The header is checked before any large allocation, and the pixel buffer grows only as data arrives,
// so a header that claims more images than the stream holds fails with a "truncated" error without
// allocating what it claimed. Bytes after the pixels are an error.
func ReadIDXImages(r io.Reader, name string) (*Set, error) {
	r, err := gunzipIfCompressed(r, name)
	if err != nil {
		return nil, err
	}
	var hdr [16]byte
	if err := readIDXHeader(r, name, hdr[:], idxImagesMagic); err != nil {
		return nil, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[4:]))
	rows := int64(binary.BigEndian.Uint32(hdr[8:]))
	cols := int64(binary.BigEndian.Uint32(hdr[12:]))
	if rows < 1 || cols < 1 || rows > maxIDXSide || cols > maxIDXSide {
		return nil, fmt.Errorf("dataset: %s: image size %d×%d outside 1…%d", name, rows, cols, maxIDXSide)
	}
	if n > maxPixelBytes/(rows*cols) {
		return nil, fmt.Errorf("dataset: %s: header claims %d images of %d×%d, more than %d bytes", name, n, rows, cols, int64(maxPixelBytes))
	}
	if err := checkPixelMemory(name, n, rows*cols); err != nil {
		return nil, err
	}
	pix, err := readPayload(r, name, n*rows*cols, "pixels")
	if err != nil {
		return nil, err
	}
	images := make([]float32, len(pix))
	for i, b := range pix {
		images[i] = unitScale[b]
	}
	return &Set{Name: name, N: int(n), C: 1, H: int(rows), W: int(cols), Images: images}, nil
}

// ReadIDXLabels reads an IDX file of unsigned-byte labels (magic 0x00000801: count, then one byte per
// label), gzipped or raw. name is used in errors. Bytes after the labels are an error.
func ReadIDXLabels(r io.Reader, name string) ([]int, error) {
	r, err := gunzipIfCompressed(r, name)
	if err != nil {
		return nil, err
	}
	var hdr [8]byte
	if err := readIDXHeader(r, name, hdr[:], idxLabelsMagic); err != nil {
		return nil, err
	}
	n := int64(binary.BigEndian.Uint32(hdr[4:]))
	if err := memcap.Check(fmt.Sprintf("reading %d labels", n), memcap.Mul(n, 9)); err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	raw, err := readPayload(r, name, n, "labels")
	if err != nil {
		return nil, err
	}
	labels := make([]int, len(raw))
	for i, b := range raw {
		labels[i] = int(b)
	}
	return labels, nil
}

// ReadIDX reads a pair of IDX files (images, labels) into a complete Set with the given number of
// classes. It fails if the counts differ or a label is not in [0, classes). The set is named imagesName.
func ReadIDX(images, labels io.Reader, imagesName, labelsName string, classes int) (*Set, error) {
	s, err := ReadIDXImages(images, imagesName)
	if err != nil {
		return nil, err
	}
	l, err := ReadIDXLabels(labels, labelsName)
	if err != nil {
		return nil, err
	}
	if err := attachLabels(s, l, labelsName, classes); err != nil {
		return nil, err
	}
	return s, nil
}

// attachLabels checks labels against s and classes and stores them in s.
func attachLabels(s *Set, labels []int, labelsName string, classes int) error {
	if len(labels) != s.N {
		return fmt.Errorf("dataset: %s, %s: image count %d, labels %d", s.Name, labelsName, s.N, len(labels))
	}
	for i, l := range labels {
		if l < 0 || l >= classes {
			return fmt.Errorf("dataset: %s: label %d of image %d out of range [0,%d)", labelsName, l, i, classes)
		}
	}
	s.Labels = labels
	s.Classes = classes
	return nil
}

// readIDXHeader fills hdr from r and checks the magic number in its first four bytes.
func readIDXHeader(r io.Reader, name string, hdr []byte, want uint32) error {
	got, err := io.ReadFull(r, hdr)
	if got >= 4 {
		if magic := binary.BigEndian.Uint32(hdr); magic != want {
			return fmt.Errorf("dataset: %s: wrong magic 0x%08x, want 0x%08x (%s)%s",
				name, magic, want, idxKind(want), idxHint(magic))
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("dataset: %s: truncated header: want %d bytes, got %d", name, len(hdr), got)
		}
		return fmt.Errorf("dataset: %s: reading header: %w", name, err)
	}
	return nil
}

func idxKind(magic uint32) string {
	switch magic {
	case idxImagesMagic:
		return "IDX images"
	case idxLabelsMagic:
		return "IDX labels"
	}
	return "unknown"
}

// idxHint explains a wrong magic number that is a known kind of file.
func idxHint(magic uint32) string {
	switch {
	case magic == idxImagesMagic || magic == idxLabelsMagic:
		return "; this is an " + idxKind(magic) + " file"
	case magic>>16 == 0x1f8b:
		return "; this looks gzipped twice"
	case magic>>16 == 0 && magic>>8&0xff != 0x08:
		return fmt.Sprintf("; IDX element type 0x%02x is not unsigned bytes", magic>>8&0xff)
	}
	return ""
}

// readPayload reads exactly want bytes of what from r and then checks that r is at its end (which also
// makes a gzip reader verify its checksum). The buffer starts small and doubles only as data arrives.
func readPayload(r io.Reader, name string, want int64, what string) ([]byte, error) {
	buf := make([]byte, 0, min(want, firstReadCap))
	for int64(len(buf)) < want {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(want, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, fmt.Errorf("dataset: %s: truncated: want %d bytes of %s, got %d", name, want, what, len(buf))
			}
			var bomb *bombError
			if errors.As(err, &bomb) {
				return nil, fmt.Errorf("dataset: %s: %w", name, err)
			}
			return nil, fmt.Errorf("dataset: %s: reading %s: %w", name, what, err)
		}
	}
	extra, err := io.Copy(io.Discard, io.LimitReader(r, 1<<20))
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("dataset: %s: truncated: the gzip stream ends after the %s, before its checksum", name, what)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: after the %s: %w", name, what, err)
	}
	if extra > 0 {
		return nil, fmt.Errorf("dataset: %s: unexpected data after %d bytes of %s (header count too small?)", name, want, what)
	}
	return buf, nil
}

// gunzipIfCompressed returns a reader of r's content, decompressing it when it starts with the gzip
// magic bytes 1f 8b.
func gunzipIfCompressed(r io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("dataset: %s: %w", name, err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil
	}
	compressed := &countingReader{r: br}
	zr, err := gzip.NewReader(compressed)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: gzip header: %w", name, err)
	}
	return &bombGuard{r: zr, compressed: compressed}, nil
}
