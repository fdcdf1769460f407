package view

import (
	"fmt"
	"math"
	"slices"

	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// Robust scales. A picture's colour and height ranges come from its values, and one outlier (a
// corner of a multiplicative ResNet's plane at −150 while the rest lies in ±10) would otherwise
// spend the whole colour map and the whole height of the box on itself.
//
//   - Colour: the ColorClip-th to (100 − ColorClip)-th percentile of the colour values (1 to 99 by
//     default), and never beyond Tukey's far-out fences (below), so that an outlying region larger
//     than ColorClip percent is cut too; values beyond take the end colours and the colour bar ends
//     in a triangle on that side. Symmetric (and every diverging colormap) widens the range to
//     ±max(|lo|, |hi|).
//   - Height: clipped at Tukey's far-out fences, q1 − 3·IQR and q3 + 3·IQR (Tukey, Exploratory Data
//     Analysis, 1977), when the heights reach beyond them, but never so far that the heights at the
//     probe's own images are cut (those are the data; the outliers lie in the extrapolation around
//     them): heights outside are drawn flat at the range's ends and the caption says so. The fences
//     lie outside the range of any surface without far outliers (a plane, a paraboloid, a sine:
//     their quartiles are spread over the range), so only outliers are cut.

// finiteSorted returns the finite values of f, sorted.
func finiteSorted(f render.Field) []float64 {
	nx, ny := f.Dims()
	v := make([]float64, 0, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if z := f.Z(i, j); !math.IsNaN(z) && !math.IsInf(z, 0) {
				v = append(v, z)
			}
		}
	}
	slices.Sort(v)
	return v
}

// ColorScale returns the colour range of the values of f: the clip-th to (100−clip)-th percentiles
// (clip in percent) within Tukey's far-out fences, or for clip 0 the full range; widened to
// ±max(|lo|, |hi|) when symmetric. ok is false when f has no finite values or the range is empty.
func ColorScale(f render.Field, clip float64, symmetric bool) (lo, hi float64, ok bool) {
	v := finiteSorted(f)
	if len(v) == 0 {
		return 0, 0, false
	}
	lo, hi = v[0], v[len(v)-1]
	if clip > 0 {
		flo, fhi := fences(v)
		if a, b := max(surface.Quantile(v, clip/100), flo), min(surface.Quantile(v, 1-clip/100), fhi); a < b {
			lo, hi = a, b
		}
	}
	if symmetric {
		a := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -a, a
	}
	return lo, hi, lo < hi
}

// HeightScale returns the height range of the values of f clipped at Tukey's far-out fences
// (q1 − 3·IQR, q3 + 3·IQR); clipped is false, and the range the values' own, when no value lies
// beyond them.
func HeightScale(f render.Field) (lo, hi float64, clipped bool) {
	v := finiteSorted(f)
	if len(v) == 0 {
		return 0, 0, false
	}
	flo, fhi := fences(v)
	lo, hi = max(v[0], flo), min(v[len(v)-1], fhi)
	if !(lo < hi) {
		return v[0], v[len(v)-1], false
	}
	return lo, hi, lo > v[0] || hi < v[len(v)-1]
}

// finiteRange returns the smallest and largest finite value of f.
func finiteRange(f render.Field) (lo, hi float64) {
	v := finiteSorted(f)
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	return v[0], v[len(v)-1]
}

// fences returns Tukey's far-out fences q1 − 3·IQR and q3 + 3·IQR of the sorted values v.
func fences(v []float64) (lo, hi float64) {
	q1, q3 := surface.Quantile(v, 0.25), surface.Quantile(v, 0.75)
	return q1 - 3*(q3-q1), q3 + 3*(q3-q1)
}

// applyScales sets the colour and height ranges of s (a plane's scene) as o asks: explicit ranges
// as given, else the robust ones, the heights' range widened to hold the heights in keep (the
// probe's images). It returns a note for the caption when heights were clipped.
func applyScales(s *render.Scene, o SceneOptions, keep []float64) string {
	if o.Min == 0 && o.Max == 0 && !s.Categorical {
		cf := s.Color
		if cf == nil {
			cf = s.Field
		}
		symmetric := o.Symmetric || s.Colormap != nil && s.Colormap.Diverging()
		if o.ColorClip > 0 || symmetric {
			if lo, hi, ok := ColorScale(cf, o.ColorClip, symmetric); ok {
				s.Min, s.Max = lo, hi
			}
		}
	}
	switch {
	case o.ZMin != 0 || o.ZMax != 0:
		s.ZMin, s.ZMax = o.ZMin, o.ZMax
	case o.HeightClip:
		lo, hi, clipped := HeightScale(s.Field)
		if !clipped {
			break
		}
		for _, z := range keep {
			if !math.IsNaN(z) && !math.IsInf(z, 0) {
				lo, hi = min(lo, z), max(hi, z)
			}
		}
		if all, top := finiteRange(s.Field); lo > all || hi < top {
			s.ZMin, s.ZMax = lo, hi
			return fmt.Sprintf("heights clipped to [%.3g, %.3g] (far outliers)", lo, hi)
		}
	}
	return ""
}
