package dataset

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadCIFAR10(t *testing.T) {
	data := cifarRecords([]byte{3}, []byte{9}, []byte{0})
	// Through a plain reader (size unknown) and through an fs.File (size checked first).
	fsys := fstest.MapFS{"b.bin": {Data: data}}
	f, err := fsys.Open("b.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, r := range []io.Reader{bytes.NewReader(data), f} {
		s, err := ReadCIFAR10(r, "b.bin")
		if err != nil {
			t.Fatal(err)
		}
		if s.N != 3 || s.C != 3 || s.H != 32 || s.W != 32 || s.Classes != 10 || len(s.Images) != 3*3072 {
			t.Fatalf("shape %d×%d×%d×%d classes %d, %d values", s.N, s.C, s.H, s.W, s.Classes, len(s.Images))
		}
		if err := s.Check(); err != nil {
			t.Fatal(err)
		}
		if got := s.Labels; got[0] != 3 || got[1] != 9 || got[2] != 0 {
			t.Errorf("labels %v, want [3 9 0]", got)
		}
		checkCIFARPixels(t, s)
	}
}

// checkCIFARPixels checks the channel layout: the file's first 1024 pixel bytes are the red plane, row by
// row, and must land at channel 0 ([C,H,W]); byte 1024+32*y+x is green at row y, column x.
func checkCIFARPixels(t *testing.T, s *Set) {
	t.Helper()
	for i := range s.N {
		img := s.Image(i)
		for _, p := range []struct{ c, y, x int }{{0, 0, 0}, {0, 0, 31}, {0, 1, 0}, {1, 0, 0}, {1, 5, 7}, {2, 31, 31}} {
			want := float32(pixelByte(i, p.c*1024+p.y*32+p.x)) / 255
			if got := img[(p.c*32+p.y)*32+p.x]; got != want {
				t.Fatalf("image %d channel %d (%d,%d) = %v, want %v", i, p.c, p.y, p.x, got, want)
			}
		}
	}
}

func TestReadCIFAR100(t *testing.T) {
	data := cifarRecords([]byte{19, 99}, []byte{0, 42})
	s, err := ReadCIFAR100(bytes.NewReader(data), "train.bin")
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2 || s.Classes != 100 || s.Labels[0] != 99 || s.Labels[1] != 42 {
		t.Fatalf("N %d classes %d labels %v, want 2, 100, [99 42] (fine labels)", s.N, s.Classes, s.Labels)
	}
	checkCIFARPixels(t, s)
}

func TestReadCIFARMalformed(t *testing.T) {
	two10 := cifarRecords([]byte{1}, []byte{2})
	for _, tc := range []struct {
		name      string
		read      func(io.Reader, string) (*Set, error)
		data      []byte
		wantError string
	}{
		{"cut record", ReadCIFAR10, two10[:5000], "size 5000 is not a multiple of the 3073-byte CIFAR-10 record"},
		{"empty", ReadCIFAR10, nil, "empty file"},
		{"label out of range", ReadCIFAR10, cifarRecords([]byte{1}, []byte{10}), "record 1: label 10 out of range [0,10)"},
		{"CIFAR-10 read as CIFAR-100", ReadCIFAR100, cifarRecords([]byte{1}, []byte{2}, []byte{3}),
			"size 9219 is not a multiple of the 3074-byte CIFAR-100 record (it is a multiple of 3073: a CIFAR-10 file?)"},
		{"coarse label out of range", ReadCIFAR100, cifarRecords([]byte{20, 1}), "record 0: coarse label 20 out of range [0,20)"},
		{"fine label out of range", ReadCIFAR100, cifarRecords([]byte{1, 100}), "record 0: label 100 out of range [0,100)"},
		{"CIFAR-100 read as CIFAR-10", ReadCIFAR10, cifarRecords([]byte{1, 2}, []byte{1, 2}, []byte{1, 2}),
			"size 9222 is not a multiple of the 3073-byte CIFAR-10 record (it is a multiple of 3074: a CIFAR-100 file?)"},
	} {
		for _, via := range []string{"reader", "fs.File"} {
			t.Run(tc.name+"/"+via, func(t *testing.T) {
				var r io.Reader = bytes.NewReader(tc.data)
				if via == "fs.File" {
					f, err := fstest.MapFS{"x.bin": {Data: tc.data}}.Open("x.bin")
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					r = f
				}
				_, err := tc.read(r, "x.bin")
				if err == nil || !strings.HasPrefix(err.Error(), "dataset: x.bin: ") || !strings.Contains(err.Error(), tc.wantError) {
					t.Errorf("err = %v\nwant \"dataset: x.bin: …%s…\"", err, tc.wantError)
				}
			})
		}
	}
}

func TestKnownClassNames(t *testing.T) {
	for name, tc := range map[string]struct {
		names []string
		n     int
	}{"digits": {DigitNames, 10}, "fashion": {FashionNames, 10}, "cifar10": {CIFAR10Names, 10}, "cifar100": {CIFAR100Names, 100}} {
		if len(tc.names) != tc.n {
			t.Errorf("%s: %d names, want %d", name, len(tc.names), tc.n)
		}
		seen := map[string]bool{}
		for _, n := range tc.names {
			if seen[n] {
				t.Errorf("%s: %q repeated", name, n)
			}
			seen[n] = true
		}
	}
	// fine_label_names.txt lists the CIFAR-100 classes in alphabetical order, as do the labels.
	if !slices.IsSorted(CIFAR100Names) || !slices.IsSorted(CIFAR10Names) {
		t.Error("CIFAR class names must be in label (alphabetical) order")
	}
}
