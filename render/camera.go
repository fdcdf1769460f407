package render

import "math"

// Default view: the classic oblique look from the front right, as in
// matplotlib's 3D axes (azimuth −60°, elevation 30°).
const (
	defaultYaw      = -60 * math.Pi / 180
	defaultPitch    = 30 * math.Pi / 180
	defaultDistance = 4.6
	defaultFOV      = 30.0
	maxPitch        = 89 * math.Pi / 180
	minDistance     = 0.3
	maxDistance     = 100
)

// Camera orbits a target point of the scene. The surface occupies
// [−1,1]² horizontally (its longer side) and is centred on the origin, z up.
//
// The zero value (Distance 0) is the default view; Orbit, Zoom and Pan on a
// zero Camera start from that view.
type Camera struct {
	Yaw      float64    `json:"yaw"`      // azimuth of the eye around the vertical axis, radians
	Pitch    float64    `json:"pitch"`    // elevation of the eye above the horizontal, radians, within ±89°
	Distance float64    `json:"distance"` // from the target to the eye; 0 = default view
	Target   [3]float64 `json:"target"`   // the point looked at, world coordinates (moved by Pan)
	FOV      float64    `json:"fov"`      // field of view of the narrower image side, degrees; 0 = 30
}

// resolved returns the camera with defaults filled in.
func (c Camera) resolved() Camera {
	if c.Distance <= 0 || math.IsNaN(c.Distance) {
		c = Camera{Yaw: defaultYaw, Pitch: defaultPitch, Distance: defaultDistance, FOV: c.FOV}
	}
	if c.FOV <= 0 || c.FOV >= 170 || math.IsNaN(c.FOV) {
		c.FOV = defaultFOV
	}
	c.Pitch = math.Max(-maxPitch, math.Min(maxPitch, c.Pitch))
	c.Distance = math.Max(minDistance, math.Min(maxDistance, c.Distance))
	return c
}

// Orbit turns the eye around the target: dx radians of azimuth, dy radians
// of elevation (clamped to ±89°).
func (c *Camera) Orbit(dx, dy float64) {
	*c = c.resolved()
	c.Yaw = math.Remainder(c.Yaw+dx, 2*math.Pi)
	c.Pitch = math.Max(-maxPitch, math.Min(maxPitch, c.Pitch+dy))
}

// Zoom multiplies the distance to the target by factor (< 1 moves closer).
// Non-positive or NaN factors are ignored.
func (c *Camera) Zoom(factor float64) {
	*c = c.resolved()
	if !(factor > 0) || math.IsInf(factor, 0) {
		return
	}
	c.Distance = math.Max(minDistance, math.Min(maxDistance, c.Distance*factor))
}

// Pan moves the target in the image plane by dx, dy fractions of the visible
// height (positive dx moves the scene content left, dy down: the view moves right, up).
func (c *Camera) Pan(dx, dy float64) {
	*c = c.resolved()
	eye, target := c.eye(), vec3(c.Target)
	_, right, up := basis(eye, target)
	h := 2 * c.Distance * math.Tan(c.FOV*math.Pi/360)
	t := target.add(right.scale(dx * h)).add(up.scale(dy * h))
	c.Target = [3]float64(t)
}

// Reset returns to the default view.
func (c *Camera) Reset() { *c = Camera{} }

// eye is the eye position of a resolved camera.
func (c Camera) eye() vec3 {
	d := vec3{
		math.Cos(c.Pitch) * math.Cos(c.Yaw),
		math.Cos(c.Pitch) * math.Sin(c.Yaw),
		math.Sin(c.Pitch),
	}
	return vec3(c.Target).add(d.scale(c.Distance))
}

// basis returns the viewing direction and the right and up vectors of the image.
func basis(eye, target vec3) (forward, right, up vec3) {
	forward = target.sub(eye).normalize()
	right = forward.cross(vec3{0, 0, 1}).normalize()
	up = right.cross(forward)
	return forward, right, up
}

// view is everything the backends need from a camera for a w x h picture.
type view struct {
	mvp   mat4
	eye   vec3
	light vec3 // unit direction towards the light
}

// sceneRadius bounds the drawn geometry around the origin; near and far
// planes are set from it.
const sceneRadius = 1.8

// projection returns the perspective projection and view matrices of a
// resolved camera for a w x h image.
func (c Camera) projection(w, h int) (proj, mv mat4) {
	eye, target := c.eye(), vec3(c.Target)
	aspect := float64(w) / float64(h)
	fovy := c.FOV * math.Pi / 180
	if aspect < 1 { // keep the field of view on the narrower side
		fovy = 2 * math.Atan(math.Tan(fovy/2)/aspect)
	}
	d := eye.length()
	r := sceneRadius + vec3(c.Target).length()
	near := math.Max(math.Max(d-r, 0.01*d), 0.005)
	far := d + r
	return perspective(fovy, aspect, near, far), lookAt(eye, target, vec3{0, 0, 1})
}

// fitTo returns the 2D map (a scale and shift in normalised device
// coordinates) that puts the box [−ax,ax]×[−ay,ay]×[−az,az], as the default
// view sees it, centred in region {x0, x1, y0, y1} (NDC). The same map is
// applied whatever the camera, so orbiting does not change the scale.
func fitTo(ax, ay, az float64, w, h int, fov float64, region [4]float64) mat4 {
	def := Camera{FOV: fov}.resolved()
	proj, mv := def.projection(w, h)
	pm := proj.mul(mv)
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, sx := range []float64{-1, 1} {
		for _, sy := range []float64{-1, 1} {
			for _, sz := range []float64{-1, 1} {
				c := pm.apply(vec3{sx * ax, sy * ay, sz * az})
				x, y := c[0]/c[3], c[1]/c[3]
				x0, x1, y0, y1 = math.Min(x0, x), math.Max(x1, x), math.Min(y0, y), math.Max(y1, y)
			}
		}
	}
	s := math.Min((region[1]-region[0])/(x1-x0), (region[3]-region[2])/(y1-y0))
	m := identity()
	m[0], m[5] = s, s
	m[12] = (region[0]+region[1])/2 - s*(x0+x1)/2
	m[13] = (region[2]+region[3])/2 - s*(y0+y1)/2
	return m
}

// viewFor builds the view of the camera for a w x h image; fit is applied
// after the projection (see fitTo).
func (c Camera) viewFor(w, h int, fit mat4) view {
	c = c.resolved()
	proj, mv := c.projection(w, h)
	eye, target := c.eye(), vec3(c.Target)
	// Key light above and to the left of the eye, so it follows the orbit.
	fwd, right, up := basis(eye, target)
	light := fwd.scale(-1).add(up.scale(0.8)).add(right.scale(-0.5)).normalize()
	return view{mvp: fit.mul(proj).mul(mv), eye: eye, light: light}
}
