package dataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/surfscope/surfscope/assets/mnistsample"
)

// Names of the data sets [Open] knows; anything else is taken as a folder path.
const (
	MNIST    = "mnist"
	Fashion  = "fashion"
	CIFAR10  = "cifar10"
	CIFAR100 = "cifar100"
	Sample   = "sample"
)

// Splits are "train" and "test".
const (
	Train = "train"
	Test  = "test"
)

// Open loads one split ("train" or "test") of a data set. name is one of
//
//   - "mnist": MNIST, 60,000 + 10,000 images 1×28×28, from [MNISTDir] (Go module cache or $SURFSCOPE_MNIST);
//   - "fashion": Fashion-MNIST, same shapes, from [FashionDir];
//   - "cifar10", "cifar100": the binary versions from the folder named by $SURFSCOPE_CIFAR10 or
//     $SURFSCOPE_CIFAR100 (nothing is downloaded);
//   - "sample": the first 4,000 training and 1,000 test images of MNIST, embedded in the binary;
//   - a folder path, whose format is detected by [OpenFS].
//
// The set is named name + "/" + split. Errors name the file and what is wrong with it.
func Open(name, split string) (*Set, error) {
	src, err := locate(name)
	if err != nil {
		return nil, err
	}
	return src.open(split)
}

// OpenFS loads one split ("train" or "test") of the data set in fsys, detecting its format from the file
// names, at the root of fsys or in one of the usual sub-folders (cifar-10-batches-bin, cifar-100-binary,
// raw, MNIST/raw, FashionMNIST/raw):
//
//   - IDX (MNIST-like): train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
//     t10k-labels-idx1-ubyte, each optionally gzipped (.gz), with "-images." allowed for "-images-";
//   - CIFAR-10: data_batch_1.bin … data_batch_5.bin (train, all five) and test_batch.bin, class names
//     from batches.meta.txt if present;
//   - CIFAR-100: train.bin and test.bin, fine labels, class names from fine_label_names.txt if present.
//
// name labels the set (its Name is name + "/" + split) and prefixes file names in errors. IDX data has 10
// classes, named as Fashion-MNIST's when name or the sub-folder contains "fashion" (any case) and as
// digits otherwise; a folder whose labels go beyond 9 gets max label + 1 unnamed classes, as long as
// at least half of them have an image in the split (a label of 255 among digits is an error, not 256
// classes).
func OpenFS(fsys fs.FS, name, split string) (*Set, error) {
	return source{name: name, fsys: fsys, display: name, folder: true}.open(split)
}

// source is a place data sets are read from.
type source struct {
	name     string // as given to Open or OpenFS
	fsys     fs.FS
	display  string // prefix of file names in errors and Info.Source
	folder   bool   // true for folders given by path: IDX class count follows the labels
	embedded bool   // true for the sample compiled into the binary
}

func locate(name string) (source, error) {
	var dir string
	var err error
	switch name {
	case Sample:
		return source{name: name, fsys: mnistsample.FS, display: "assets/mnistsample", embedded: true}, nil
	case MNIST:
		dir, err = MNISTDir()
	case Fashion:
		dir, err = FashionDir()
	case CIFAR10:
		dir, err = envDir(EnvCIFAR10, "CIFAR-10")
	case CIFAR100:
		dir, err = envDir(EnvCIFAR100, "CIFAR-100")
	default:
		if fi, statErr := os.Stat(name); statErr != nil || !fi.IsDir() {
			return source{}, fmt.Errorf("dataset: unknown data set %q: not one of %s, %s, %s, %s, %s, and not a folder",
				name, MNIST, Fashion, CIFAR10, CIFAR100, Sample)
		}
		return source{name: name, fsys: os.DirFS(name), display: name, folder: true}, nil
	}
	if err != nil {
		return source{}, err
	}
	return source{name: name, fsys: os.DirFS(dir), display: dir}, nil
}

// Formats that detect recognises.
const (
	formatIDX      = "IDX (MNIST-style)"
	formatCIFAR10  = "CIFAR-10 binary"
	formatCIFAR100 = "CIFAR-100 binary"
)

// layout is a detected format and the sub-folder of the source that holds it.
type layout struct {
	format string
	dir    string // "." for the root
}

var searchDirs = []string{".", "cifar-10-batches-bin", "cifar-100-binary", "raw", "MNIST/raw", "FashionMNIST/raw"}

// detect finds the format of the data in src.
func (src source) detect() (layout, error) {
	for _, dir := range searchDirs {
		l := layout{dir: dir}
		switch {
		case src.idxFile(dir, Train, "images") != "" || src.idxFile(dir, Test, "images") != "":
			l.format = formatIDX
		case src.exists(path.Join(dir, "data_batch_1.bin")) || src.exists(path.Join(dir, "test_batch.bin")):
			l.format = formatCIFAR10
		case src.exists(path.Join(dir, "train.bin")) || src.exists(path.Join(dir, "test.bin")):
			l.format = formatCIFAR100
		default:
			continue
		}
		return l, nil
	}
	return layout{}, fmt.Errorf("dataset: %s: no data set found: want IDX files (train-images-idx3-ubyte[.gz], …), "+
		"CIFAR-10 (data_batch_1.bin … test_batch.bin) or CIFAR-100 (train.bin, test.bin), "+
		"here or in cifar-10-batches-bin/, cifar-100-binary/ or raw/", src.display)
}

func (src source) open(split string) (*Set, error) {
	if split != Train && split != Test {
		return nil, fmt.Errorf("dataset: %s: unknown split %q, want %q or %q", src.display, split, Train, Test)
	}
	l, err := src.detect()
	if err != nil {
		return nil, err
	}
	var s *Set
	switch l.format {
	case formatIDX:
		s, err = src.openIDX(l.dir, split)
	case formatCIFAR10:
		s, err = src.openCIFAR10(l.dir, split)
	default:
		s, err = src.openCIFAR100(l.dir, split)
	}
	if err != nil {
		return nil, err
	}
	s.Name = src.name + "/" + split
	return s, nil
}

// checkClassesUsed rejects labels beyond 9 that leave most classes without an image: a label
// such as 255 (a common "ignore" or corrupt value) would otherwise make a set of 256 classes,
// most of them empty. labelsName names the file in the error.
func checkClassesUsed(labels []int, classes int, labelsName string) error {
	if classes <= 10 {
		return nil
	}
	used := make([]bool, classes)
	top, at := 0, 0
	for i, l := range labels {
		used[l] = true
		if l >= top {
			top, at = l, i
		}
	}
	empty := 0
	for _, u := range used {
		if !u {
			empty++
		}
	}
	if 2*empty > classes {
		return fmt.Errorf("dataset: %s: label %d (image %d) would make %d classes, %d of them without an image; "+
			"IDX labels must number the classes 0 to K−1", labelsName, top, at, classes, empty)
	}
	return nil
}

// idxPrefix maps a split to the prefix of its IDX file names.
var idxPrefix = map[string]string{Train: "train", Test: "t10k"}

// idxFile returns the path in src.fsys of the IDX file of kind ("images" or "labels") for split, or "".
func (src source) idxFile(dir, split, kind string) string {
	dims := map[string]string{"images": "idx3", "labels": "idx1"}[kind]
	for _, sep := range []string{"-", "."} {
		for _, ext := range []string{".gz", ""} {
			p := path.Join(dir, idxPrefix[split]+"-"+kind+sep+dims+"-ubyte"+ext)
			if src.exists(p) {
				return p
			}
		}
	}
	return ""
}

func (src source) openIDX(dir, split string) (*Set, error) {
	imagesPath := src.idxFile(dir, split, "images")
	labelsPath := src.idxFile(dir, split, "labels")
	if imagesPath == "" || labelsPath == "" {
		p := idxPrefix[split]
		return nil, fmt.Errorf("dataset: %s: no %s split: want %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte[.gz]",
			src.path(dir), split, p, p)
	}
	s, err := readFSFile(src, imagesPath, ReadIDXImages)
	if err != nil {
		return nil, err
	}
	labels, err := readFSFile(src, labelsPath, ReadIDXLabels)
	if err != nil {
		return nil, err
	}
	classes := 10
	if src.folder {
		for _, l := range labels {
			classes = max(classes, l+1)
		}
		if err := checkClassesUsed(labels, classes, src.path(labelsPath)); err != nil {
			return nil, err
		}
	}
	if err := attachLabels(s, labels, src.path(labelsPath), classes); err != nil {
		return nil, err
	}
	if classes == 10 {
		s.ClassNames = slices.Clone(DigitNames)
		if strings.Contains(strings.ToLower(src.name), "fashion") || strings.Contains(strings.ToLower(dir), "fashion") {
			s.ClassNames = slices.Clone(FashionNames)
		}
	}
	return s, nil
}

func (src source) openCIFAR10(dir, split string) (*Set, error) {
	files := []string{"test_batch.bin"}
	if split == Train {
		files = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	}
	s, err := src.readCIFAR(dir, files, cifar10Format)
	if err != nil {
		return nil, err
	}
	s.ClassNames, err = readClassNames(src.fsys, path.Join(dir, "batches.meta.txt"), src.path(path.Join(dir, "batches.meta.txt")), CIFAR10Names)
	return s, err
}

func (src source) openCIFAR100(dir, split string) (*Set, error) {
	s, err := src.readCIFAR(dir, []string{split + ".bin"}, cifar100Format)
	if err != nil {
		return nil, err
	}
	s.ClassNames, err = readClassNames(src.fsys, path.Join(dir, "fine_label_names.txt"), src.path(path.Join(dir, "fine_label_names.txt")), CIFAR100Names)
	return s, err
}

// readCIFAR checks that all files exist and have whole records, allocates once for all of them and reads
// them in order into one set.
func (src source) readCIFAR(dir string, files []string, f cifarFormat) (*Set, error) {
	records := 0
	for _, file := range files {
		p := path.Join(dir, file)
		if !src.exists(p) {
			return nil, fmt.Errorf("dataset: %s: missing %s (%s needs %s)", src.path(dir), file, f.name, strings.Join(files, ", "))
		}
		fi, err := src.checkInput(p)
		if err != nil {
			return nil, err
		}
		if err := checkCIFARSize(src.path(p), fi.Size(), f); err != nil {
			return nil, err
		}
		records += int(fi.Size()) / f.recordSize()
	}
	if err := checkPixelMemory(src.path(dir), int64(records), cifarPixels); err != nil {
		return nil, err
	}
	s := newCIFARSet(src.name, f)
	reserveImages(s, records)
	for _, file := range files {
		p := path.Join(dir, file)
		r, err := src.fsys.Open(p)
		if err != nil {
			return nil, fmt.Errorf("dataset: %s: %w", src.path(p), err)
		}
		err = appendCIFAR(s, r, src.path(p), f)
		r.Close() // read-only: a close error cannot lose data
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// readFSFile opens p in src and hands it to read with its display name.
func readFSFile[T any](src source, p string, read func(r io.Reader, name string) (T, error)) (T, error) {
	var zero T
	if _, err := src.checkInput(p); err != nil {
		return zero, err
	}
	f, err := src.fsys.Open(p)
	if err != nil {
		return zero, fmt.Errorf("dataset: %s: %w", src.path(p), err)
	}
	defer f.Close() // read-only: a close error cannot lose data
	return read(f, src.path(p))
}

// path returns the name of p in src for messages.
func (src source) path(p string) string { return path.Join(src.display, p) }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
