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
