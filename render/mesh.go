package render

import (
	"fmt"
	"math"

	"github.com/surfscope/surfscope/render/internal/gl"
)

// vertexFloats is the vertex layout shared by both backends: position (3),
// normal (3), colour t in [0,1], height h in [0,1], and the field column
// and row (u, v) the vertex samples.
const vertexFloats = gl.VertexFloats

// mesh is a field turned into triangles in world space, plus the ranges the
// overlays need. Its slices are reused from frame to frame.
type mesh struct {
	verts   []float32
	idx     []uint32
	classes []float32 // categorical scenes: class of every field point, [j*nx+i]

	nx, ny     int     // field size
	zmin, zmax float64 // finite height range
	cmin, cmax float64 // colour range in use
	clo, chi   float64 // finite range of the colour values (may exceed the range in use)
	xmin, xmax float64 // coordinate ranges
	ymin, ymax float64
	sx, sy     float64 // world = (coord - centre) * s
	xc, yc     float64
	zscale     float64

	// scratch, reused
	cols, rows []int
	xs, ys     []float64
	zs, cs     []float64
	ok         []bool
}

// worldX maps a field x coordinate to world x.
func (m *mesh) worldX(x float64) float64 { return (x - m.xc) * m.sx }

// worldY maps a field y coordinate to world y.
func (m *mesh) worldY(y float64) float64 { return (y - m.yc) * m.sy }

// worldZ maps a height to world z.
func (m *mesh) worldZ(z float64) float64 {
	return (heightFraction(z, m.zmin, m.zmax) - 0.5) * 2 * m.zscale
}

// heightFraction places z in the height range [lo, hi]: 0 at lo, 1 at hi,
// clamped to [0, 1]; 0.5 for an empty range.
func heightFraction(z, lo, hi float64) float64 {
	if hi > lo {
		return min(max((z-lo)/(hi-lo), 0), 1)
	}
	return 0.5
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// measure checks the scene's fields and fills the sizes and ranges.
func (m *mesh) measure(s *Scene, st *settings) error {
	if s == nil || s.Field == nil {
		return fmt.Errorf("render: scene has no field")
	}
	f := s.Field
	nx, ny := f.Dims()
	if nx < 2 || ny < 2 {
		return fmt.Errorf("render: field is %dx%d; a surface needs at least 2x2", nx, ny)
	}
	if s.Color != nil {
		if cx, cy := s.Color.Dims(); cx != nx || cy != ny {
			return fmt.Errorf("render: colour field is %dx%d, height field %dx%d", cx, cy, nx, ny)
		}
	}
	m.nx, m.ny = nx, ny
	m.xmin, m.xmax = math.Inf(1), math.Inf(-1)
	for i := 0; i < nx; i++ {
		x := fieldX(f, i)
		if !finite(x) {
			return fmt.Errorf("render: x coordinate %d is %v", i, x)
		}
		m.xmin, m.xmax = math.Min(m.xmin, x), math.Max(m.xmax, x)
	}
	m.ymin, m.ymax = math.Inf(1), math.Inf(-1)
	for j := 0; j < ny; j++ {
		y := fieldY(f, j)
		if !finite(y) {
			return fmt.Errorf("render: y coordinate %d is %v", j, y)
		}
		m.ymin, m.ymax = math.Min(m.ymin, y), math.Max(m.ymax, y)
	}
	wx, wy := m.xmax-m.xmin, m.ymax-m.ymin
	if !(wx > 0) || !(wy > 0) {
		return fmt.Errorf("render: field coordinates span %g x %g; both must be positive", wx, wy)
	}
	m.xc, m.yc = (m.xmin+m.xmax)/2, (m.ymin+m.ymax)/2
	if s.Stretch {
		m.sx, m.sy = 2/wx, 2/wy
	} else {
		m.sx = 2 / math.Max(wx, wy)
		m.sy = m.sx
	}
	m.zscale = st.zscale

	m.zmin, m.zmax = finiteRange(f, nx, ny)
	switch {
	case math.IsNaN(s.ZMin) || math.IsNaN(s.ZMax) || (s.ZMin == 0 && s.ZMax == 0):
	case math.IsInf(s.ZMin, 0) || math.IsInf(s.ZMax, 0) || s.ZMin >= s.ZMax:
		return fmt.Errorf("render: height range [%g, %g]", s.ZMin, s.ZMax)
	default:
		m.zmin, m.zmax = s.ZMin, s.ZMax
	}
	cf := s.Color
	if cf == nil {
		cf = f
	}
	m.clo, m.chi = finiteRange(cf, nx, ny)
	var err error
	m.cmin, m.cmax, err = colorRange(s, st.cmap, m.clo, m.chi)
	return err
}

// colorRange resolves the colour range of s whose colour values span
// [lo, hi]: Min and Max when set, else [lo, hi], made symmetric about zero
// for a diverging colormap.
func colorRange(s *Scene, cmap *Colormap, lo, hi float64) (float64, float64, error) {
	switch {
	case math.IsNaN(s.Min) || math.IsNaN(s.Max) || (s.Min == 0 && s.Max == 0):
		if cmap.Diverging() && finite(lo) {
			a := math.Max(math.Abs(lo), math.Abs(hi))
			return -a, a, nil
		}
		return lo, hi, nil
	case math.IsInf(s.Min, 0) || math.IsInf(s.Max, 0) || s.Min > s.Max:
		return 0, 0, fmt.Errorf("render: colour range [%g, %g]", s.Min, s.Max)
	}
	return s.Min, s.Max, nil
}

// ColorRange returns the colour range s is drawn with (Min and Max, or the
// finite range of its colour values: Color's, else the heights', symmetric
// about zero for a diverging colormap) and the finite range of its colour
// values, which may reach beyond it (NaN for a field without finite values).
func (s *Scene) ColorRange() (lo, hi, valuesLo, valuesHi float64, err error) {
	cf := s.Color
	if cf == nil {
		cf = s.Field
	}
	if cf == nil {
		return 0, 0, 0, 0, fmt.Errorf("render: scene has no field")
	}
	nx, ny := cf.Dims()
	valuesLo, valuesHi = finiteRange(cf, nx, ny)
	cmap := s.Colormap
	if cmap == nil {
		cmap = Viridis
	}
	lo, hi, err = colorRange(s, cmap, valuesLo, valuesHi)
	return lo, hi, valuesLo, valuesHi, err
}

// finiteRange returns the smallest and largest finite value, or NaN, NaN.
func finiteRange(f Field, nx, ny int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			if z := f.Z(i, j); finite(z) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}

// samples returns 0, step, 2·step, … and always the last index n-1.
func samples(dst []int, n, step int) []int {
	dst = dst[:0]
	for i := 0; i < n-1; i += step {
		dst = append(dst, i)
	}
	return append(dst, n-1)
}

// build measures the scene and fills the vertices and triangles. Triangles
// touching a non-finite height or colour are left out; a cell with one bad
// corner keeps the triangle of its other three.
func (m *mesh) build(s *Scene, st *settings) error {
	if err := m.measure(s, st); err != nil {
		return err
	}
	m.cols = samples(m.cols, m.nx, st.step)
	m.rows = samples(m.rows, m.ny, st.step)
	m.sampleHeights(s)
	m.fillVertices()
	m.classes = m.classes[:0]
	if s.Categorical {
		m.classes = gridClasses(m.classes, s, m.nx, m.ny)
	}
	m.triangulate()
	return nil
}

// sampleHeights fills the world coordinates of the sampled columns and rows,
// the world heights and colour values of the vertices, and which of them are
// finite.
func (m *mesh) sampleHeights(s *Scene) {
	f := s.Field
	na, nb := len(m.cols), len(m.rows)
	n := na * nb
	m.xs = grow(m.xs, na)
	m.ys = grow(m.ys, nb)
	m.zs = grow(m.zs, n)
	m.cs = grow(m.cs, n)
	if cap(m.ok) < n {
		m.ok = make([]bool, n)
	}
	m.ok = m.ok[:n]
	for a, i := range m.cols {
		m.xs[a] = m.worldX(fieldX(f, i))
	}
	for b, j := range m.rows {
		m.ys[b] = m.worldY(fieldY(f, j))
	}
	for b, j := range m.rows {
		for a, i := range m.cols {
			k := b*na + a
			z := f.Z(i, j)
			c := z
			if s.Color != nil {
				c = s.Color.Z(i, j)
			}
			m.ok[k] = finite(z) && finite(c)
			if m.ok[k] {
				m.zs[k] = m.worldZ(z)
				m.cs[k] = c
			}
		}
	}
}

// fillVertices writes every vertex: position, unit normal, colour fraction,
// height fraction and grid coordinates (zero for a non-finite vertex).
func (m *mesh) fillVertices() {
	na, nb := len(m.cols), len(m.rows)
	n := na * nb
	if cap(m.verts) < n*vertexFloats {
		m.verts = make([]float32, n*vertexFloats)
	}
	m.verts = m.verts[:n*vertexFloats]
	crange := m.cmax - m.cmin
	for b := 0; b < nb; b++ {
		for a := 0; a < na; a++ {
			k := b*na + a
			v := m.verts[k*vertexFloats : (k+1)*vertexFloats]
			if !m.ok[k] {
				clear(v)
				continue
			}
			nxw, nyw := m.slope(a, b, na, nb)
			nl := math.Sqrt(nxw*nxw + nyw*nyw + 1)
			t := 0.5
			if crange > 0 {
				t = (m.cs[k] - m.cmin) / crange
			}
			h := m.zs[k]/(2*m.zscale) + 0.5
			v[0], v[1], v[2] = float32(m.xs[a]), float32(m.ys[b]), float32(m.zs[k])
			v[3], v[4], v[5] = float32(-nxw/nl), float32(-nyw/nl), float32(1/nl)
			v[6], v[7], v[8], v[9] = float32(t), float32(h), float32(m.cols[a]), float32(m.rows[b])
		}
	}
}

// gridClasses appends to dst the class of every grid point of a categorical
// scene, row by row: its colour field (or height field) rounded.
func gridClasses(dst []float32, s *Scene, nx, ny int) []float32 {
	cf := s.Color
	if cf == nil {
		cf = s.Field
	}
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			dst = append(dst, float32(math.Round(cf.Z(i, j))))
		}
	}
	return dst
}

// triangulate lists two triangles per cell of four finite corners and one
// per cell of three.
func (m *mesh) triangulate() {
	na, nb := len(m.cols), len(m.rows)
	m.idx = m.idx[:0]
	for b := 0; b+1 < nb; b++ {
		for a := 0; a+1 < na; a++ {
			k00 := b*na + a
			k10, k01, k11 := k00+1, k00+na, k00+na+1
			o00, o10, o01, o11 := m.ok[k00], m.ok[k10], m.ok[k01], m.ok[k11]
			switch {
			case o00 && o10 && o01 && o11:
				m.idx = append(m.idx, u32(k00), u32(k10), u32(k11), u32(k00), u32(k11), u32(k01))
			case !o00 && o10 && o01 && o11:
				m.idx = append(m.idx, u32(k10), u32(k11), u32(k01))
			case o00 && !o10 && o01 && o11:
				m.idx = append(m.idx, u32(k00), u32(k11), u32(k01))
			case o00 && o10 && !o01 && o11:
				m.idx = append(m.idx, u32(k00), u32(k10), u32(k11))
			case o00 && o10 && o01 && !o11:
				m.idx = append(m.idx, u32(k00), u32(k10), u32(k01))
			}
		}
	}
}

// slope returns dz/dx and dz/dy in world units at mesh vertex (a, b), by
// central differences where both neighbours are valid, one-sided where one
// is, and 0 where neither is.
func (m *mesh) slope(a, b, na, nb int) (dx, dy float64) {
	k := b*na + a
	al, ar := a, a
	if a > 0 && m.ok[k-1] {
		al = a - 1
	}
	if a+1 < na && m.ok[k+1] {
		ar = a + 1
	}
	if d := m.xs[ar] - m.xs[al]; d != 0 {
		dx = (m.zs[b*na+ar] - m.zs[b*na+al]) / d
	}
	bl, br := b, b
	if b > 0 && m.ok[k-na] {
		bl = b - 1
	}
	if b+1 < nb && m.ok[k+na] {
		br = b + 1
	}
	if d := m.ys[br] - m.ys[bl]; d != 0 {
		dy = (m.zs[br*na+a] - m.zs[bl*na+a]) / d
	}
	return dx, dy
}

func u32(k int) uint32 { return uint32(k) }

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
