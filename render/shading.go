package render

import "math"

// Shading constants, shared by both backends: the GL fragment shader
// (internal/gl/surface.frag) receives them as uniforms and shadeCPU below
// does the same arithmetic.
var (
	// ambient, diffuse, specular, shininess (Blinn-Phong: J. F. Blinn,
	// "Models of light reflection for computer synthesized pictures",
	// SIGGRAPH 1977).
	material = [4]float32{0.38, 0.67, 0.22, 40}
	// contour lines: rgb, strength; half width in pixels
	contourStyle     = [4]float32{0.05, 0.05, 0.05, 0.6}
	contourHalfWidth = float32(0.6)
	// wireframe lines: rgb, strength; half width in pixels
	wireStyle     = [4]float32{0.05, 0.05, 0.05, 0.35}
	wireHalfWidth = float32(0.45)
)

// shadeInput is what a pixel of the surface needs, interpolated.
type shadeInput struct {
	pos, normal [3]float32
	t, s        float32    // colour in [0,1]; contour parameter h·(N+1)
	u, v        float32    // grid coordinates
	gs, gu, gv  [2]float32 // screen-space gradients of s, u, v per pixel
}

// shader holds a frame's constants for shadeCPU.
type shader struct {
	cmap      *Colormap
	eye       [3]float32
	light     [3]float32
	contours  float32
	wire      bool
	lineScale float32 // pixels of the drawn buffer per output pixel
}

func lineAlpha(s float32, g [2]float32, halfWidth float32) float32 {
	gl := float32(math.Sqrt(float64(g[0]*g[0] + g[1]*g[1])))
	if !(gl > 1e-6) {
		return 0
	}
	d := float32(math.Abs(float64(s - float32(math.Floor(float64(s+0.5))))))
	a := halfWidth + 0.5 - d/gl
	return min(max(a, 0), 1)
}

func normalize3(v [3]float32) [3]float32 {
	l := float32(math.Sqrt(float64(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])))
	if l == 0 {
		return v
	}
	return [3]float32{v[0] / l, v[1] / l, v[2] / l}
}

func dot3(a, b [3]float32) float32 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func mix3(a, b [3]float32, t float32) [3]float32 {
	return [3]float32{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1]), a[2] + t*(b[2]-a[2])}
}

// shade is surface.frag in Go: Blinn-Phong lighting of the colormap colour
// with contour and wireframe lines blended over it.
func (sh *shader) shade(in *shadeInput) [3]float32 {
	n := normalize3(in.normal)
	v := normalize3([3]float32{sh.eye[0] - in.pos[0], sh.eye[1] - in.pos[1], sh.eye[2] - in.pos[2]})
	if dot3(n, v) < 0 {
		n = [3]float32{-n[0], -n[1], -n[2]}
	}
	r, g, b := sh.cmap.rgb(in.t)
	diff := max(dot3(n, sh.light), 0)
	h := normalize3([3]float32{sh.light[0] + v[0], sh.light[1] + v[1], sh.light[2] + v[2]})
	spec := float32(math.Pow(float64(max(dot3(n, h), 0)), float64(material[3])))
	k := material[0] + material[1]*diff
	c := [3]float32{
		min(r*k+material[2]*spec, 1),
		min(g*k+material[2]*spec, 1),
		min(b*k+material[2]*spec, 1),
	}

	if sh.contours > 0 {
		lv := float32(math.Floor(float64(in.s + 0.5)))
		if lv >= 1 && lv <= sh.contours {
			a := lineAlpha(in.s, in.gs, contourHalfWidth*sh.lineScale)
			c = mix3(c, [3]float32(contourStyle[:3]), contourStyle[3]*a)
		}
	}
	if sh.wire {
		a := max(lineAlpha(in.u, in.gu, wireHalfWidth*sh.lineScale), lineAlpha(in.v, in.gv, wireHalfWidth*sh.lineScale))
		c = mix3(c, [3]float32(wireStyle[:3]), wireStyle[3]*a)
	}
	return c
}
