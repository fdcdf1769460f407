package render

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"
)

// Colormap maps a value in [0,1] to a colour through a 256-entry table,
// interpolating linearly between entries (as the GL backend's texture does).
// Colormaps are immutable; the package-level ones may be shared freely.
type Colormap struct {
	name      string
	diverging bool
	lut       [256][3]float32 // sRGB in [0,1]
}

// Name is the colormap's name, e.g. "viridis".
func (m *Colormap) Name() string { return m.name }

// Diverging reports whether the map is meant for signed data; Scene's
// automatic colour range is then symmetric about zero.
func (m *Colormap) Diverging() bool { return m.diverging }

// At returns the colour for t, clamped to [0,1]; NaN gives the low end.
func (m *Colormap) At(t float64) color.RGBA {
	r, g, b := m.rgb(float32(t))
	return color.RGBA{R: to8(r), G: to8(g), B: to8(b), A: 255}
}

// rgb looks t up with linear interpolation between table entries.
func (m *Colormap) rgb(t float32) (r, g, b float32) {
	if !(t > 0) {
		t = 0
	} else if t > 1 {
		t = 1
	}
	x := t * 255
	i := int(x)
	if i >= 255 {
		c := m.lut[255]
		return c[0], c[1], c[2]
	}
	f := x - float32(i)
	a, c := m.lut[i], m.lut[i+1]
	return a[0] + f*(c[0]-a[0]), a[1] + f*(c[1]-a[1]), a[2] + f*(c[2]-a[2])
}

// bytes returns the table as 256 RGBA bytes for the GL texture.
func (m *Colormap) bytes() []byte {
	b := make([]byte, 256*4)
	for i, c := range m.lut {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = to8(c[0]), to8(c[1]), to8(c[2]), 255
	}
	return b
}

// Reversed returns the map running the other way, named with an "_r" suffix.
func (m *Colormap) Reversed() *Colormap {
	r := &Colormap{name: m.name + "_r", diverging: m.diverging}
	if strings.HasSuffix(m.name, "_r") {
		r.name = strings.TrimSuffix(m.name, "_r")
	}
	for i := range m.lut {
		r.lut[i] = m.lut[255-i]
	}
	return r
}

// NewColormap makes a colormap through evenly spaced colours, interpolated
// linearly in sRGB. It panics with fewer than two colours.
func NewColormap(name string, colors ...color.Color) *Colormap {
	if len(colors) < 2 {
		panic("render: NewColormap needs at least two colours")
	}
	stops := make([]stop, len(colors))
	for k, c := range colors {
		r, g, b, _ := c.RGBA()
		stops[k] = stop{float64(k) / float64(len(colors)-1), float64(r) / 0xffff, float64(g) / 0xffff, float64(b) / 0xffff}
	}
	return fromStops(name, false, stops)
}

// stop is a colour at position t in [0,1].
type stop struct{ t, r, g, b float64 }

func fromStops(name string, diverging bool, stops []stop) *Colormap {
	m := &Colormap{name: name, diverging: diverging}
	k := 0
	for i := range m.lut {
		t := float64(i) / 255
		for k < len(stops)-2 && stops[k+1].t < t {
			k++
		}
		a, b := stops[k], stops[k+1]
		f := (t - a.t) / (b.t - a.t)
		f = math.Max(0, math.Min(1, f))
		m.lut[i] = [3]float32{
			float32(a.r + f*(b.r-a.r)),
			float32(a.g + f*(b.g-a.g)),
			float32(a.b + f*(b.b-a.b)),
		}
	}
	return m
}

// fromTable makes a map from knots (index 0..255, r, g, b) sampled from a
// 256-entry published table.
func fromTable(name string, knots [][4]float64) *Colormap {
	stops := make([]stop, len(knots))
	for k, c := range knots {
		stops[k] = stop{c[0] / 255, c[1], c[2], c[3]}
	}
	return fromStops(name, false, stops)
}

// fromHex makes a map through evenly spaced "#rrggbb" colours.
func fromHex(name string, diverging bool, hex ...string) *Colormap {
	stops := make([]stop, len(hex))
	for k, h := range hex {
		c := parseHex(h)
		stops[k] = stop{float64(k) / float64(len(hex)-1), float64(c.R) / 255, float64(c.G) / 255, float64(c.B) / 255}
	}
	return fromStops(name, diverging, stops)
}

func parseHex(h string) color.RGBA {
	var r, g, b uint8
	if _, err := fmt.Sscanf(h, "#%02x%02x%02x", &r, &g, &b); err != nil {
		panic("render: bad colour literal " + h)
	}
	return color.RGBA{r, g, b, 255}
}

func to8(v float32) uint8 {
	if !(v > 0) {
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(v*255 + 0.5)
}

// Colormaps, by name.
var (
	Viridis  = fromTable("viridis", viridisKnots)
	Magma    = fromTable("magma", magmaKnots)
	Inferno  = fromTable("inferno", infernoKnots)
	Plasma   = fromTable("plasma", plasmaKnots)
	Cividis  = fromTable("cividis", cividisKnots)
	Coolwarm = moreland("coolwarm", [3]float64{0.230, 0.299, 0.754}, [3]float64{0.706, 0.016, 0.150})
	RdBu     = fromHex("RdBu", true, rdBuHex...)
	Gray     = fromHex("gray", false, "#000000", "#ffffff")
)

var colormaps = map[string]*Colormap{}

func init() {
	for _, m := range []*Colormap{Viridis, Magma, Inferno, Plasma, Cividis, Coolwarm, RdBu, Gray} {
		colormaps[m.name] = m
	}
}

// ColormapByName finds a colormap by name, case-insensitively; a "_r" suffix
// reverses it ("RdBu_r" runs blue to red).
func ColormapByName(name string) (*Colormap, error) {
	base, rev := name, false
	if strings.HasSuffix(strings.ToLower(base), "_r") {
		base, rev = base[:len(base)-2], true
	}
	for n, m := range colormaps {
		if strings.EqualFold(n, base) {
			if rev {
				return m.Reversed(), nil
			}
			return m, nil
		}
	}
	return nil, fmt.Errorf("render: unknown colormap %q (have %s)", name, strings.Join(ColormapNames(), ", "))
}

// ColormapNames lists the named colormaps, sorted.
func ColormapNames() []string {
	var names []string
	for n := range colormaps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
