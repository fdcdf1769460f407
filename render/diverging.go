package render

import "math"

// moreland builds a diverging map between two colours through white in the
// Msh colour space of K. Moreland, "Diverging Color Maps for Scientific
// Visualization", ISVC 2009 (coolwarm: blue (0.230, 0.299, 0.754) to red
// (0.706, 0.016, 0.150)). Colours are sRGB in [0,1].
func moreland(name string, lo, hi [3]float64) *Colormap {
	m := &Colormap{name: name, diverging: true}
	a, b := rgbToMsh(lo), rgbToMsh(hi)
	for i := range m.lut {
		c := mshToRGB(interpolateMsh(a, b, float64(i)/255))
		m.lut[i] = [3]float32{float32(c[0]), float32(c[1]), float32(c[2])}
	}
	return m
}

// D65 reference white for CIELAB, XYZ scaled to Y = 1.
var whiteD65 = [3]float64{0.95047, 1.0, 1.08883}

func srgbToLinear(c float64) float64 {
	if c <= 0.04045 {
		return c / 12.92
	}
	return math.Pow((c+0.055)/1.055, 2.4)
}

func linearToSRGB(c float64) float64 {
	if c <= 0.0031308 {
		c *= 12.92
	} else {
		c = 1.055*math.Pow(c, 1/2.4) - 0.055
	}
	return math.Max(0, math.Min(1, c))
}

func rgbToLab(c [3]float64) [3]float64 {
	r, g, b := srgbToLinear(c[0]), srgbToLinear(c[1]), srgbToLinear(c[2])
	xyz := [3]float64{
		0.4124564*r + 0.3575761*g + 0.1804375*b,
		0.2126729*r + 0.7151522*g + 0.0721750*b,
		0.0193339*r + 0.1191920*g + 0.9503041*b,
	}
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	fx, fy, fz := f(xyz[0]/whiteD65[0]), f(xyz[1]/whiteD65[1]), f(xyz[2]/whiteD65[2])
	return [3]float64{116*fy - 16, 500 * (fx - fy), 200 * (fy - fz)}
}

func labToRGB(lab [3]float64) [3]float64 {
	fy := (lab[0] + 16) / 116
	fx := fy + lab[1]/500
	fz := fy - lab[2]/200
	inv := func(t float64) float64 {
		if t3 := t * t * t; t3 > 216.0/24389 {
			return t3
		}
		return (116*t - 16) / (24389.0 / 27)
	}
	x, y, z := inv(fx)*whiteD65[0], inv(fy)*whiteD65[1], inv(fz)*whiteD65[2]
	r := 3.2404542*x - 1.5371385*y - 0.4985314*z
	g := -0.9692660*x + 1.8760108*y + 0.0415560*z
	b := 0.0556434*x - 0.2040259*y + 1.0572252*z
	return [3]float64{linearToSRGB(r), linearToSRGB(g), linearToSRGB(b)}
}

// msh is magnitude, saturation (angle from the L axis) and hue.
type msh [3]float64

func rgbToMsh(c [3]float64) msh {
	lab := rgbToLab(c)
	m := math.Sqrt(lab[0]*lab[0] + lab[1]*lab[1] + lab[2]*lab[2])
	return msh{m, math.Acos(lab[0] / m), math.Atan2(lab[2], lab[1])}
}

func mshToRGB(c msh) [3]float64 {
	return labToRGB([3]float64{
		c[0] * math.Cos(c[1]),
		c[0] * math.Sin(c[1]) * math.Cos(c[2]),
		c[0] * math.Sin(c[1]) * math.Sin(c[2]),
	})
}

// adjustHue spins the hue of an unsaturated colour towards a saturated one
// so the interpolation does not pass through an odd hue (Moreland §4).
func adjustHue(sat msh, mUnsat float64) float64 {
	if sat[0] >= mUnsat {
		return sat[2]
	}
	spin := sat[1] * math.Sqrt(mUnsat*mUnsat-sat[0]*sat[0]) / (sat[0] * math.Sin(sat[1]))
	if sat[2] > -math.Pi/3 {
		return sat[2] + spin
	}
	return sat[2] - spin
}

func interpolateMsh(a, b msh, t float64) msh {
	if a[1] > 0.05 && b[1] > 0.05 && math.Abs(a[2]-b[2]) > math.Pi/3 {
		mid := math.Max(math.Max(a[0], b[0]), 88)
		if t < 0.5 {
			b, t = msh{mid, 0, 0}, 2*t
		} else {
			a, t = msh{mid, 0, 0}, 2*t-1
		}
	}
	if a[1] < 0.05 && b[1] > 0.05 {
		a[2] = adjustHue(b, a[0])
	} else if b[1] < 0.05 && a[1] > 0.05 {
		b[2] = adjustHue(a, b[0])
	}
	return msh{(1-t)*a[0] + t*b[0], (1-t)*a[1] + t*b[1], (1-t)*a[2] + t*b[2]}
}
