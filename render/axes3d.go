package render

import (
	"image"
	"image/color"
	"math"
)

// box3 is the world-space box the surface fills, with the data values at
// its faces, and which faces the eye sees.
type box3 struct {
	ax, ay, az float64 // half extents
	floorZ     float64 // the pane under (or, seen from below, over) the surface
	backX      float64 // the far wall along x
	backY      float64 // the far wall along y
	frontX     float64 // the near side along x (y-axis labels go there)
	frontY     float64 // the near side along y (x-axis labels go there)
}

func boxFor(f *frame) box3 {
	m := f.mesh
	b := box3{ax: (m.xmax - m.xmin) / 2 * m.sx, ay: (m.ymax - m.ymin) / 2 * m.sy, az: m.zscale}
	e := f.view.eye
	sgn := func(v float64) float64 {
		if v < 0 {
			return -1
		}
		return 1
	}
	b.floorZ = -b.az * sgn(e[2])
	b.backX, b.frontX = -b.ax*sgn(e[0]), b.ax*sgn(e[0])
	b.backY, b.frontY = -b.ay*sgn(e[1]), b.ay*sgn(e[1])
	return b
}

// paneColors are the pane fill, grid and edge colours for a background.
func paneColors(f *frame) (pane, grid, edge color.Color) {
	if f.st.dark {
		return color.NRGBA{255, 255, 255, 14}, color.NRGBA{255, 255, 255, 40}, color.NRGBA{255, 255, 255, 110}
	}
	return color.NRGBA{0, 0, 0, 12}, color.NRGBA{0, 0, 0, 38}, color.NRGBA{0, 0, 0, 100}
}

// drawPanes draws, behind where the surface will go, the floor and the two
// far walls of the box with grid lines at the ticks (matplotlib's 3D axes).
func drawPanes(dst *image.RGBA, f *frame) {
	m, b := f.mesh, boxFor(f)
	pane, grid, edge := paneColors(f)
	p := newPainter(dst)
	proj := func(v vec3) pt {
		x, y, _ := f.project(v)
		return pt{x, y}
	}
	quad := func(c ...vec3) {
		var s shape
		pts := make([]pt, len(c))
		for k, v := range c {
			pts[k] = proj(v)
		}
		// wind consistently whatever the projection did
		if area(pts) > 0 {
			for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
				pts[i], pts[j] = pts[j], pts[i]
			}
		}
		s.poly(pts...)
		p.fill(&s, pane)
	}
	z0, z1 := -b.az, b.az
	quad(vec3{-b.ax, -b.ay, b.floorZ}, vec3{b.ax, -b.ay, b.floorZ}, vec3{b.ax, b.ay, b.floorZ}, vec3{-b.ax, b.ay, b.floorZ})
	quad(vec3{b.backX, -b.ay, z0}, vec3{b.backX, b.ay, z0}, vec3{b.backX, b.ay, z1}, vec3{b.backX, -b.ay, z1})
	quad(vec3{-b.ax, b.backY, z0}, vec3{b.ax, b.backY, z0}, vec3{b.ax, b.backY, z1}, vec3{-b.ax, b.backY, z1})

	lw := math.Max(1, f.lay.fontSize/14)
	var gs shape
	line := func(a, c vec3) { gs.segment(proj(a), proj(c), lw) }
	xt, _ := niceTicks(m.xmin, m.xmax, 5)
	for _, v := range xt {
		x := m.worldX(v)
		line(vec3{x, -b.ay, b.floorZ}, vec3{x, b.ay, b.floorZ})
		line(vec3{x, b.backY, z0}, vec3{x, b.backY, z1})
	}
	yt, _ := niceTicks(m.ymin, m.ymax, 5)
	for _, v := range yt {
		y := m.worldY(v)
		line(vec3{-b.ax, y, b.floorZ}, vec3{b.ax, y, b.floorZ})
		line(vec3{b.backX, y, z0}, vec3{b.backX, y, z1})
	}
	zt, _ := niceTicks(m.zmin, m.zmax, 5)
	for _, v := range zt {
		z := m.worldZ(v)
		line(vec3{b.backX, -b.ay, z}, vec3{b.backX, b.ay, z})
		line(vec3{-b.ax, b.backY, z}, vec3{b.ax, b.backY, z})
	}
	p.fill(&gs, grid)

	var es shape
	eline := func(a, c vec3) { es.segment(proj(a), proj(c), lw) }
	for _, c := range [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		eline(vec3{c[0] * b.ax, c[1] * b.ay, b.floorZ}, vec3{-c[1] * b.ax, c[0] * b.ay, b.floorZ})
	}
	eline(vec3{b.backX, b.backY, z0}, vec3{b.backX, b.backY, z1})
	p.fill(&es, edge)
}

// area is the signed area of a polygon (shoelace formula).
func area(p []pt) float64 {
	var s float64
	for i := range p {
		j := (i + 1) % len(p)
		s += p[i].x*p[j].y - p[j].x*p[i].y
	}
	return s / 2
}

// drawAxisLabels writes the tick values along the near floor edges and a
// vertical edge, and the axis names, over the finished picture.
func drawAxisLabels(dst *image.RGBA, f *frame) {
	m, b := f.mesh, boxFor(f)
	fs := f.lay.fontSize
	fc := face(fs)
	ink := f.ink()
	_, _, edge := paneColors(f)
	p := newPainter(dst)
	lw := math.Max(1, fs/14)
	bo := dst.Bounds()
	proj := func(v vec3) pt {
		x, y, _ := f.project(v)
		return pt{x, y}
	}
	// label puts s at the projection of at, pushed away from the box along
	// the screen direction of out (a world vector) by gap pixels.
	label := func(s string, at, out vec3, gap float64, tick bool) {
		a, c := proj(at), proj(at.add(out))
		dx, dy := c.x-a.x, c.y-a.y
		l := math.Hypot(dx, dy)
		if l < 1e-9 {
			return
		}
		dx, dy = dx/l, dy/l
		if tick {
			p.line(a, pt{a.x + dx*0.5*fs, a.y + dy*0.5*fs}, lw, edge)
		}
		w := textWidth(fc, s)
		// centre of the text box, moved out until its edge clears the gap
		r := gap + math.Abs(dx)*w/2 + math.Abs(dy)*ascent(fc)/2
		cx, cy := a.x+dx*r, a.y+dy*r
		drawText(dst, fc, s, float64(bo.Min.X)+cx, float64(bo.Min.Y)+cy+ascent(fc)/2, alignCenter, ink)
	}
	out := 0.1
	xt, xs := niceTicks(m.xmin, m.xmax, 5)
	for _, v := range xt {
		label(minusSign(tickLabel(v, xs)), vec3{m.worldX(v), b.frontY, b.floorZ}, vec3{0, out * sign(b.frontY), 0}, 0.7*fs, true)
	}
	yt, ys := niceTicks(m.ymin, m.ymax, 5)
	for _, v := range yt {
		label(minusSign(tickLabel(v, ys)), vec3{b.frontX, m.worldY(v), b.floorZ}, vec3{out * sign(b.frontX), 0, 0}, 0.7*fs, true)
	}
	// z along the vertical edge that projects furthest left
	cx, cy, best := 0.0, 0.0, math.Inf(1)
	for _, c := range [][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		if c[0]*b.ax == b.backX && c[1]*b.ay == b.backY {
			continue
		}
		if q := proj(vec3{c[0] * b.ax, c[1] * b.ay, 0}); q.x < best {
			best, cx, cy = q.x, c[0]*b.ax, c[1]*b.ay
		}
	}
	zt, zs := niceTicks(m.zmin, m.zmax, 5)
	for _, v := range zt {
		label(minusSign(tickLabel(v, zs)), vec3{cx, cy, m.worldZ(v)}, vec3{out * sign(cx), out * sign(cy), 0}, 0.7*fs, true)
	}
	s := f.scene
	if s.XLabel != "" {
		label(s.XLabel, vec3{0, b.frontY, b.floorZ}, vec3{0, out * sign(b.frontY), 0}, 2.6*fs, false)
	}
	if s.YLabel != "" {
		label(s.YLabel, vec3{b.frontX, 0, b.floorZ}, vec3{out * sign(b.frontX), 0, 0}, 2.6*fs, false)
	}
	if s.ZLabel != "" {
		label(s.ZLabel, vec3{cx, cy, 0}, vec3{out * sign(cx), out * sign(cy), 0}, 3.2*fs, false)
	}
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// composite puts the surface (drawn over bg with coverage in alpha) over
// the underlay: out = src + (1 − a)·(under − bg), which is "src over
// under" for a surface whose edges were blended with bg.
func composite(dst, under *image.RGBA, bg color.RGBA) {
	b := dst.Bounds()
	forEach(b.Dy(), func(y int) {
		d := dst.Pix[dst.PixOffset(b.Min.X, b.Min.Y+y):]
		u := under.Pix[under.PixOffset(b.Min.X, b.Min.Y+y):]
		bgc := [3]float32{float32(bg.R), float32(bg.G), float32(bg.B)}
		for x := 0; x < b.Dx(); x++ {
			q := d[4*x : 4*x+4 : 4*x+4]
			if q[3] == 255 {
				continue
			}
			k := float32(255-q[3]) / 255
			for c := 0; c < 3; c++ {
				v := float32(q[c]) + k*(float32(u[4*x+c])-bgc[c])
				q[c] = uint8(min(max(v+0.5, 0), 255))
			}
			q[3] = 255
		}
	})
}
