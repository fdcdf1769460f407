package surface

import "math"

// cut splits the convex polygon p by the line a·s + b·t + c = 0 into its parts where the left
// side is ≥ 0 (pos) and ≤ 0 (neg). Vertices within eps of the line belong to both; the polygon
// is cut (ok) only when vertices lie farther than eps on both sides. A two-vertex polygon is a
// segment and is cut into two segments.
func cut(p Polygon, a, b, c, eps float64) (pos, neg Polygon, ok bool) {
	g := math.Hypot(a, b)
	if g == 0 || len(p) < 2 {
		return nil, nil, false
	}
	d := make([]float64, len(p))
	side := make([]int, len(p))
	above, below := false, false
	for i, v := range p {
		d[i] = (a*v[0] + b*v[1] + c) / g
		switch {
		case d[i] > eps:
			side[i], above = 1, true
		case d[i] < -eps:
			side[i], below = -1, true
		}
	}
	if !above || !below {
		return nil, nil, false
	}
	for i, v := range p {
		j := (i + 1) % len(p)
		if side[i] >= 0 {
			pos = append(pos, v)
		}
		if side[i] <= 0 {
			neg = append(neg, v)
		}
		if side[i]*side[j] < 0 {
			f := d[i] / (d[i] - d[j])
			x := [2]float64{v[0] + f*(p[j][0]-v[0]), v[1] + f*(p[j][1]-v[1])}
			pos, neg = append(pos, x), append(neg, x)
		}
	}
	return dedupe(pos, eps), dedupe(neg, eps), true
}

// dedupe drops vertices within eps of the previous one (and a last vertex within eps of the
// first), which a segment's two edges produce.
func dedupe(p Polygon, eps float64) Polygon {
	out := p[:0]
	for _, v := range p {
		if n := len(out); n > 0 && math.Hypot(v[0]-out[n-1][0], v[1]-out[n-1][1]) <= eps {
			continue
		}
		out = append(out, v)
	}
	for len(out) > 1 && math.Hypot(out[0][0]-out[len(out)-1][0], out[0][1]-out[len(out)-1][1]) <= eps {
		out = out[:len(out)-1]
	}
	return out
}

// centroid returns the mean of p's vertices, a point inside a convex polygon.
func centroid(p Polygon) [2]float64 {
	var z [2]float64
	for _, v := range p {
		z[0] += v[0]
		z[1] += v[1]
	}
	z[0] /= float64(len(p))
	z[1] /= float64(len(p))
	return z
}

// measure returns the area of the polygon p, or its length when p is a segment.
func (p Polygon) measure() float64 {
	if len(p) == 2 {
		return math.Hypot(p[1][0]-p[0][0], p[1][1]-p[0][1])
	}
	s := 0.0
	for i, v := range p {
		w := p[(i+1)%len(p)]
		s += v[0]*w[1] - w[0]*v[1]
	}
	return math.Abs(s) / 2
}
