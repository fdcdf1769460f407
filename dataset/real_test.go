package dataset

import (
	"slices"
	"testing"

	"github.com/surfscope/surfscope/assets/mnistsample"
)

// Known answers from the published files: the first labels of each split and the class counts.
var (
	mnistTrainFirst   = []int{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}
	mnistTestFirst    = []int{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}
	mnistTrainCounts  = []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	mnistTestCounts   = []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
	fashionTrainFirst = []int{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}
	fashionTestFirst  = []int{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}
)

func TestEmbeddedSample(t *testing.T) {
	for _, tc := range []struct {
		split string
		n     int
		first []int
	}{{Train, mnistsample.TrainCount, mnistTrainFirst}, {Test, mnistsample.TestCount, mnistTestFirst}} {
		s, err := Open(Sample, tc.split)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != "sample/"+tc.split || s.N != tc.n || s.C != 1 || s.H != 28 || s.W != 28 || s.Classes != 10 {
			t.Errorf("%s: %q N %d %d×%d×%d classes %d", tc.split, s.Name, s.N, s.C, s.H, s.W, s.Classes)
		}
		if !slices.Equal(s.Labels[:10], tc.first) {
			t.Errorf("%s: first labels %v, want %v", tc.split, s.Labels[:10], tc.first)
		}
		if err := s.Check(); err != nil {
			t.Error(err)
		}
	}
	if mnistsample.TrainCount != 4000 || mnistsample.TestCount != 1000 {
		t.Errorf("sample counts %d/%d differ from the go:generate line (4000/1000)", mnistsample.TrainCount, mnistsample.TestCount)
	}
}

// openReal opens a real data set or skips the test, saying why.
func openReal(t testing.TB, name, split string) *Set {
	t.Helper()
	s, err := Open(name, split)
	if err != nil {
		t.Skipf("%s not available here (%v)", name, err)
	}
	return s
}

func TestRealMNIST(t *testing.T) {
	if _, err := MNISTDir(); err != nil {
		t.Skipf("skipping: %v", err)
	}
	for _, tc := range []struct {
		split  string
		n      int
		first  []int
		counts []int
	}{{Train, 60000, mnistTrainFirst, mnistTrainCounts}, {Test, 10000, mnistTestFirst, mnistTestCounts}} {
		s, err := Open(MNIST, tc.split)
		if err != nil {
			t.Fatal(err) // found but unreadable: a real failure
		}
		if s.N != tc.n || s.C != 1 || s.H != 28 || s.W != 28 || !slices.Equal(s.Labels[:10], tc.first) ||
			!slices.Equal(s.ClassCounts(), tc.counts) {
			t.Errorf("%s: N %d %d×%d×%d first %v counts %v", tc.split, s.N, s.C, s.H, s.W, s.Labels[:10], s.ClassCounts())
		}
		// The published normalisation constants of MNIST's training set: mean 0.1307, std 0.3081.
		if tc.split == Train {
			mean, std := s.ChannelStats()
			if mean[0] < 0.13065 || mean[0] > 0.13075 || std[0] < 0.30805 || std[0] > 0.30815 {
				t.Errorf("train mean %.5f std %.5f, want 0.1307 and 0.3081 (±5e-5)", mean[0], std[0])
			}
		}
		// The embedded sample is exactly the head of each split.
		sample, err := Open(Sample, tc.split)
		if err != nil {
			t.Fatal(err)
		}
		head := s.Head(sample.N)
		if !slices.Equal(head.Images, sample.Images) || !slices.Equal(head.Labels, sample.Labels) {
			t.Errorf("%s: the embedded sample differs from the first %d images of MNIST", tc.split, sample.N)
		}
	}
}

func TestRealFashionMNIST(t *testing.T) {
	if _, err := FashionDir(); err != nil {
		t.Skipf("skipping: %v", err)
	}
	for _, tc := range []struct {
		split string
		n     int
		first []int
	}{{Train, 60000, fashionTrainFirst}, {Test, 10000, fashionTestFirst}} {
		s, err := Open(Fashion, tc.split)
		if err != nil {
			t.Fatal(err)
		}
		if s.N != tc.n || s.H != 28 || s.W != 28 || !slices.Equal(s.Labels[:10], tc.first) || s.ClassName(9) != "Ankle boot" {
			t.Errorf("%s: N %d %d×%d first %v class 9 %q", tc.split, s.N, s.H, s.W, s.Labels[:10], s.ClassName(9))
		}
		for k, c := range s.ClassCounts() { // Fashion-MNIST is balanced
			if c != tc.n/10 {
				t.Errorf("%s: class %d has %d images, want %d", tc.split, k, c, tc.n/10)
			}
		}
	}
}
