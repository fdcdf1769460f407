package dataset

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// idxFS returns an fs with both MNIST-style splits (train: 3 images, test: 2) under dir.
func idxFS(dir string, gz bool) fstest.MapFS {
	enc, ext := func(b []byte) []byte { return b }, ""
	if gz {
		enc, ext = gzipped, ".gz"
	}
	return fstest.MapFS{
		path.Join(dir, "train-images-idx3-ubyte"+ext): {Data: enc(idxImages(3, 3, 28, 28))},
		path.Join(dir, "train-labels-idx1-ubyte"+ext): {Data: enc(idxLabels(3, 5, 0, 4))},
		path.Join(dir, "t10k-images-idx3-ubyte"+ext):  {Data: enc(idxImages(2, 2, 28, 28))},
		path.Join(dir, "t10k-labels-idx1-ubyte"+ext):  {Data: enc(idxLabels(2, 7, 2))},
	}
}

func cifar10FS(dir string) fstest.MapFS {
	fsys := fstest.MapFS{path.Join(dir, "test_batch.bin"): {Data: cifarRecords([]byte{4})}}
	for i := 1; i <= 5; i++ { // batch i holds i records labelled i
		var labels [][]byte
		for range i {
			labels = append(labels, []byte{byte(i)})
		}
		fsys[path.Join(dir, "data_batch_"+string(rune('0'+i))+".bin")] = &fstest.MapFile{Data: cifarRecords(labels...)}
	}
	return fsys
}

func TestOpenFSFormats(t *testing.T) {
	names10 := "plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n"
	withNames := cifar10FS("cifar-10-batches-bin")
	withNames["cifar-10-batches-bin/batches.meta.txt"] = &fstest.MapFile{Data: []byte(names10)}
	for _, tc := range []struct {
		name      string
		fsys      fstest.MapFS
		split     string
		n, c, hw  int
		classes   int
		labels    []int
		className string // name of class 1
	}{
		{"mnist", idxFS(".", true), Train, 3, 1, 28, 10, []int{5, 0, 4}, "1"},
		{"mnist", idxFS(".", false), Test, 2, 1, 28, 10, []int{7, 2}, "1"},
		{"torchvision", idxFS("MNIST/raw", false), Train, 3, 1, 28, 10, []int{5, 0, 4}, "1"},
		{"my-fashion", idxFS(".", true), Test, 2, 1, 28, 10, []int{7, 2}, "Trouser"},
		{"data", idxFS("FashionMNIST/raw", true), Test, 2, 1, 28, 10, []int{7, 2}, "Trouser"},
		{"cifar10", cifar10FS("."), Train, 15, 3, 32, 10, []int{1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5}, "automobile"},
		{"cifar10", withNames, Test, 1, 3, 32, 10, []int{4}, "car"},
		{"cifar100", fstest.MapFS{"cifar-100-binary/test.bin": {Data: cifarRecords([]byte{1, 77}, []byte{2, 3})}},
			Test, 2, 3, 32, 100, []int{77, 3}, "aquarium_fish"},
	} {
		s, err := OpenFS(tc.fsys, tc.name, tc.split)
		if err != nil {
			t.Errorf("%s/%s: %v", tc.name, tc.split, err)
			continue
		}
		if err := s.Check(); err != nil {
			t.Error(err)
		}
		if s.Name != tc.name+"/"+tc.split || s.N != tc.n || s.C != tc.c || s.H != tc.hw || s.W != tc.hw || s.Classes != tc.classes ||
			!slices.Equal(s.Labels, tc.labels) || s.ClassName(1) != tc.className {
			t.Errorf("%s/%s: got %q N %d %d×%d×%d classes %d labels %v class 1 %q", tc.name, tc.split,
				s.Name, s.N, s.C, s.H, s.W, s.Classes, s.Labels, s.ClassName(1))
		}
	}
}

// Labels beyond 9 in a folder set the class count (EMNIST letters: 26), as long as most classes
// have images; a stray label 255 among digits is an error naming the file and the label.
func TestOpenFSFolderLabelsSetClassCount(t *testing.T) {
	fsys := idxFS(".", false)
	labels := make([]byte, 26)
	for i := range labels {
		labels[i] = byte(25 - i)
	}
	fsys["train-images-idx3-ubyte"].Data = idxImages(26, 26, 28, 28)
	fsys["train-labels-idx1-ubyte"].Data = idxLabels(26, labels...)
	s, err := OpenFS(fsys, "letters", Train)
	if err != nil {
		t.Fatal(err)
	}
	if s.Classes != 26 || s.ClassNames != nil {
		t.Errorf("classes %d names %v, want 26 unnamed", s.Classes, s.ClassNames)
	}
	fsys["train-images-idx3-ubyte"].Data = idxImages(3, 3, 28, 28)
	fsys["train-labels-idx1-ubyte"].Data = idxLabels(3, 0, 255, 3)
	_, err = OpenFS(fsys, "digits", Train)
	if err == nil || !strings.Contains(err.Error(), "digits/train-labels-idx1-ubyte: label 255 (image 1) would make 256 classes, 253 of them without an image") {
		t.Errorf("a label of 255 among digits: %v", err)
	}
}

func TestOpenFSErrors(t *testing.T) {
	noTest := idxFS(".", true)
	delete(noTest, "t10k-labels-idx1-ubyte.gz")
	missingBatch := cifar10FS(".")
	delete(missingBatch, "data_batch_3.bin")
	badBatch := cifar10FS(".")
	badBatch["data_batch_2.bin"].Data = badBatch["data_batch_2.bin"].Data[:4000]
	badNames := cifar10FS(".")
	badNames["batches.meta.txt"] = &fstest.MapFile{Data: []byte("a\nb\n")}
	mnistLabels := idxFS(".", false)
	mnistLabels["train-labels-idx1-ubyte"].Data = idxLabels(2, 5, 0)
	cifar100AsWrong := fstest.MapFS{"train.bin": {Data: cifarRecords([]byte{1}, []byte{2})}}
	for _, tc := range []struct {
		name  string
		fsys  fstest.MapFS
		split string
		want  string
	}{
		{"empty", fstest.MapFS{"README": {}}, Train, "dataset: d: no data set found"},
		{"bad split", idxFS(".", true), "validation", `unknown split "validation"`},
		{"no test labels", noTest, Test, "dataset: d: no test split: want t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]"},
		{"missing batch", missingBatch, Train, "dataset: d: missing data_batch_3.bin"},
		{"cut batch", badBatch, Train, "dataset: d/data_batch_2.bin: size 4000 is not a multiple of the 3073-byte CIFAR-10 record"},
		{"names", badNames, Test, "dataset: d/batches.meta.txt: 2 class names, want 10"},
		{"labels", mnistLabels, Train, "dataset: d/train-images-idx3-ubyte, d/train-labels-idx1-ubyte: image count 3, labels 2"},
		{"cifar100 records", cifar100AsWrong, Train, "dataset: d/train.bin: size 6146 is not a multiple of the 3074-byte CIFAR-100 record"},
	} {
		_, err := OpenFS(tc.fsys, "d", tc.split)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v\nwant %q", tc.name, err, tc.want)
		}
	}
}

func TestOpenFolderAndEnv(t *testing.T) {
	dir := t.TempDir()
	for name, f := range cifar10FS("cifar-10-batches-bin") {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(dir, Test)
	if err != nil || s.N != 1 || s.Name != dir+"/test" {
		t.Fatalf("Open(folder): %v, %+v", err, s)
	}
	_, err = Open(path.Join(dir, "nope"), Test)
	if err == nil || !strings.Contains(err.Error(), "not one of mnist, fashion, cifar10, cifar100, sample, and not a folder") {
		t.Errorf("unknown name: %v", err)
	}

	t.Setenv(EnvCIFAR10, "")
	if _, err := Open(CIFAR10, Test); err == nil || !strings.Contains(err.Error(), "set SURFSCOPE_CIFAR10") {
		t.Errorf("cifar10 without env: %v", err)
	}
	t.Setenv(EnvCIFAR10, dir)
	if s, err := Open(CIFAR10, Train); err != nil || s.N != 15 || s.Name != "cifar10/train" {
		t.Errorf("cifar10 from env: %v", err)
	}
	t.Setenv(EnvCIFAR100, path.Join(dir, "missing"))
	if _, err := Open(CIFAR100, Test); err == nil || !strings.Contains(err.Error(), "SURFSCOPE_CIFAR100="+dir+"/missing is not a folder") {
		t.Errorf("cifar100 with a bad env: %v", err)
	}
	t.Setenv(EnvMNIST, dir)
	if _, err := Open(MNIST, Test); err == nil || !strings.Contains(err.Error(), "holds no train-images-idx3-ubyte.gz") {
		t.Errorf("mnist with a bad env: %v", err)
	}
}

func TestDescribeFS(t *testing.T) {
	fsys := idxFS(".", true)
	delete(fsys, "t10k-images-idx3-ubyte.gz")
	delete(fsys, "t10k-labels-idx1-ubyte.gz")
	in, err := DescribeFS(fsys, "fashion-ish")
	if err != nil {
		t.Fatal(err)
	}
	if in.Format != formatIDX || in.C != 1 || in.H != 28 || in.Classes != 10 || len(in.Splits) != 1 ||
		in.Splits[0].Split != Train || in.Splits[0].N != 3 || in.Splits[0].ClassCounts[4] != 1 {
		t.Fatalf("%+v", in)
	}
	str := in.String()
	for _, want := range []string{"data set  fashion-ish", "shape     1×28×28", `Bag "Ankle boot"`, "train     3 images", "0:1 1:0 2:0 3:0 4:1 5:1"} {
		if !strings.Contains(str, want) {
			t.Errorf("String() lacks %q:\n%s", want, str)
		}
	}
	broken := idxFS(".", true)
	broken["t10k-images-idx3-ubyte.gz"].Data = gzipped(idxImages(5, 2, 28, 28))
	if _, err := DescribeFS(broken, "b"); err == nil || !strings.Contains(err.Error(), "b/t10k-images-idx3-ubyte.gz: truncated") {
		t.Errorf("Describe of a broken test split: %v", err)
	}
}

func TestDescribeFSCIFAR(t *testing.T) {
	c100 := fstest.MapFS{
		"train.bin":            {Data: cifarRecords([]byte{0, 5}, []byte{1, 5}, []byte{2, 99})},
		"test.bin":             {Data: cifarRecords([]byte{0, 1})},
		"fine_label_names.txt": {Data: []byte(strings.Repeat("name\n", 100))},
	}
	for _, tc := range []struct {
		fsys    fstest.MapFS
		format  string
		classes int
		n       [2]int
		count   [2]int // images of class 5 in train, class 1 in test
	}{
		{cifar10FS("."), formatCIFAR10, 10, [2]int{15, 1}, [2]int{5, 0}},
		{cifar10FS("cifar-10-batches-bin"), formatCIFAR10, 10, [2]int{15, 1}, [2]int{5, 0}},
		{c100, formatCIFAR100, 100, [2]int{3, 1}, [2]int{2, 1}},
	} {
		in, err := DescribeFS(tc.fsys, "c")
		if err != nil {
			t.Fatal(err)
		}
		if in.Format != tc.format || in.C != 3 || in.H != 32 || in.W != 32 || in.Classes != tc.classes || len(in.Splits) != 2 ||
			in.Splits[0].N != tc.n[0] || in.Splits[1].N != tc.n[1] ||
			in.Splits[0].ClassCounts[5] != tc.count[0] || in.Splits[1].ClassCounts[1] != tc.count[1] {
			t.Errorf("%s: %+v", tc.format, in)
		}
		if len(in.Splits[0].Mean) != 3 || len(in.Splits[0].Std) != 3 {
			t.Errorf("%s: stats per channel: %v %v", tc.format, in.Splits[0].Mean, in.Splits[0].Std)
		}
	}
}

func TestClassNamesAreCopies(t *testing.T) {
	s, err := OpenFS(idxFS(".", false), "mnist", Test)
	if err != nil {
		t.Fatal(err)
	}
	s.ClassNames[0] = "zero"
	if DigitNames[0] != "0" {
		t.Error("a set's class names must not alias the package's")
	}
}
