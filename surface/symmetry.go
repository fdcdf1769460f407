package surface

import (
	"context"
	"fmt"
	"math"
)

// Mirror symmetry is measured on centred logits f̃_k(x) = f_k(x) − (1/K) Σ_c f_c(x): a shift of
// all K logits by a common g(x) changes no prediction and no probability (softmax is invariant
// to it), so the statistics must not see it, and a g that is not mirror-symmetric would otherwise
// add its own asymmetry. A grid with a single output is used as it is.

// MirrorDifference returns the map |f(s, t) − f(−s, t)| of a height field whose s coordinates are
// exact negatives of each other (X(i) = −X(NX−1−i), as a flip plane's are). On a flip plane, where
// the point at −s is the mirror image of the point at s, a flip-invariant function gives zero.
// Pass a channel of Grid.Centred for logits.
func MirrorDifference(f *Field) (*Field, error) {
	if err := checkMirror(f.NX, f.X); err != nil {
		return nil, err
	}
	out := NewField(f.NX, f.NY, f.Xs, f.Ys)
	for j := 0; j < f.NY; j++ {
		for i := 0; i < f.NX; i++ {
			out.set(i, j, math.Abs(f.Z(i, j)-f.Z(f.NX-1-i, j)))
		}
	}
	return out, nil
}

func checkMirror(n int, x func(int) float64) error {
	for i := 0; i < n; i++ {
		if x(i) != -x(n-1-i) {
			return fmt.Errorf("surface: mirror symmetry needs s coordinates symmetric about 0 (a flip plane); s[%d] = %g, s[%d] = %g",
				i, x(i), n-1-i, x(n-1-i))
		}
	}
	return nil
}

// SymmetrySummary measures how far the centred logits f̃ on a grid are from mirror symmetry about
// s = 0. Splitting each into parts even and odd in s, f̃ = f̃_e + f̃_o with
// f̃_o(s,t) = (f̃(s,t) − f̃(−s,t))/2:
type SymmetrySummary struct {
	// MeanAbsDiff is the mean over points and classes of |f̃_k(s,t) − f̃_k(−s,t)| = 2|f̃_o|.
	MeanAbsDiff float64 `json:"mean_abs_diff"`
	// OddShare is Σ_k ‖f̃_o,k‖² / Σ_k ‖f̃_k − mean f̃_k‖² over the grid: 0 for functions even in s
	// (flip-invariant on a flip plane), 1 for odd ones, and the share of the logits' variance that
	// the flip changes in between.
	OddShare float64 `json:"odd_share"`
	// Disagree is the share of points whose predicted class differs from that of the mirror point.
	Disagree float64 `json:"disagree"`
}

// SummarizeSymmetry returns the mirror-symmetry summary of g's centred logits; g's S coordinates
// must be exact negatives of each other (a flip plane).
func SummarizeSymmetry(g *Grid) (SymmetrySummary, error) {
	if err := checkMirror(g.NX, func(i int) float64 { return g.S[i] }); err != nil {
		return SymmetrySummary{}, err
	}
	g = g.Centred()
	var s SymmetrySummary
	n := float64(g.NX * g.NY)
	odd, total, dis := 0.0, 0.0, 0
	for k := 0; k < g.K; k++ {
		mean := 0.0
		for q := 0; q < g.NX*g.NY; q++ {
			mean += float64(g.Values[q*g.K+k])
		}
		mean /= n
		for j := 0; j < g.NY; j++ {
			for i := 0; i < g.NX; i++ {
				a, b := float64(g.At(i, j, k)), float64(g.At(g.NX-1-i, j, k))
				s.MeanAbsDiff += math.Abs(a - b)
				odd += (a - b) * (a - b) / 4
				total += (a - mean) * (a - mean)
			}
		}
	}
	for j := 0; j < g.NY; j++ {
		for i := 0; i < g.NX; i++ {
			if Argmax(g.Point(i, j)) != Argmax(g.Point(g.NX-1-i, j)) {
				dis++
			}
		}
	}
	s.MeanAbsDiff /= n * float64(g.K)
	if total > 0 {
		s.OddShare = odd / total
	}
	s.Disagree = float64(dis) / n
	return s, nil
}

// FlipConsistency compares a net on images and on their horizontal mirrors (W axis reversed).
type FlipConsistency struct {
	Images int `json:"images"`
	// Agreement is the share of images whose predicted class is the same for x and flip x.
	Agreement float64 `json:"agreement"`
	// MeanAbsDelta is the mean over images and classes of |f̃_k(x) − f̃_k(flip x)|, centred logits.
	MeanAbsDelta float64 `json:"mean_abs_delta"`
	// Accuracy and FlippedAccuracy are the shares of images (x, then flip x) classified as labelled.
	Accuracy        float64 `json:"accuracy"`
	FlippedAccuracy float64 `json:"flipped_accuracy"`
}

// MeasureFlipConsistency evaluates f on the n images of shape [C,H,W] in images (n·C·H·W values)
// and on their mirrors, in chunks, and compares. labels (len n) may be nil, leaving the accuracies 0.
// It stops with ctx's error when ctx is cancelled.
func MeasureFlipConsistency(ctx context.Context, f Forwarder, shape [3]int, images []float32, labels []int) (FlipConsistency, error) {
	D := shape[0] * shape[1] * shape[2]
	if D != f.InputSize() || D == 0 || len(images)%D != 0 {
		return FlipConsistency{}, fmt.Errorf("surface: flip consistency: %d values do not make images of %v for a net taking %d", len(images), shape, f.InputSize())
	}
	n := len(images) / D
	if labels != nil && len(labels) != n {
		return FlipConsistency{}, fmt.Errorf("surface: flip consistency: %d labels for %d images", len(labels), n)
	}
	K := f.NumClasses()
	res := FlipConsistency{Images: n}
	const chunk = 256
	flipped := make([]float32, chunk*D)
	var a, b []float32
	agree, acc, facc := 0, 0, 0
	for lo := 0; lo < n; lo += chunk {
		if err := ctx.Err(); err != nil {
			return FlipConsistency{}, err
		}
		m := min(chunk, n-lo)
		x := images[lo*D : (lo+m)*D]
		for s := 0; s < m; s++ {
			flipInto(flipped[s*D:(s+1)*D], x[s*D:(s+1)*D], shape[2])
		}
		a = f.Forward(a, x, m)
		b = f.Forward(b, flipped[:m*D], m)
		for s := 0; s < m; s++ {
			za, zb := a[s*K:(s+1)*K], b[s*K:(s+1)*K]
			ca, cb := Argmax(za), Argmax(zb)
			if ca == cb {
				agree++
			}
			if labels != nil {
				if ca == labels[lo+s] {
					acc++
				}
				if cb == labels[lo+s] {
					facc++
				}
			}
			ma, mb := meanOf(za), meanOf(zb)
			for k := range za {
				res.MeanAbsDelta += math.Abs(float64(za[k]) - ma - float64(zb[k]) + mb)
			}
		}
	}
	if n > 0 {
		res.Agreement = float64(agree) / float64(n)
		res.MeanAbsDelta /= float64(n * K)
		res.Accuracy, res.FlippedAccuracy = float64(acc)/float64(n), float64(facc)/float64(n)
	}
	return res, nil
}

// Centred returns a copy of g whose values at each point have their mean over the K outputs
// subtracted (g itself when K = 1).
func (g *Grid) Centred() *Grid {
	if g.K < 2 {
		return g
	}
	c := *g
	c.Values = make([]float32, len(g.Values))
	for q := 0; q < len(g.Values); q += g.K {
		m := meanOf(g.Values[q : q+g.K])
		for k := 0; k < g.K; k++ {
			c.Values[q+k] = float32(float64(g.Values[q+k]) - m)
		}
	}
	return &c
}

// meanOf returns the mean of z (0 for one value: a single output is not centred).
func meanOf(z []float32) float64 {
	if len(z) < 2 {
		return 0
	}
	s := 0.0
	for _, v := range z {
		s += float64(v)
	}
	return s / float64(len(z))
}

// flipInto writes x with every row of width w reversed into dst.
func flipInto(dst, x []float32, w int) {
	for r := 0; r < len(x)/w; r++ {
		for k := 0; k < w; k++ {
			dst[r*w+k] = x[r*w+w-1-k]
		}
	}
}
