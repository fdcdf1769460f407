package dataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/surfscope/surfscope/internal/memcap"
)

// Guards against files that ask for far more memory than they hold (issue 20: a 1.5 MB gzip
// stream of zeros expanded to 6.3 GB). Sizes a header declares are checked against the memory cap
// (internal/memcap) before anything is read; gzip streams are watched as they expand.
const (
	// gzipFloor is how far a gzip stream may expand before its ratio is watched (32 MiB): small
	// files are never refused for compressing well.
	gzipFloor = 32 << 20
	// maxGzipRatio is the most a gzip stream may expand beyond gzipFloor, decompressed bytes per
	// compressed byte. Image data compresses 2–5 times (MNIST's training images 4.7, Fashion-MNIST
	// 1.8); deflate's limit is about 1032, which only long runs of one byte reach.
	maxGzipRatio = 100
	// maxSmallFile bounds text files read whole, such as class names (1 MiB; CIFAR-100's
	// fine_label_names.txt is 800 bytes).
	maxSmallFile = 1 << 20
	// floatPixelBytes is what one pixel costs while a file is read: its byte and its float32.
	floatPixelBytes = 5
)

// checkPixelMemory checks that reading n images of rows×cols pixels (as bytes, then float32) fits
// the memory cap.
func checkPixelMemory(name string, n, pixels int64) error {
	if err := memcap.Check(fmt.Sprintf("reading %d images of %d pixels", n, pixels), memcap.Mul(n, pixels, floatPixelBytes)); err != nil {
		return fmt.Errorf("dataset: %s: %w", name, err)
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// errGzipBomb is what a bombGuard returns; readers wrap it with the file's name.
var errGzipBomb = errors.New("gzip bomb")

// bombGuard reads a decompressed stream and fails once it has expanded beyond gzipFloor more than
// maxGzipRatio times the compressed bytes read so far.
type bombGuard struct {
	r          io.Reader
	compressed *countingReader
	out        int64
}

func (g *bombGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.out += int64(n)
	if g.out > gzipFloor && g.out > maxGzipRatio*g.compressed.n {
		return n, &bombError{in: g.compressed.n, out: g.out}
	}
	return n, err
}

// bombError is a gzip stream that expanded more than maxGzipRatio-fold.
type bombError struct{ in, out int64 }

func (e *bombError) Error() string {
	return fmt.Sprintf("the gzip stream expands more than %d-fold (%s from %s so far), which image data does not: "+
		"a decompression bomb? If the data is real, gunzip it first", maxGzipRatio, memcap.Format(e.out), memcap.Format(e.in))
}

func (e *bombError) Unwrap() error { return errGzipBomb }

// readSmallFile reads a text file of at most maxSmallFile bytes from fsys; a larger one (or an
// endless one) is an error naming it.
func readSmallFile(fsys fs.FS, file, display string) ([]byte, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close() // read-only: a close error cannot lose data
	b, err := io.ReadAll(io.LimitReader(f, maxSmallFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSmallFile {
		return nil, fmt.Errorf("dataset: %s: larger than %d bytes, too large for a list of names", display, maxSmallFile)
	}
	return b, nil
}
