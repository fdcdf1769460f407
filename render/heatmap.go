package render

import (
	"fmt"
	"image"
	"math"
	"sort"
)

// axisLookup finds, for a coordinate, the grid interval holding it: index k
// and fraction t with coord = (1−t)·c[k] + t·c[k+1]. Coordinates must be
// strictly monotonic (either direction).
type axisLookup struct {
	c    []float64 // ascending
	flip bool      // the field's coordinates descend
	n    int
}

func newAxisLookup(n int, at func(int) float64, name string) (axisLookup, error) {
	a := axisLookup{c: make([]float64, n), n: n}
	for k := range a.c {
		a.c[k] = at(k)
	}
	if n > 1 && a.c[1] < a.c[0] {
		a.flip = true
		for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
			a.c[i], a.c[j] = a.c[j], a.c[i]
		}
	}
	for k := 1; k < n; k++ {
		if !(a.c[k] > a.c[k-1]) {
			return a, fmt.Errorf("render: %s coordinates are not strictly monotonic at index %d", name, k)
		}
	}
	return a, nil
}

// locate returns the field index of the interval's first point, the
// fraction towards the next field index (+1 or −1 when flipped) and ok
// when v lies inside the coordinate range.
func (a *axisLookup) locate(v float64) (k int, t float64, ok bool) {
	if v < a.c[0] || v > a.c[a.n-1] {
		return 0, 0, false
	}
	k = sort.SearchFloat64s(a.c, v) - 1
	k = max(0, min(k, a.n-2))
	t = (v - a.c[k]) / (a.c[k+1] - a.c[k])
	if a.flip {
		return a.n - 1 - k, t, true // from index n−1−k towards n−2−k
	}
	return k, t, true
}

// step is the direction of increasing coordinate in field indices.
func (a *axisLookup) step() int {
	if a.flip {
		return -1
	}
	return 1
}

// bilinear interpolates the field at column interval (i, ti) and row
// interval (j, tj), with di, dj the index steps. Where a corner is not
// finite it falls back to the nearest corner, which may itself be NaN.
func bilinear(f Field, i, di int, ti float64, j, dj int, tj float64) float64 {
	v00, v10 := f.Z(i, j), f.Z(i+di, j)
	v01, v11 := f.Z(i, j+dj), f.Z(i+di, j+dj)
	if finite(v00) && finite(v10) && finite(v01) && finite(v11) {
		return (1-tj)*((1-ti)*v00+ti*v10) + tj*((1-ti)*v01+ti*v11)
	}
	switch {
	case ti < 0.5 && tj < 0.5:
		return v00
	case tj < 0.5:
		return v10
	case ti < 0.5:
		return v01
	}
	return v11
}

// drawHeatmap draws the field seen from above as a colour image with
// contour lines, axes and (when asked) the colour bar. Both backends use it.
func drawHeatmap(dst *image.RGBA, f *frame) error {
	s, m := f.scene, f.mesh
	xl, err := newAxisLookup(m.nx, func(i int) float64 { return fieldX(s.Field, i) }, "x")
	if err != nil {
		return err
	}
	yl, err := newAxisLookup(m.ny, func(j int) float64 { return fieldY(s.Field, j) }, "y")
	if err != nil {
		return err
	}
	fill(dst, f.st.bg)
	a := placePlot(f.w, f.h, f.lay.fontSize, f.lay.top, f.lay.right, [4]float64{m.xmin, m.xmax, m.ymin, m.ymax}, !s.Stretch, s.XLabel, s.YLabel)
	f.plot = &a
	if cb := f.lay.bar; cb != nil { // beside the plot, as tall as it
		w := cb.x1 - cb.x0
		cb.x0 = math.Min(cb.x0, a.x1+1.6*f.lay.fontSize)
		cb.x1 = cb.x0 + w
		if cb.classes == nil {
			cb.fit(a.y0, a.y1, f.lay.fontSize)
		}
	}
	px0, px1 := int(math.Round(a.x0)), int(math.Round(a.x1))
	py0, py1 := int(math.Round(a.y0)), int(math.Round(a.y1))
	if px1 <= px0 || py1 <= py0 {
		return nil
	}
	px := sampleHeatmapPixels(f, &a, xl, yl, px0, py0, px1-px0, py1-py0)
	paintHeatmap(dst, f, px, px0, py0)
	drawAxes(dst, &a, f.lay.fontSize, f.ink(), s.XLabel, s.YLabel)
	return nil
}

// heatmapPixels holds, per pixel of the plot area (row-major, w×h), the
// colour fraction tv and the contour parameter sv (NaN outside the field or
// in its gaps) and, for categorical scenes, the continuous field column and
// row uv.
type heatmapPixels struct {
	w, h   int
	tv, sv []float32
	uv     [][2]float32
}

// heatmapCell is where one pixel column or row falls in the grid.
type heatmapCell struct {
	k  int
	t  float64
	ok bool
}

// sampleHeatmapPixels interpolates the scene's field (and colour field)
// bilinearly at the centre of every pixel of the w×h plot area whose top
// left corner is (px0, py0).
func sampleHeatmapPixels(f *frame, a *plotArea, xl, yl axisLookup, px0, py0, w, h int) *heatmapPixels {
	s, m := f.scene, f.mesh
	px := &heatmapPixels{w: w, h: h, tv: make([]float32, w*h), sv: make([]float32, w*h)}
	if s.Categorical {
		px.uv = make([][2]float32, w*h)
	}
	levels := float64(s.Contours + 1)
	crange := m.cmax - m.cmin
	cols, rows := make([]heatmapCell, w), make([]heatmapCell, h)
	for x := range cols {
		c := &cols[x]
		c.k, c.t, c.ok = xl.locate(a.dataX(float64(px0+x) + 0.5))
	}
	for y := range rows {
		c := &rows[y]
		c.k, c.t, c.ok = yl.locate(a.dataY(float64(py0+y) + 0.5))
	}
	nan := float32(math.NaN())
	forEach(h, func(y int) {
		k, tj, okY := rows[y].k, rows[y].t, rows[y].ok
		for x := 0; x < w; x++ {
			o := y*w + x
			i, ti, okX := cols[x].k, cols[x].t, cols[x].ok
			if !okX || !okY {
				px.tv[o], px.sv[o] = nan, nan
				continue
			}
			z := bilinear(s.Field, i, xl.step(), ti, k, yl.step(), tj)
			c := z
			if s.Color != nil {
				c = bilinear(s.Color, i, xl.step(), ti, k, yl.step(), tj)
			}
			if !finite(z) || !finite(c) {
				px.tv[o], px.sv[o] = nan, nan
				continue
			}
			t := 0.5
			if crange > 0 {
				t = (c - m.cmin) / crange
			}
			px.tv[o] = float32(t)
			px.sv[o] = float32(heightFraction(z, m.zmin, m.zmax) * levels)
			if px.uv != nil {
				px.uv[o] = [2]float32{float32(float64(i) + ti*float64(xl.step())), float32(float64(k) + tj*float64(yl.step()))}
			}
		}
	})
	return px
}

// heatmapClassShader is the class shader of a categorical scene: the class
// of every grid point and the palette.
func heatmapClassShader(f *frame) *shader {
	m := f.mesh
	classes := gridClasses(make([]float32, 0, m.nx*m.ny), f.scene, m.nx, m.ny)
	return &shader{classes: classes, nx: m.nx, ny: m.ny, palette: paletteTable(f.scene.Palette), lineScale: 1}
}

// paintHeatmap colours the sampled pixels into dst at (px0, py0): the
// colormap (or the class shader's colours and boundaries), then contours.
func paintHeatmap(dst *image.RGBA, f *frame, px *heatmapPixels, px0, py0 int) {
	b := dst.Bounds()
	contours := float32(f.scene.Contours)
	w, h, tv, sv, uv := px.w, px.h, px.tv, px.sv, px.uv
	var sh *shader
	if uv != nil {
		sh = heatmapClassShader(f)
	}
	forEach(h, func(y int) {
		for x := 0; x < w; x++ {
			o := y*w + x
			if tv[o] != tv[o] {
				continue
			}
			r, g, bl := f.st.cmap.rgb(tv[o])
			var edge float32
			if sh != nil {
				in := shadeInput{u: uv[o][0], v: uv[o][1]}
				in.gu = [2]float32{centralDiffUV(uv, tv, o, x, w, 1, 0), centralDiffUV(uv, tv, o, y, h, w, 0)}
				in.gv = [2]float32{centralDiffUV(uv, tv, o, x, w, 1, 1), centralDiffUV(uv, tv, o, y, h, w, 1)}
				r, g, bl, edge = sh.classColor(&in)
			}
			c := [3]float32{r, g, bl}
			if contours > 0 {
				sc := sv[o]
				if lv := float32(math.Floor(float64(sc + 0.5))); lv >= 1 && lv <= contours {
					gr := [2]float32{centralDiff(sv, o, x, w, 1), centralDiff(sv, o, y, h, w)}
					c = mix3(c, [3]float32(contourStyle[:3]), contourStyle[3]*lineAlpha(sc, gr, contourHalfWidth))
				}
			}
			c = mix3(c, [3]float32(boundaryStyle[:3]), boundaryStyle[3]*edge)
			i := dst.PixOffset(b.Min.X+px0+x, b.Min.Y+py0+y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = to8(c[0]), to8(c[1]), to8(c[2]), 255
		}
	})
}

// centralDiff is the derivative of v along one axis at offset o (position p
// of n along that axis, neighbours stride apart), one-sided at edges and
// gaps.
func centralDiff(v []float32, o, p, n, stride int) float32 {
	var lo, hi = o, o
	if p > 0 && v[o-stride] == v[o-stride] {
		lo = o - stride
	}
	if p+1 < n && v[o+stride] == v[o+stride] {
		hi = o + stride
	}
	if lo == hi {
		return 0
	}
	return (v[hi] - v[lo]) / float32((hi-lo)/stride)
}

// centralDiffUV is centralDiff for component q of the field coordinates,
// skipping pixels outside the field (NaN in tv).
func centralDiffUV(uv [][2]float32, tv []float32, o, p, n, stride, q int) float32 {
	lo, hi := o, o
	if p > 0 && tv[o-stride] == tv[o-stride] {
		lo = o - stride
	}
	if p+1 < n && tv[o+stride] == tv[o+stride] {
		hi = o + stride
	}
	if lo == hi {
		return 0
	}
	return (uv[hi][q] - uv[lo][q]) / float32((hi-lo)/stride)
}

// fill paints the whole image one colour.
func fill(dst *image.RGBA, c interface{ RGBA() (r, g, b, a uint32) }) {
	r, g, bb, _ := c.RGBA()
	b := dst.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(b.Min.X, y) : dst.PixOffset(b.Max.X-1, y)+4]
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = uint8(r>>8), uint8(g>>8), uint8(bb>>8), 255
		}
	}
}
