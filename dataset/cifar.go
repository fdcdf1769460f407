package dataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// cifarFormat describes one of the CIFAR binary record layouts
// (https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version"): label bytes, then 3072 pixel bytes,
// the 1024 red values of the 32×32 image row by row, then the green, then the blue, which is already
// the [C, H, W] layout of a Set.
type cifarFormat struct {
	name       string
	labelBytes int // 1 for CIFAR-10 (label); 2 for CIFAR-100 (coarse label, fine label)
	classes    int // classes of the label that is kept (the last label byte)
	coarse     int // classes of the coarse label (CIFAR-100), 0 if none
}

const (
	cifarSide   = 32
	cifarPixels = 3 * cifarSide * cifarSide
	// cifarChunk is how many records a reader converts at a time.
	cifarChunk = 256
)

var (
	cifar10Format  = cifarFormat{name: "CIFAR-10", labelBytes: 1, classes: 10}
	cifar100Format = cifarFormat{name: "CIFAR-100", labelBytes: 2, classes: 100, coarse: 20}
)

func (f cifarFormat) recordSize() int { return f.labelBytes + cifarPixels }

// ReadCIFAR10 reads a CIFAR-10 binary batch (data_batch_1.bin … test_batch.bin: 3073-byte records of a
// label in 0…9 and 3072 pixel bytes, red plane first). The set has C=3, H=W=32, Classes=10 and no class
// names; name is used in errors and as the set's Name. If r has a Stat method (as *os.File and fs.File
// do) its size is checked before reading.
func ReadCIFAR10(r io.Reader, name string) (*Set, error) {
	return readCIFARFile(r, name, cifar10Format)
}

// ReadCIFAR100 reads a CIFAR-100 binary file (train.bin, test.bin: 3074-byte records of a coarse label
// in 0…19, a fine label in 0…99 and 3072 pixel bytes, red plane first). The set keeps the fine labels:
// C=3, H=W=32, Classes=100, no class names. Otherwise as [ReadCIFAR10].
func ReadCIFAR100(r io.Reader, name string) (*Set, error) {
	return readCIFARFile(r, name, cifar100Format)
}

func readCIFARFile(r io.Reader, name string, f cifarFormat) (*Set, error) {
	size := int64(-1)
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	s := newCIFARSet(name, f)
	if size >= 0 {
		if err := checkCIFARSize(name, size, f); err != nil {
			return nil, err
		}
		if err := checkPixelMemory(name, size/int64(f.recordSize()), cifarPixels); err != nil {
			return nil, err
		}
		reserveImages(s, int(size)/f.recordSize())
	}
	if err := appendCIFAR(s, r, name, f); err != nil {
		return nil, err
	}
	return s, nil
}

func newCIFARSet(name string, f cifarFormat) *Set {
	return &Set{Name: name, C: 3, H: cifarSide, W: cifarSide, Classes: f.classes}
}

// reserveImages makes room in s for n more images without reallocating.
func reserveImages(s *Set, n int) {
	s.Images = append(make([]float32, 0, len(s.Images)+n*s.ImageSize()), s.Images...)
	s.Labels = append(make([]int, 0, len(s.Labels)+n), s.Labels...)
}

// checkCIFARSize reports an error if a file of size bytes cannot hold whole records of format f.
func checkCIFARSize(name string, size int64, f cifarFormat) error {
	rec := int64(f.recordSize())
	if size == 0 {
		return fmt.Errorf("dataset: %s: empty file, want %d-byte %s records", name, rec, f.name)
	}
	if size%rec != 0 {
		return fmt.Errorf("dataset: %s: size %d is not a multiple of the %d-byte %s record%s",
			name, size, rec, f.name, cifarHint(size, f))
	}
	return nil
}

// cifarHint names the other CIFAR format when a size fits it instead.
func cifarHint(size int64, f cifarFormat) string {
	for _, other := range []cifarFormat{cifar10Format, cifar100Format} {
		if other.name != f.name && size%int64(other.recordSize()) == 0 {
			return fmt.Sprintf(" (it is a multiple of %d: a %s file?)", other.recordSize(), other.name)
		}
	}
	return ""
}

// appendCIFAR reads records of format f from r until EOF and appends them to s.
func appendCIFAR(s *Set, r io.Reader, name string, f cifarFormat) error {
	rec := f.recordSize()
	buf := make([]byte, cifarChunk*rec)
	var total int64
	for record := 0; ; {
		n, err := io.ReadFull(r, buf)
		total += int64(n)
		if n%rec != 0 && errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("dataset: %s: size %d is not a multiple of the %d-byte %s record%s",
				name, total, rec, f.name, cifarHint(total, f))
		}
		whole := n / rec
		base := len(s.Images)
		if need := base + whole*cifarPixels; need > cap(s.Images) {
			// Size unknown: double, so a long stream costs O(1) copies per value (append grows by 1.25×).
			grown := make([]float32, base, max(need, 2*cap(s.Images)))
			copy(grown, s.Images)
			s.Images = grown
		}
		s.Images = s.Images[:base+whole*cifarPixels]
		for k := range whole {
			one := buf[k*rec : (k+1)*rec]
			label, err := f.label(one[:f.labelBytes], name, record)
			if err != nil {
				return err
			}
			s.Labels = append(s.Labels, label)
			dst := s.Images[base+k*cifarPixels : base+(k+1)*cifarPixels]
			for i, b := range one[f.labelBytes:] {
				dst[i] = unitScale[b]
			}
			s.N++
			record++
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			if total == 0 {
				return fmt.Errorf("dataset: %s: empty file, want %d-byte %s records", name, rec, f.name)
			}
			return nil
		default:
			return fmt.Errorf("dataset: %s: reading record %d: %w", name, record, err)
		}
	}
}

// label checks the label bytes of one record and returns the label kept.
func (f cifarFormat) label(b []byte, name string, record int) (int, error) {
	if f.coarse > 0 && int(b[0]) >= f.coarse {
		return 0, fmt.Errorf("dataset: %s: record %d: coarse label %d out of range [0,%d); not a %s file?",
			name, record, b[0], f.coarse, f.name)
	}
	l := int(b[len(b)-1])
	if l >= f.classes {
		return 0, fmt.Errorf("dataset: %s: record %d: label %d out of range [0,%d); not a %s file?",
			name, record, l, f.classes, f.name)
	}
	return l, nil
}
