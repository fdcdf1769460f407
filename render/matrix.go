package render

import "math"

// vec3 is a point or direction in world space.
type vec3 [3]float64

func (a vec3) add(b vec3) vec3      { return vec3{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }
func (a vec3) sub(b vec3) vec3      { return vec3{a[0] - b[0], a[1] - b[1], a[2] - b[2]} }
func (a vec3) scale(s float64) vec3 { return vec3{a[0] * s, a[1] * s, a[2] * s} }
func (a vec3) dot(b vec3) float64   { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec3) length() float64      { return math.Sqrt(a.dot(a)) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func (a vec3) normalize() vec3 {
	l := a.length()
	if l == 0 {
		return a
	}
	return a.scale(1 / l)
}

// mat4 is a 4x4 matrix stored column-major, as OpenGL expects.
type mat4 [16]float64

func identity() mat4 { return mat4{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1} }

// mul returns m·n.
func (m mat4) mul(n mat4) mat4 {
	var r mat4
	for c := 0; c < 4; c++ {
		for row := 0; row < 4; row++ {
			var s float64
			for k := 0; k < 4; k++ {
				s += m[k*4+row] * n[c*4+k]
			}
			r[c*4+row] = s
		}
	}
	return r
}

// apply returns m·(p, 1) as homogeneous clip coordinates.
func (m mat4) apply(p vec3) [4]float64 {
	var r [4]float64
	for row := 0; row < 4; row++ {
		r[row] = m[row]*p[0] + m[4+row]*p[1] + m[8+row]*p[2] + m[12+row]
	}
	return r
}

func (m mat4) float32s() [16]float32 {
	var r [16]float32
	for i, v := range m {
		r[i] = float32(v)
	}
	return r
}

// perspective is gluPerspective: fovy in radians.
func perspective(fovy, aspect, near, far float64) mat4 {
	f := 1 / math.Tan(fovy/2)
	return mat4{
		f / aspect, 0, 0, 0,
		0, f, 0, 0,
		0, 0, (far + near) / (near - far), -1,
		0, 0, 2 * far * near / (near - far), 0,
	}
}

// lookAt is gluLookAt.
func lookAt(eye, target, up vec3) mat4 {
	f := target.sub(eye).normalize()
	s := f.cross(up).normalize()
	u := s.cross(f)
	return mat4{
		s[0], u[0], -f[0], 0,
		s[1], u[1], -f[1], 0,
		s[2], u[2], -f[2], 0,
		-s.dot(eye), -u.dot(eye), f.dot(eye), 1,
	}
}
