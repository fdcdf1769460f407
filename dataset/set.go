package dataset

import (
	"fmt"
	"math"
	"strconv"
)

// Set is one split of a data set held in memory.
//
// Images holds N images of C channels of H rows of W pixels, row-major in that order ([N, C, H, W]),
// each pixel in [0,1]. Labels holds N class indices in [0, Classes). ClassNames is nil or holds Classes
// names; nil means classes are named by their number (see [Set.ClassName]).
//
// The zero value is an empty set with no images.
type Set struct {
	Name       string // e.g. "mnist/train", "cifar10/test", "sample/train"
	N, C, H, W int
	Images     []float32 // [N, C, H, W], values in [0,1]
	Labels     []int     // len N, values in [0, Classes)
	Classes    int
	ClassNames []string
}

// Len returns the number of images. A nil *Set has none.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.N
}

// ImageSize returns C*H*W, the number of float32 values in one image.
func (s *Set) ImageSize() int { return s.C * s.H * s.W }

// Image returns image i as a slice of the set's own memory (len and cap C*H*W): writing to it changes the
// set. It panics if i is not in [0, N).
func (s *Set) Image(i int) []float32 {
	if i < 0 || i >= s.N {
		panic(fmt.Sprintf("dataset: image index %d out of range [0,%d) in %s", i, s.N, s.Name))
	}
	sz := s.ImageSize()
	return s.Images[i*sz : (i+1)*sz : (i+1)*sz]
}

// ClassName returns the name of class k: ClassNames[k] where present, else k in decimal.
func (s *Set) ClassName(k int) string {
	if k >= 0 && k < len(s.ClassNames) {
		return s.ClassNames[k]
	}
	return strconv.Itoa(k)
}

// Subset returns a new set holding copies of the images and labels at ids, in that order (ids may repeat).
// ClassNames is shared. It panics if an id is not in [0, N).
func (s *Set) Subset(ids []int) *Set {
	sz := s.ImageSize()
	out := s.header(len(ids))
	out.Images = make([]float32, len(ids)*sz)
	out.Labels = make([]int, len(ids))
	for k, i := range ids {
		copy(out.Images[k*sz:(k+1)*sz], s.Image(i))
		out.Labels[k] = s.Labels[i]
	}
	return out
}

// Head returns the first min(n, N) images as a view: the new set shares the images and labels of s
// (writes through either are seen by both; appending to the view's slices never overwrites s, their
// capacity is cut to their length). It panics if n < 0.
func (s *Set) Head(n int) *Set {
	if n < 0 {
		panic(fmt.Sprintf("dataset: Head(%d): negative count", n))
	}
	n = min(n, s.N)
	sz := s.ImageSize()
	out := s.header(n)
	out.Images = s.Images[: n*sz : n*sz]
	out.Labels = s.Labels[:n:n]
	return out
}

// header returns a copy of s's description with n images and no data.
func (s *Set) header(n int) *Set {
	return &Set{Name: s.Name, N: n, C: s.C, H: s.H, W: s.W, Classes: s.Classes, ClassNames: s.ClassNames}
}

// Check reports whether the set is consistent: slice lengths match N, C, H, W, every label is in
// [0, Classes), every pixel is in [0,1] and ClassNames is nil or has Classes entries. Sets returned by
// this package always pass; Check is for sets built by hand.
func (s *Set) Check() error {
	if s.N < 0 || s.C < 0 || s.H < 0 || s.W < 0 {
		return fmt.Errorf("dataset: %s: negative shape %d×%d×%d×%d", s.Name, s.N, s.C, s.H, s.W)
	}
	if len(s.Images) != s.N*s.ImageSize() {
		return fmt.Errorf("dataset: %s: %d pixel values, want N*C*H*W = %d*%d*%d*%d = %d",
			s.Name, len(s.Images), s.N, s.C, s.H, s.W, s.N*s.ImageSize())
	}
	if len(s.Labels) != s.N {
		return fmt.Errorf("dataset: %s: image count %d, labels %d", s.Name, s.N, len(s.Labels))
	}
	if s.ClassNames != nil && len(s.ClassNames) != s.Classes {
		return fmt.Errorf("dataset: %s: %d class names for %d classes", s.Name, len(s.ClassNames), s.Classes)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= s.Classes {
			return fmt.Errorf("dataset: %s: image %d: label %d out of range [0,%d)", s.Name, i, l, s.Classes)
		}
	}
	for i, v := range s.Images {
		if !(v >= 0 && v <= 1) { // also catches NaN
			return fmt.Errorf("dataset: %s: image %d: pixel value %v outside [0,1]", s.Name, i/max(s.ImageSize(), 1), v)
		}
	}
	return nil
}

// ClassCounts returns how many images carry each label, len Classes.
func (s *Set) ClassCounts() []int {
	counts := make([]int, s.Classes)
	for _, l := range s.Labels {
		if l >= 0 && l < s.Classes {
			counts[l]++
		}
	}
	return counts
}

// ChannelStats returns the mean and the population standard deviation of the pixel values of each
// channel over all images (len C each). With no images both are zero.
func (s *Set) ChannelStats() (mean, std []float64) {
	mean = make([]float64, s.C)
	std = make([]float64, s.C)
	plane := s.H * s.W
	if s.N == 0 || plane == 0 {
		return mean, std
	}
	sum := make([]float64, s.C)
	sumSq := make([]float64, s.C)
	for i := range s.N {
		img := s.Image(i)
		for c := range s.C {
			var a, b float64 // per-plane partial sums keep rounding error small
			for _, v := range img[c*plane : (c+1)*plane] {
				a += float64(v)
				b += float64(v) * float64(v)
			}
			sum[c] += a
			sumSq[c] += b
		}
	}
	n := float64(s.N * plane)
	for c := range s.C {
		mean[c] = sum[c] / n
		std[c] = math.Sqrt(max(sumSq[c]/n-mean[c]*mean[c], 0))
	}
	return mean, std
}
