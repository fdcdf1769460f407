package surface

import (
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"sync"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
)

// LinearRegions computes the activation-pattern map of net over the grid of probe p. progress,
// when not nil, is called with the points done so far. It returns an error for a net with smooth
// activations, and ctx's error when ctx is cancelled. A RegionCounter does the same for many
// probes of one net without compiling it again for each.
func LinearRegions(ctx context.Context, net *models.Net, p *projection.Probe, progress func(done, total int)) (*RegionMap, error) {
	rc, err := NewRegionCounter(net)
	if err != nil {
		return nil, err
	}
	return rc.Count(ctx, p, progress)
}

// RegionCounter counts the linear regions of one piecewise-linear net on probes (LinearRegions),
// and can sample the net's logits in the same pass (SampleRegions). It compiles the net's pattern
// sources once, and is safe for concurrent use.
type RegionCounter struct {
	net    *models.Net
	convex bool
	pm     *patternMap // patterns only

	logitsOnce sync.Once
	withLogits *patternMap // patterns and the output, built on the first SampleRegions
	logitsErr  error
}

// NewRegionCounter compiles net's pattern sources. It returns an error for a net with smooth
// activations or without piecewise-linear units.
func NewRegionCounter(net *models.Net) (*RegionCounter, error) {
	pm, err := newPatternMap(net, false)
	if err != nil {
		return nil, err
	}
	return &RegionCounter{net: net, convex: ConvexRegions(net), pm: pm}, nil
}

// Count is LinearRegions of the counter's net on probe p.
func (rc *RegionCounter) Count(ctx context.Context, p *projection.Probe, progress func(done, total int)) (*RegionMap, error) {
	return rc.count(ctx, rc.pm, p, nil, progress)
}

// SampleRegions returns what Sample (with the net's infer.Evaluator, default options) and Count
// return for probe p, from one evaluation of the net per point: the tap that reads the pattern
// sources reads the logits too. The logits are the same numbers as Sample's (TestSampleRegions).
func (rc *RegionCounter) SampleRegions(ctx context.Context, p *projection.Probe, progress func(done, total int)) (*Grid, *RegionMap, error) {
	rc.logitsOnce.Do(func() { rc.withLogits, rc.logitsErr = newPatternMap(rc.net, true) })
	if rc.logitsErr != nil {
		return nil, nil, rc.logitsErr
	}
	if p.Shape[0]*p.Shape[1]*p.Shape[2] != rc.net.InputSize() {
		return nil, nil, fmt.Errorf("surface: probe points have %d values (shape %v), the net takes %d", len(p.Origin), p.Shape, rc.net.InputSize())
	}
	nx, ny := p.Dims()
	total, k := nx*ny, rc.net.Classes
	if total <= 0 || total > MaxPoints {
		return nil, nil, fmt.Errorf("surface: %d grid points; at most %d", total, MaxPoints)
	}
	if err := memcap.Check(fmt.Sprintf("a grid of %d×%d points of %d logits", nx, ny, k), memcap.Mul(int64(total), int64(k), 4)); err != nil {
		return nil, nil, fmt.Errorf("surface: %w", err)
	}
	g := &Grid{NX: nx, NY: ny, K: k, S: p.S, T: p.T, Values: make([]float32, total*k), Probe: p}
	rm, err := rc.count(ctx, rc.withLogits, p, g.Values, progress)
	if err != nil {
		return nil, nil, err
	}
	return g, rm, nil
}

// count computes the region map of probe p with the pattern map pm and, when logits is not nil
// (and pm taps them), writes every grid point's logits into it.
func (rc *RegionCounter) count(ctx context.Context, pm *patternMap, p *projection.Probe, logits []float32, progress func(done, total int)) (*RegionMap, error) {
	if len(p.Origin) != rc.net.InputSize() {
		return nil, fmt.Errorf("surface: linear regions: probe points have %d values, the net takes %d", len(p.Origin), rc.net.InputSize())
	}
	at, err := pm.tap.Affine(p.Origin, p.Dirs)
	if err != nil {
		return nil, fmt.Errorf("surface: linear regions: %v", err)
	}
	units, size := pm.units, pm.size
	nx, ny := p.Dims()
	total := nx * ny
	hashes := make([]uint64, total)
	// Chunks of several work units, so that the units of a chunk run in parallel.
	chunk := 64 * max(4, 2*runtime.GOMAXPROCS(0))
	pattern := make([]byte, min(chunk, total)*size)
	// ring holds the patterns of the last nx points: slot k%nx is the point above k until k is
	// written, slot (k−1)%nx the point to its left.
	ring := make([]byte, nx*size)
	switches := 0
	coef := make([]float32, chunk*len(p.Dirs))
	seed := maphash.MakeSeed()
	for lo := 0; lo < total; lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(chunk, total-lo)
		for q := 0; q < n; q++ {
			p.Coef(coef[q*len(p.Dirs):], lo+q)
		}
		var out []float32
		if logits != nil {
			out = logits[lo*pm.classes:]
		}
		pm.encode(pattern, out, at, coef[:n*len(p.Dirs)], n, func(q int, cur []byte) { hashes[lo+q] = maphash.Bytes(seed, cur) })
		for q := 0; q < n; q++ {
			cur := pattern[q*size : (q+1)*size]
			k := lo + q
			i, j := k%nx, k/nx
			if i > 0 {
				switches += pm.switches(cur, ring[(i-1)*size:i*size])
			}
			if j > 0 {
				switches += pm.switches(cur, ring[i*size:(i+1)*size])
			}
			copy(ring[i*size:(i+1)*size], cur)
		}
		if progress != nil {
			progress(lo+n, total)
		}
	}
	return rc.regionMap(p, hashes, units, switches), nil
}

// regionMap gathers the counts of a probe's pattern hashes and unit switches.
func (rc *RegionCounter) regionMap(p *projection.Probe, hashes []uint64, units, switches int) *RegionMap {
	nx, ny := p.Dims()
	labels, regions := components(hashes, nx, ny)
	distinct := map[uint64]bool{}
	for _, h := range hashes {
		distinct[h] = true
	}
	f := NewField(nx, ny, p.S, p.T)
	for k, l := range labels {
		f.Values[k] = float32(l)
	}
	rm := &RegionMap{Labels: f, Components: regions, Patterns: len(distinct), Units: units, Switches: switches, Convex: rc.convex}
	rm.Saturated = rm.Count() == len(hashes)
	// Distance travelled: ny rows of length |S| span, nx columns of length |T| span.
	sx, sy := norm32(p.Dirs[0]), 1.0
	if len(p.Dirs) > 1 {
		sy = norm32(p.Dirs[1])
	}
	length := float64(ny) * sx * (p.S[nx-1] - p.S[0])
	if ny > 1 {
		length += float64(nx) * sy * (p.T[ny-1] - p.T[0])
	}
	if length > 0 {
		rm.SwitchRate = float64(switches) / length
	}
	return rm
}
