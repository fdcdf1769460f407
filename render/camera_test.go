package render

import (
	"math"
	"testing"
)

func TestCameraZeroValueIsDefault(t *testing.T) {
	var c Camera
	r := c.resolved()
	if r.Yaw != defaultYaw || r.Pitch != defaultPitch || r.Distance != defaultDistance || r.FOV != defaultFOV {
		t.Errorf("zero camera resolves to %+v", r)
	}
	c.Orbit(0.1, 0)
	if math.Abs(c.Yaw-(defaultYaw+0.1)) > 1e-12 || c.Pitch != defaultPitch {
		t.Errorf("Orbit from zero: %+v", c)
	}
	c.Reset()
	if c != (Camera{}) {
		t.Errorf("Reset: %+v", c)
	}
}

func TestCameraOrbitZoomPan(t *testing.T) {
	var c Camera
	c.Orbit(0, 10) // far past the pole
	if c.Pitch != maxPitch {
		t.Errorf("pitch %g, want clamped to %g", c.Pitch, maxPitch)
	}
	c.Orbit(2*math.Pi, -20)
	if c.Pitch != -maxPitch || math.Abs(c.Yaw-defaultYaw) > 1e-9 {
		t.Errorf("after a full turn and a dive: %+v", c)
	}
	c.Reset()
	c.Zoom(0.5)
	if c.Distance != defaultDistance/2 {
		t.Errorf("Zoom(0.5): distance %g", c.Distance)
	}
	for _, f := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		d := c.Distance
		c.Zoom(f)
		if c.Distance != d {
			t.Errorf("Zoom(%g) changed the distance", f)
		}
	}
	c.Zoom(1e-9)
	if c.Distance != minDistance {
		t.Errorf("distance %g, want clamped to %g", c.Distance, minDistance)
	}

	// Pan moves the target along the image's right vector: the eye moves
	// with it and the view direction is unchanged.
	c.Reset()
	before := c.resolved()
	c.Pan(0.25, 0)
	after := c.resolved()
	_, right, _ := basis(before.eye(), vec3(before.Target))
	move := vec3(after.Target).sub(vec3(before.Target))
	if move.length() == 0 || math.Abs(move.normalize().dot(right)-1) > 1e-9 {
		t.Errorf("Pan(0.25, 0) moved the target by %v, not along right %v", move, right)
	}
	if d := after.eye().sub(before.eye()).sub(move).length(); d > 1e-9 {
		t.Errorf("eye did not move with the target (off by %g)", d)
	}
}

// The projection puts the target at the centre of the picture and keeps
// points in front of the eye inside the depth range.
func TestViewProjectsTargetToCentre(t *testing.T) {
	for _, c := range []Camera{{}, {Yaw: 1, Pitch: -0.5, Distance: 2}, {Yaw: 3, Pitch: 1.5, Distance: 9, FOV: 60}} {
		for _, size := range [][2]int{{640, 480}, {300, 900}} {
			v := c.viewFor(size[0], size[1], identity())
			p := v.mvp.apply(vec3(c.resolved().Target))
			if math.Abs(p[0]/p[3]) > 1e-9 || math.Abs(p[1]/p[3]) > 1e-9 {
				t.Errorf("%+v %v: target at NDC (%g, %g)", c, size, p[0]/p[3], p[1]/p[3])
			}
			for _, q := range []vec3{{1, 1, 0.5}, {-1, -1, -0.5}, {1, -1, 0}} {
				z := v.mvp.apply(q)
				if zn := z[2] / z[3]; zn < -1 || zn > 1 {
					t.Errorf("%+v: corner %v at depth %g, outside [-1, 1]", c, q, zn)
				}
			}
		}
	}
}

// fitTo puts the default view of the box inside the region and touches its
// limiting sides.
func TestFitToRegion(t *testing.T) {
	region := [4]float64{-0.9, 0.5, -0.8, 0.7}
	fit := fitTo(1, 0.6, 0.5, 800, 600, 0, region)
	v := Camera{}.viewFor(800, 600, fit)
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, sx := range []float64{-1, 1} {
		for _, sy := range []float64{-0.6, 0.6} {
			for _, sz := range []float64{-0.5, 0.5} {
				p := v.mvp.apply(vec3{sx, sy, sz})
				x, y := p[0]/p[3], p[1]/p[3]
				x0, x1, y0, y1 = math.Min(x0, x), math.Max(x1, x), math.Min(y0, y), math.Max(y1, y)
			}
		}
	}
	const eps = 1e-9
	if x0 < region[0]-eps || x1 > region[1]+eps || y0 < region[2]-eps || y1 > region[3]+eps {
		t.Fatalf("box spans x [%g, %g], y [%g, %g]; region %v", x0, x1, y0, y1, region)
	}
	if math.Abs(x1-x0-(region[1]-region[0])) > eps && math.Abs(y1-y0-(region[3]-region[2])) > eps {
		t.Errorf("box fills neither side of the region: %g x %g", x1-x0, y1-y0)
	}
}
