package dataset

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzReadIDX feeds arbitrary bytes to both IDX readers and the CIFAR readers: they must return a set
// consistent with its header or an error starting "dataset: ", never panic or hang. Run it with
// `go test -fuzz FuzzReadIDX -fuzzminimizetime 100x ./dataset`: the default minimisation budget (60 s per
// new input) stalls the exec counter for long stretches.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxImages(2, 2, 3, 3))
	f.Add(gzipped(idxImages(2, 2, 3, 3)))
	f.Add(idxImages(1000, 1, 28, 28))
	f.Add(idxLabels(3, 1, 2, 3))
	f.Add(gzipped(idxLabels(3, 1, 2, 3)))
	f.Add([]byte{0x1f, 0x8b})
	f.Add(cifarRecords([]byte{1}))
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
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "dataset: fuzz") {
		t.Fatalf("error without the package and file name: %v", err)
	}
}
