package render

import (
	"image/color"
	"math"
	"testing"
)

// Known entries of the published tables.
func TestColormapKnownValues(t *testing.T) {
	cases := []struct {
		m    *Colormap
		t    float64
		want color.RGBA
	}{
		{Viridis, 0, color.RGBA{68, 1, 84, 255}},      // #440154
		{Viridis, 1, color.RGBA{253, 231, 37, 255}},   // #fde725
		{Viridis, 0.5, color.RGBA{33, 145, 140, 255}}, // #21918c
		{Magma, 1, color.RGBA{252, 253, 191, 255}},
		{Cividis, 0, color.RGBA{0, 34, 78, 255}},
		{RdBu, 0, color.RGBA{0x67, 0x00, 0x1f, 255}},
		{RdBu, 0.5, color.RGBA{0xf7, 0xf7, 0xf7, 255}},
		// Moreland 2009, table of the cool-warm map: ends and the grey middle.
		{Coolwarm, 0, color.RGBA{59, 76, 192, 255}},
		{Coolwarm, 1, color.RGBA{180, 4, 38, 255}},
		{Coolwarm, 0.5, color.RGBA{221, 221, 221, 255}},
	}
	for _, c := range cases {
		got := c.m.At(c.t)
		d := max(absDiff(got.R, c.want.R), absDiff(got.G, c.want.G), absDiff(got.B, c.want.B))
		if d > 2 {
			t.Errorf("%s(%g) = %v, want %v", c.m.Name(), c.t, got, c.want)
		}
	}
}

func absDiff(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }

// Sequential maps grow steadily lighter: CIELAB lightness increases.
func TestSequentialMapsIncreaseInLightness(t *testing.T) {
	for _, m := range []*Colormap{Viridis, Magma, Inferno, Plasma, Cividis, Gray} {
		prev := -1.0
		for i := 0; i <= 32; i++ {
			c := m.At(float64(i) / 32)
			l := rgbToLab([3]float64{float64(c.R) / 255, float64(c.G) / 255, float64(c.B) / 255})[0]
			if l < prev-0.5 {
				t.Errorf("%s: lightness falls from %.1f to %.1f at %d/32", m.Name(), prev, l, i)
			}
			prev = l
		}
	}
}

func TestColormapClampAndReverse(t *testing.T) {
	if Viridis.At(-3) != Viridis.At(0) || Viridis.At(7) != Viridis.At(1) || Viridis.At(math.NaN()) != Viridis.At(0) {
		t.Error("At does not clamp")
	}
	r := Viridis.Reversed()
	if r.At(0) != Viridis.At(1) || r.Name() != "viridis_r" || r.Reversed().Name() != "viridis" {
		t.Errorf("Reversed: %v %q", r.At(0), r.Name())
	}
	m, err := ColormapByName("RDBU_r")
	if err != nil || m.At(0) != RdBu.At(1) || !m.Diverging() {
		t.Errorf("ColormapByName(RDBU_r): %v, %v", m, err)
	}
	if _, err := ColormapByName("jet"); err == nil {
		t.Error("jet: no error")
	}
	two := NewColormap("bw", color.Black, color.White)
	if c := two.At(0.5); absDiff(c.R, 128) > 1 {
		t.Errorf("black-white midpoint %v", c)
	}
}

func TestLabRoundTrip(t *testing.T) {
	for _, c := range [][3]float64{{0.2, 0.5, 0.9}, {1, 1, 1}, {0.7, 0.01, 0.15}} {
		got := labToRGB(rgbToLab(c))
		for k := range c {
			if math.Abs(got[k]-c[k]) > 1e-6 {
				t.Errorf("%v -> %v", c, got)
			}
		}
	}
}
