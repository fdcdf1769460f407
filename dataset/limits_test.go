package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/surfscope/surfscope/internal/memcap"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// zeroBomb returns a gzip stream of an IDX header claiming count 28×28 images followed by size
// zero bytes (deflate shrinks them about 1000-fold).
func zeroBomb(t *testing.T, count uint32, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(idxImages(count, 0, 28, 28))
	zeros := make([]byte, 1<<20)
	for size > 0 {
		k := min(size, len(zeros))
		zw.Write(zeros[:k])
		size -= k
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A gzip bomb (issue 20: 381 KB of zeros claiming 500,000 images was accepted at 2.4 GB; 1.5 MB
// took 6.3 GB) fails once the stream has expanded past gzipFloor at more than maxGzipRatio, with
// an error naming the file and what to do, having allocated little more than gzipFloor.
func TestGzipBombIsRefused(t *testing.T) {
	t.Setenv(memcap.EnvVar, "off") // the ratio alone; the cap is TestReadIDXHeaderOverTheMemoryCap
	bomb := zeroBomb(t, 500_000, gzipFloor+8<<20)
	var err error
	got := allocated(func() { _, err = ReadIDXImages(bytes.NewReader(bomb), "bomb.gz") })
	if err == nil || !strings.Contains(err.Error(), "dataset: bomb.gz: the gzip stream expands more than 100-fold") ||
		!strings.Contains(err.Error(), "gunzip it first") {
		t.Fatalf("err = %v", err)
	}
	if got > 8*gzipFloor { // the doubling buffer's allocations up to the floor, in all
		t.Errorf("allocated %d MB before refusing a %d kB bomb", got>>20, len(bomb)>>10)
	}
	// Labels alike.
	var lb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&lb, gzip.BestCompression)
	zw.Write(idxLabels(100_000_000))
	zw.Write(make([]byte, gzipFloor+8<<20))
	zw.Close()
	if _, err := ReadIDXLabels(&lb, "labels.gz"); err == nil || !strings.Contains(err.Error(), "decompression bomb") {
		t.Errorf("labels: %v", err)
	}
}

// Image data compresses far less than maxGzipRatio: noisy pixels past gzipFloor pass, and the
// MNIST files of the Go module cache (when present) expand 4–5-fold (their gzip trailers say).
func TestGzipOfRealisticDataPasses(t *testing.T) {
	t.Setenv(memcap.EnvVar, "off")
	const n = 44_000 // 34.5 MB of pixels: past gzipFloor
	data := idxImages(n, 0, 28, 28)
	r := rand.New(rand.NewPCG(1, 2))
	for range n * 784 / 8 {
		v := r.Uint64() & 0x0707070707070707 // 3 bits of noise a pixel
		data = binary.LittleEndian.AppendUint64(data, v)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	zw.Write(data)
	zw.Close()
	s, err := ReadIDXImages(&z, "train.gz")
	if err != nil || s.N != n {
		t.Fatalf("%v", err)
	}
	dir, err := MNISTDir()
	if err != nil {
		t.Skipf("no MNIST to measure: %v", err)
	}
	for _, name := range []string{"train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		ratio := float64(binary.LittleEndian.Uint32(b[len(b)-4:])) / float64(len(b)) // ISIZE, RFC 1952
		if ratio > maxGzipRatio/10 {
			t.Errorf("%s expands %.1f-fold", name, ratio)
		}
		t.Logf("%s expands %.1f-fold", name, ratio)
	}
}

// A header whose images would not fit the memory cap is refused before any pixel is read.
func TestReadIDXHeaderOverTheMemoryCap(t *testing.T) {
	t.Setenv(memcap.EnvVar, "1GB")
	var err error
	got := allocated(func() { _, err = ReadIDXImages(bytes.NewReader(idxImages(2_000_000, 1, 28, 28)), "big") })
	if err == nil || !strings.Contains(err.Error(), "dataset: big: reading 2000000 images of 784 pixels needs about 7.8 GB") ||
		!strings.Contains(err.Error(), "SURFSCOPE_MAX_MEMORY") {
		t.Fatalf("err = %v", err)
	}
	if got > 1<<20 {
		t.Errorf("allocated %d bytes before refusing", got)
	}
	fsys := fstest.MapFS{"test_batch.bin": {Data: cifarRecords([]byte{1}, []byte{2}, []byte{3})}}
	t.Setenv(memcap.EnvVar, "40kB")
	if _, err := OpenFS(fsys, "cif", Test); err == nil || !strings.Contains(err.Error(), "reading 3 images of 3072 pixels") {
		t.Errorf("CIFAR over the cap: %v", err)
	}
}

// A class-names file that is huge (a sparse 2.1 GB file took 12 s and 4.2 GB) or endless is one
// error naming it, after reading at most maxSmallFile bytes.
func TestClassNamesFileIsReadThroughALimit(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "test_batch.bin"), cifarRecords([]byte{1}), 0o644); err != nil {
		t.Fatal(err)
	}
	names := filepath.Join(dir, "batches.meta.txt")
	f, err := os.Create(names)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2100 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	got := allocated(func() { _, err = Open(dir, Test) })
	if err == nil || !strings.Contains(err.Error(), "batches.meta.txt: larger than 1048576 bytes") {
		t.Fatalf("err = %v", err)
	}
	if got > 16<<20 {
		t.Errorf("allocated %d MB to refuse the file", got>>20)
	}
}
