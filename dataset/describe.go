package dataset

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Info is what [Describe] found about a data set.
type Info struct {
	Name       string // as given to Describe
	Source     string // folder read, or "assets/mnistsample (embedded)"
	Format     string // "IDX (MNIST-style)", "CIFAR-10 binary" or "CIFAR-100 binary"
	C, H, W    int
	Classes    int
	ClassNames []string // nil if the classes have no names
	Splits     []SplitInfo
}

// SplitInfo describes one split that was found and loaded.
type SplitInfo struct {
	Split       string // "train" or "test"
	N           int
	ClassCounts []int     // images per class, len Classes
	Mean, Std   []float64 // pixel mean and standard deviation per channel, in [0,1] units
}

// Describe loads every split of the data set called name (as for [Open]) and reports what it holds. A
// split whose files are absent is left out; a split whose files are malformed, or a set with no split
// at all, is an error.
func Describe(name string) (*Info, error) {
	src, err := locate(name)
	if err != nil {
		return nil, err
	}
	return src.describe()
}

// DescribeFS is [Describe] for a data set in fsys, found as [OpenFS] finds it.
func DescribeFS(fsys fs.FS, name string) (*Info, error) {
	return source{name: name, fsys: fsys, display: name, folder: true}.describe()
}

func (src source) describe() (*Info, error) {
	l, err := src.detect()
	if err != nil {
		return nil, err
	}
	info := &Info{Name: src.name, Source: src.path(l.dir), Format: l.format}
	if src.embedded {
		info.Source += " (embedded)"
	}
	for _, split := range []string{Train, Test} {
		if !src.hasSplit(l, split) {
			continue
		}
		s, err := src.open(split)
		if err != nil {
			return nil, err
		}
		if len(info.Splits) == 0 {
			info.C, info.H, info.W = s.C, s.H, s.W
			info.Classes, info.ClassNames = s.Classes, s.ClassNames
		} else if s.C != info.C || s.H != info.H || s.W != info.W {
			return nil, fmt.Errorf("dataset: %s: %s images are %d×%d×%d, %s images %d×%d×%d",
				info.Source, Train, info.C, info.H, info.W, split, s.C, s.H, s.W)
		}
		// Class counts can differ between splits of a folder whose labels set the count; keep the larger.
		if s.Classes > info.Classes {
			info.Classes, info.ClassNames = s.Classes, s.ClassNames
		}
		mean, std := s.ChannelStats()
		info.Splits = append(info.Splits, SplitInfo{Split: split, N: s.N, ClassCounts: s.ClassCounts(), Mean: mean, Std: std})
	}
	if len(info.Splits) == 0 {
		return nil, fmt.Errorf("dataset: %s: found %s files but neither a train nor a test split", info.Source, l.format)
	}
	return info, nil
}

// hasSplit reports whether any file of split is present in layout l.
func (src source) hasSplit(l layout, split string) bool {
	switch l.format {
	case formatIDX:
		return src.idxFile(l.dir, split, "images") != "" || src.idxFile(l.dir, split, "labels") != ""
	case formatCIFAR10:
		if split == Test {
			return src.exists(path.Join(l.dir, "test_batch.bin"))
		}
		for i := 1; i <= 5; i++ {
			if src.exists(path.Join(l.dir, fmt.Sprintf("data_batch_%d.bin", i))) {
				return true
			}
		}
		return false
	}
	return src.exists(path.Join(l.dir, split+".bin"))
}

// String prints the description over several lines, for example
//
//	data set  sample
//	source    assets/mnistsample (embedded)
//	format    IDX (MNIST-style)
//	shape     1×28×28 (C×H×W), pixels in [0,1]
//	classes   10: 0 1 2 3 4 5 6 7 8 9
//	train     4000 images; per class 0:...; mean 0.1309 std 0.3084
//	test      ...
func (in *Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "data set  %s\n", in.Name)
	fmt.Fprintf(&b, "source    %s\n", in.Source)
	fmt.Fprintf(&b, "format    %s\n", in.Format)
	fmt.Fprintf(&b, "shape     %d×%d×%d (C×H×W), pixels in [0,1]\n", in.C, in.H, in.W)
	fmt.Fprintf(&b, "classes   %d", in.Classes)
	if in.ClassNames != nil {
		b.WriteString(": " + strings.Join(quoteSpaced(in.ClassNames), " "))
	}
	b.WriteString("\n")
	for _, sp := range in.Splits {
		fmt.Fprintf(&b, "%-9s %d images\n", sp.Split, sp.N)
		b.WriteString("          per class")
		for k, c := range sp.ClassCounts {
			if k > 0 && k%10 == 0 {
				b.WriteString("\n                   ")
			}
			fmt.Fprintf(&b, " %d:%d", k, c)
		}
		b.WriteString("\n          pixel mean")
		for _, m := range sp.Mean {
			fmt.Fprintf(&b, " %.4f", m)
		}
		b.WriteString(", std")
		for _, s := range sp.Std {
			fmt.Fprintf(&b, " %.4f", s)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// quoteSpaced quotes the names that contain spaces, so a list of names stays readable.
func quoteSpaced(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if strings.ContainsAny(n, " \t") {
			n = fmt.Sprintf("%q", n)
		}
		out[i] = n
	}
	return out
}
