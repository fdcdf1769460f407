package render

import (
	"testing"
)

// The colour bar shows the colormap from the low end (bottom) to the high
// end (top), and its ticks lie inside the colour range.
func TestColorBar(t *testing.T) {
	s := &Scene{Field: waves(32), ColorBar: true, Label: "logit", Colormap: Magma, Min: -2, Max: 6, Samples: 1}
	img := renderCPU(t, s, 400, 300)
	r := NewCPU().(*renderer)
	f, err := r.prepare(img.Bounds(), s)
	if err != nil {
		t.Fatal(err)
	}
	cb := f.lay.bar
	if cb == nil {
		t.Fatal("no colour bar laid out")
	}
	x := int((cb.x0 + cb.x1) / 2)
	top, bottom := img.RGBAAt(x, int(cb.y0)+2), img.RGBAAt(x, int(cb.y1)-3)
	if d := colorDist(top, Magma.At(1)); d > 12 {
		t.Errorf("top of the bar %v, want about %v", top, Magma.At(1))
	}
	if d := colorDist(bottom, Magma.At(0)); d > 12 {
		t.Errorf("bottom of the bar %v, want about %v", bottom, Magma.At(0))
	}
	for _, v := range cb.ticks {
		if v < -2 || v > 6 {
			t.Errorf("tick %g outside the range [-2, 6]", v)
		}
	}
	if len(cb.ticks) < 3 {
		t.Errorf("ticks %v: too few", cb.ticks)
	}
	// The surface moved left to make room.
	if f.lay.region[1] >= 0.94 || cb.x0 < float64(img.Bounds().Dx())/2 {
		t.Errorf("region %v, bar at x %g", f.lay.region, cb.x0)
	}
}

func colorDist(a, b interface{ RGBA() (r, g, b, a uint32) }) int {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) int { return max(int(x>>8)-int(y>>8), int(y>>8)-int(x>>8)) }
	return max(d(ar, br), d(ag, bg), d(ab, bb))
}

// A colour range narrower than the values ends the colour bar in triangles of the end colours on
// the sides the values pass (matplotlib's extend), and only there.
func TestColorBarExtensions(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		lo, hi   bool
	}{{0, 0, false, false}, {-0.5, 0.5, true, true}, {-10, 0.5, false, true}, {-0.5, 10, true, false}} {
		s := &Scene{Field: waves(32), ColorBar: true, Label: "v", Colormap: Magma, Min: c.min, Max: c.max, Samples: 1}
		img := renderCPU(t, s, 400, 300)
		r := NewCPU().(*renderer)
		f, err := r.prepare(img.Bounds(), s)
		if err != nil {
			t.Fatal(err)
		}
		cb := f.lay.bar
		if cb.extendLo != c.lo || cb.extendHi != c.hi {
			t.Errorf("range [%g, %g]: extends low %v high %v, want %v %v", c.min, c.max, cb.extendLo, cb.extendHi, c.lo, c.hi)
		}
		x := int((cb.x0 + cb.x1) / 2)
		if c.hi {
			if got := img.RGBAAt(x, int(cb.y0-cb.tri/3)); colorDist(got, Magma.At(1)) > 12 {
				t.Errorf("range [%g, %g]: upper triangle %v, want %v", c.min, c.max, got, Magma.At(1))
			}
		}
		if c.lo {
			if got := img.RGBAAt(x, int(cb.y1+cb.tri/3)); colorDist(got, Magma.At(0)) > 12 {
				t.Errorf("range [%g, %g]: lower triangle %v, want %v", c.min, c.max, got, Magma.At(0))
			}
		}
	}
}

// ZMin and ZMax clamp the heights: the surface's height range is theirs, and a height below ZMin
// lies on the floor of the box like ZMin itself.
func TestHeightRangeClamps(t *testing.T) {
	s := &Scene{Field: waves(16), ZMin: -0.25, ZMax: 0.5}
	var m mesh
	st := resolve(s)
	if err := m.build(s, &st); err != nil {
		t.Fatal(err)
	}
	if m.zmin != -0.25 || m.zmax != 0.5 {
		t.Fatalf("height range [%g, %g]", m.zmin, m.zmax)
	}
	if m.worldZ(-3) != m.worldZ(-0.25) || m.worldZ(9) != m.worldZ(0.5) || m.worldZ(0.5) != m.zscale {
		t.Errorf("clamped heights %g %g %g", m.worldZ(-3), m.worldZ(9), m.worldZ(0.5))
	}
	s.ZMin, s.ZMax = 1, 1
	if err := m.build(s, &st); err == nil {
		t.Error("empty height range accepted")
	}
}
