package dataset

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzReadIDX feeds arbitrary bytes to both IDX readers: they must return a set consistent with
// its header or an error starting "dataset: ", never panic or hang. Run it with
// `go test -fuzz FuzzReadIDX -fuzzminimizetime 100x ./dataset`: the default minimisation budget (60 s per
// new input) stalls the exec counter for long stretches.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxImages(2, 2, 3, 3))
	f.Add(gzipped(idxImages(2, 2, 3, 3)))
	f.Add(idxImages(1000, 1, 28, 28))
	f.Add(idxLabels(3, 1, 2, 3))
	f.Add(gzipped(idxLabels(3, 1, 2, 3)))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ReadIDXImages(bytes.NewReader(data), "fuzz"); err != nil {
			checkErr(t, err)
		} else if len(s.Images) != s.N*s.H*s.W || s.C != 1 {
			t.Fatalf("images: %d values for %d×%d×%d", len(s.Images), s.N, s.H, s.W)
		}
		if labels, err := ReadIDXLabels(bytes.NewReader(data), "fuzz"); err != nil {
			checkErr(t, err)
		} else {
			for _, l := range labels {
				if l < 0 || l > 255 {
					t.Fatalf("label %d", l)
				}
			}
		}
	})
}

// FuzzReadCIFAR feeds arbitrary bytes to the CIFAR-10 and CIFAR-100 readers, and a folder of
// them with an arbitrary class-names file to OpenFS: a set that passes Check or an error starting
// "dataset: " and naming the file, never a panic.
func FuzzReadCIFAR(f *testing.F) {
	f.Add(cifarRecords([]byte{1}), []byte("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"))
	f.Add(cifarRecords([]byte{3, 42}, []byte{19, 99}), []byte(""))
	f.Add(cifarRecords([]byte{10}), []byte("\n\n"))
	f.Add([]byte{}, []byte("x"))
	f.Fuzz(func(t *testing.T, data, names []byte) {
		for _, read := range []func(*bytes.Reader, string) (*Set, error){
			func(r *bytes.Reader, n string) (*Set, error) { return ReadCIFAR10(r, n) },
			func(r *bytes.Reader, n string) (*Set, error) { return ReadCIFAR100(r, n) },
		} {
			if s, err := read(bytes.NewReader(data), "fuzz"); err != nil {
				checkErr(t, err)
			} else if err := s.Check(); err != nil {
				t.Fatal(err)
			}
		}
		fsys := fstest.MapFS{"test_batch.bin": {Data: data}, "batches.meta.txt": {Data: names}}
		if s, err := OpenFS(fsys, "fuzz", Test); err != nil {
			checkErr(t, err)
		} else if err := s.Check(); err != nil || len(s.ClassNames) != 10 {
			t.Fatalf("%v, %d class names", err, len(s.ClassNames))
		}
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "dataset: fuzz") {
		t.Fatalf("error without the package and file name: %v", err)
	}
}
