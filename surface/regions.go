package surface

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/surfscope/surfscope/internal/bitpack"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// Linear regions. A net built from dense and convolution layers, ReLU, leaky ReLU, clip, max
// pooling, average pooling and sums is piecewise linear in its input: on each set of inputs that
// share one activation pattern — the on/off state of every ReLU unit, the piece of every clip, the
// winning position of every max-pool window — it is a single affine map (Montúfar et al., "On the
// Number of Linear Regions of Deep Neural Networks", NeurIPS 2014; Hanin & Rolnick, "Deep ReLU
// Networks Have Surprisingly Few Activation Patterns", NeurIPS 2019). Where a multiplicative merge
// (OpMul) multiplies two such branches, the pieces are polynomials instead, but the pattern still
// fixes the piece. Sigmoid, tanh, GELU and softmax inside the net are smooth and have no pieces.
//
// LinearRegions evaluates the pattern at every grid point of a probe, hashes it (64-bit maphash of
// the packed pattern: one bit per ReLU unit, two per clip unit or 2×2 pool window, eight per other
// pool window; collisions among the P distinct patterns of a grid have probability about
// P²/2⁶⁵) and counts the distinct patterns and the 4-connected components of equal patterns
// (2-connected along a line).
//
// Which count means "regions". Without multiplicative merges every activation region is an
// intersection of half-spaces (each unit's piece is a linear inequality once the earlier units'
// pieces are fixed), so it meets a plane in one convex polygon (a line in one segment): the
// distinct patterns count each region the grid samples once, and are a lower bound on the regions
// the probe meets (a region smaller than the grid step can be missed; ExactRegions counts them
// all for MLPs). Extra connected components are then grid artefacts: a thin diagonal region's
// samples are not 4-connected. Only where an OpMul upstream of a unit multiplies two
// input-dependent values are the regions curved and possibly non-convex or disconnected in the
// plane; there the components are the estimate (Convex false). A count equal to the number of grid
// points (Saturated) says only that the grid is too coarse.

// RegionMap is the outcome of LinearRegions.
type RegionMap struct {
	// Labels numbers the connected components 0 … Components−1 in the order the grid is scanned (rows of
	// constant t, s increasing).
	Labels *Field
	// Components is the number of 4-connected components of equal patterns, Patterns the number
	// of distinct patterns.
	Components, Patterns int
	// Convex says the net's activation regions are convex (no multiplicative merge upstream of a
	// unit): Patterns is then the count of regions the grid sees, a lower bound.
	Convex bool
	// Saturated says the count (Count) equals the number of grid points: every point sits in its
	// own region and the grid cannot resolve them.
	Saturated bool
	// Units is the number of pattern entries per point (ReLU units, clip units, pool windows).
	Units int
	// Switches is the number of pattern entries that differ between neighbouring grid points,
	// summed over all horizontal and vertical neighbour pairs: each is a unit boundary crossed
	// between two samples. Along a line, 1 + Switches estimates the number of linear pieces; it is
	// exact unless a unit switches twice between two samples, and unlike Regions it does not
	// saturate when pieces are shorter than the sampling step.
	Switches int
	// SwitchRate is Switches per unit of distance travelled along the grid lines, in input space
	// (the probe's direction lengths): the density of unit boundaries the probe cuts.
	SwitchRate float64
}

// patternSource is one node whose input decides part of the pattern.
type patternSource struct {
	op    models.Op
	attr  models.Attr
	input int   // the node's input node
	shape []int // shape of the node's input
	size  int
}

// patternMap evaluates activation patterns: units bytes per point from the pattern sources, whose
// inputs one Tap computes in a single pass per point (the affine first layers by the probe
// shortcut, infer.AffineTap).
type patternMap struct {
	srcs  []*patternSource
	offs  []int // each source's first byte in a pattern (a multiple of 8)
	units int
	size  int        // bytes per pattern: every source's fields packed into 64-bit words
	tap   *infer.Tap // the sources' inputs, in order, then the output when logits ≥ 0
	// logits is the index of the net's output among the tap's nodes (−1: not tapped), classes its
	// values per point.
	logits, classes int
}

// newPatternMap returns the pattern map of net's piecewise-linear nodes (patternSources); with
// logits set, its tap computes the net's output in the same pass.
func newPatternMap(net *models.Net, logits bool) (*patternMap, error) {
	srcs, units, err := patternSources(net)
	if err != nil {
		return nil, err
	}
	pm := &patternMap{srcs: srcs, units: units, logits: -1, classes: net.Classes}
	nodes := make([]int, len(srcs))
	off := 0
	for k, s := range srcs {
		nodes[k] = s.input
		pm.offs = append(pm.offs, off)
		off += s.bytes()
	}
	pm.size = off
	if logits {
		pm.logits = len(nodes)
		nodes = append(nodes, len(net.Nodes)-1)
	}
	if pm.tap, err = infer.NewTap(net, nodes); err != nil {
		return nil, fmt.Errorf("surface: linear regions: %v", err)
	}
	return pm, nil
}

// encode writes the patterns of the n points of at with coefficients coef into dst (size bytes
// each) and, when the map taps the logits and logits is not nil, their logits into logits
// ([n][classes]). Work units run in parallel; done, when not nil, is called for each point q < n
// with its pattern as soon as it is written, possibly concurrently for different points.
func (pm *patternMap) encode(dst []byte, logits []float32, at *infer.AffineTap, coef []float32, n int, done func(q int, pattern []byte)) {
	at.Run(coef, n, func(lo, hi int, values [][]float32) {
		if logits != nil && pm.logits >= 0 {
			copy(logits[lo*pm.classes:hi*pm.classes], values[pm.logits])
		}
		for q := lo; q < hi; q++ {
			pat := dst[q*pm.size : (q+1)*pm.size]
			for k, s := range pm.srcs {
				s.encode(pat[pm.offs[k]:pm.offs[k]+s.bytes()], values[k][(q-lo)*s.size:(q-lo+1)*s.size])
			}
			if done != nil {
				done(q, pat)
			}
		}
	})
}

// Count returns the grid's count of regions: the distinct patterns when the regions are convex,
// the connected components otherwise.
func (rm *RegionMap) Count() int {
	if rm.Convex {
		return rm.Patterns
	}
	return rm.Components
}

// ConvexRegions reports whether every activation region of the piecewise-linear net meets a plane
// in a convex set: no ReLU, leaky ReLU, clip or max-pool unit reads a value that depends on an
// OpMul (a product of two input-dependent values).
func ConvexRegions(net *models.Net) bool {
	product := make([]bool, len(net.Nodes))
	for i, nd := range net.Nodes {
		product[i] = nd.Op == models.OpMul
		for _, in := range nd.Inputs {
			product[i] = product[i] || product[in]
		}
		switch nd.Op {
		case models.OpReLU, models.OpLeakyReLU, models.OpClip, models.OpMaxPool:
			if product[nd.Inputs[0]] {
				return false
			}
		}
	}
	return true
}

// switches counts the units whose fields differ between the patterns a and b.
func (pm *patternMap) switches(a, b []byte) int {
	n := 0
	for k, s := range pm.srcs {
		lo, hi := pm.offs[k], pm.offs[k]+s.bytes()
		n += hammingFields(a[lo:hi], b[lo:hi], s.width())
	}
	return n
}

// hammingFields counts the fields of width bits (1, 2 or 8) that differ between a and b (of equal
// length, a multiple of 8 bytes), a 64-bit word at a time: neighbouring patterns mostly agree.
func hammingFields(a, b []byte, width int) int {
	n := 0
	for i := 0; i < len(a); i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:])
		if x == 0 {
			continue
		}
		switch width { // one bit per differing field, at its lowest position
		case 2:
			x = (x | x>>1) & 0x5555555555555555
		case 8:
			x |= x >> 4
			x |= x >> 2
			x |= x >> 1
			x &= 0x0101010101010101
		}
		n += bits.OnesCount64(x)
	}
	return n
}

// patternSources returns the piecewise-linear nodes of net as pattern sources, and the number of
// pattern bytes per point.
func patternSources(net *models.Net) ([]*patternSource, int, error) {
	shapes, err := net.Shapes()
	if err != nil {
		return nil, 0, err
	}
	var srcs []*patternSource
	units := 0
	last := len(net.Nodes) - 1
	for i, nd := range net.Nodes {
		switch nd.Op {
		case models.OpReLU, models.OpLeakyReLU, models.OpClip, models.OpMaxPool:
		case models.OpSigmoid, models.OpTanh, models.OpGELU:
			return nil, 0, fmt.Errorf("surface: linear regions: node %d %q (%s) is smooth; regions are defined for piecewise-linear nets", i, nd.Name, nd.Op)
		case models.OpSoftmax, models.OpLogSoftmax:
			if i != last {
				return nil, 0, fmt.Errorf("surface: linear regions: node %d %q is a softmax inside the net", i, nd.Name)
			}
			continue
		default:
			continue
		}
		in := nd.Inputs[0]
		s := &patternSource{op: nd.Op, attr: nd.Attr, input: in, shape: shapes[in], size: models.ShapeSize(shapes[in])}
		if nd.Op == models.OpMaxPool && nd.Attr.Kernel[0]*nd.Attr.Kernel[1] > 256 {
			return nil, 0, fmt.Errorf("surface: linear regions: node %d %q: pool windows over 256 values", i, nd.Name)
		}
		srcs = append(srcs, s)
		units += s.units()
	}
	if units == 0 {
		return nil, 0, fmt.Errorf("surface: linear regions: the net has no ReLU, clip or max-pool units; it is affine (one region)")
	}
	return srcs, units, nil
}

// width returns the bits of one unit's field: 1 for a ReLU's on/off, 2 for a clip's piece (0, 1,
// 2) or a 2×2 pool's winner (0 … 3), 8 for the winner of a larger pool window (below 256).
func (s *patternSource) width() int {
	switch {
	case s.op == models.OpClip, s.op == models.OpMaxPool && s.pool2():
		return 2
	case s.op == models.OpMaxPool:
		return 8
	}
	return 1
}

// bytes returns the bytes the source's fields take in a pattern: whole 64-bit words.
func (s *patternSource) bytes() int { return (s.units()*s.width() + 63) / 64 * 8 }

// units returns the number of pattern units (fields) the source writes per point.
func (s *patternSource) units() int {
	if s.op != models.OpMaxPool {
		return s.size
	}
	oh, ow := s.poolOut()
	return s.shape[0] * oh * ow
}

func (s *patternSource) poolOut() (oh, ow int) {
	a := s.attr
	sh, sw := max(a.Stride[0], 1), max(a.Stride[1], 1)
	oh = (s.shape[1]+a.Pad[0]+a.Pad[2]-a.Kernel[0])/sh + 1
	ow = (s.shape[2]+a.Pad[1]+a.Pad[3]-a.Kernel[1])/sw + 1
	return oh, ow
}

// encode writes one point's fields from the values x of the node's input into dst (bytes()
// bytes, padding bits zero).
func (s *patternSource) encode(dst []byte, x []float32) {
	switch s.op {
	case models.OpReLU, models.OpLeakyReLU:
		bitpack.Positive(dst, x)
	case models.OpClip:
		var f fieldWriter
		for _, v := range x {
			f.put(dst, uint64(b2u(v > s.attr.Min)+b2u(v > s.attr.Max)), 2)
		}
		f.flush(dst)
	case models.OpMaxPool:
		if s.pool2() {
			encodePool2(dst, x, s.shape[0], s.shape[1], s.shape[2])
			return
		}
		clear(dst)
		encodePool(dst, x, s)
	}
}

// fieldWriter packs fields into little-endian 64-bit words of dst, in order.
type fieldWriter struct {
	word  uint64
	bits  int // bits filled in word
	index int // word being filled
}

func (f *fieldWriter) put(dst []byte, v uint64, width int) {
	f.word |= v << f.bits
	if f.bits += width; f.bits == 64 {
		f.flush(dst)
	}
}

// flush writes the word being filled (its unfilled bits zero) and starts the next; with no bits
// filled, it writes nothing.
func (f *fieldWriter) flush(dst []byte) {
	if f.bits > 0 {
		binary.LittleEndian.PutUint64(dst[8*f.index:], f.word)
		f.word, f.bits = 0, 0
		f.index++
	}
}

// encodePool writes the winning position in the window (scan order, first of equals; 255 for a
// window wholly in the padding) of every window of a max pool source, a byte each.
func encodePool(dst []byte, x []float32, s *patternSource) {
	a := s.attr
	sh, sw := max(a.Stride[0], 1), max(a.Stride[1], 1)
	H, W := s.shape[1], s.shape[2]
	oh, ow := s.poolOut()
	k := 0
	for c := 0; c < s.shape[0]; c++ {
		plane := x[c*H*W : (c+1)*H*W]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				best, at := float32(0), -1
				for ky := 0; ky < a.Kernel[0]; ky++ {
					y := oy*sh - a.Pad[0] + ky
					for kx := 0; kx < a.Kernel[1]; kx++ {
						xx := ox*sw - a.Pad[1] + kx
						if y < 0 || y >= H || xx < 0 || xx >= W {
							continue
						}
						if v := plane[y*W+xx]; at < 0 || v > best {
							best, at = v, ky*a.Kernel[1]+kx
						}
					}
				}
				dst[k] = byte(at)
				k++
			}
		}
	}
}

// pool2 reports whether the source is a 2×2 max pool of stride 2 without padding over even sides.
func (s *patternSource) pool2() bool {
	a := s.attr
	return a.Kernel == [2]int{2, 2} && a.Stride == [2]int{2, 2} && a.Pad == [4]int{} && s.shape[1]%2 == 0 && s.shape[2]%2 == 0
}

// encodePool2 writes the winning position (0 … 3, first of equals in scan order) of every window
// of a 2×2 max pool of stride 2 over c planes of h×w values x, two bits each (a byte per window
// first, 32 of them then packed into a 64-bit word by packPairs).
func encodePool2(dst []byte, x []float32, c, h, w int) {
	var at [32]byte
	k := 0
	for r := 0; r < c*h; r += 2 {
		top, bot := x[r*w:(r+1)*w], x[(r+1)*w:(r+2)*w]
		for ox := 0; ox < w/2; ox++ {
			best, a := top[2*ox], byte(0)
			if v := top[2*ox+1]; v > best {
				best, a = v, 1
			}
			if v := bot[2*ox]; v > best {
				best, a = v, 2
			}
			if bot[2*ox+1] > best {
				a = 3
			}
			at[k%32] = a
			if k++; k%32 == 0 {
				binary.LittleEndian.PutUint64(dst[8*(k/32-1):], packPairs(&at))
			}
		}
	}
	if k%32 != 0 {
		clear(at[k%32:])
		binary.LittleEndian.PutUint64(dst[8*(k/32):], packPairs(&at))
	}
}

// packPairs packs 32 values below 4 into 2-bit fields of a word, value i at bits 2i and 2i+1:
// eight bytes at a time, neighbouring fields merged by shifts and masks (Warren, "Hacker's
// Delight", 2nd ed., 2012, §7-3).
func packPairs(at *[32]byte) uint64 {
	var m uint64
	for j := 0; j < 4; j++ {
		x := binary.LittleEndian.Uint64(at[8*j:])
		x = (x | x>>6) & 0x000F000F000F000F
		x = (x | x>>12) & 0x000000FF000000FF
		x = (x | x>>24) & 0xFFFF
		m |= x << (16 * j)
	}
	return m
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// components labels the 4-connected components of equal values of h on an nx×ny grid, numbering
// them in scan order, and returns the labels and their count.
func components(h []uint64, nx, ny int) ([]int, int) {
	labels := make([]int, len(h))
	for k := range labels {
		labels[k] = -1
	}
	stack := []int{}
	n := 0
	for start := range h {
		if labels[start] >= 0 {
			continue
		}
		labels[start] = n
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			i, j := k%nx, k/nx
			for _, nb := range [4][2]int{{i - 1, j}, {i + 1, j}, {i, j - 1}, {i, j + 1}} {
				if nb[0] < 0 || nb[0] >= nx || nb[1] < 0 || nb[1] >= ny {
					continue
				}
				q := nb[1]*nx + nb[0]
				if labels[q] < 0 && h[q] == h[k] {
					labels[q] = n
					stack = append(stack, q)
				}
			}
		}
		n++
	}
	return labels, n
}
