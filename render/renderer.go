package render

import (
	"fmt"
	"image"
	"sync"
)

// backend draws the 3D surface of a prepared frame.
type backend interface {
	name() string
	// surface fills dst.Bounds() with the background and the surface.
	surface(dst *image.RGBA, f *frame) error
	close() error
}

// frame is a scene prepared for drawing: defaults resolved, mesh built,
// camera projected for the destination size.
type frame struct {
	scene *Scene
	st    settings
	mesh  *mesh
	view  view
	w, h  int
	lay   layout
	plot  *plotArea // the 2D plot's area, for the heatmap and line views
	// transparent asks the backend for alpha 0 where there is no surface
	// (and coverage at its edges), for compositing over the axes' panes
	transparent bool
}

// renderer is the Renderer of both backends: it prepares frames, lets the
// backend draw the surface and draws the overlays (text, colour bar) itself,
// so that overlays are identical whichever backend draws.
type renderer struct {
	mu     sync.Mutex
	b      backend
	mesh   mesh
	closed bool
}

func (r *renderer) Name() string { return r.b.name() }

func (r *renderer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	return r.b.close()
}

func (r *renderer) Render(dst *image.RGBA, s *Scene) error {
	if err := checkDst(dst); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return fmt.Errorf("render: %s renderer used after Close", r.b.name())
	}
	f, err := r.prepare(dst.Bounds(), s)
	if err != nil {
		return err
	}
	switch s.View {
	case ViewSurface:
		err = r.drawSurface(dst, f)
	case ViewHeatmap:
		err = drawHeatmap(dst, f)
	case ViewLines:
		err = drawLines(dst, f)
	case ViewText:
		drawTextView(dst, f)
	default:
		err = fmt.Errorf("render: unknown view %d", s.View)
	}
	if err != nil {
		return err
	}
	return drawOverlays(dst, f)
}

// drawSurface lets the backend draw the surface; with Axes it draws the
// panes first and composites the surface (drawn with coverage in alpha)
// over them.
func (r *renderer) drawSurface(dst *image.RGBA, f *frame) error {
	if !f.scene.Axes {
		return r.b.surface(dst, f)
	}
	under := image.NewRGBA(dst.Bounds())
	fill(under, f.st.bg)
	drawPanes(under, f)
	f.transparent = true
	if err := r.b.surface(dst, f); err != nil {
		return err
	}
	composite(dst, under, f.st.bg)
	drawAxisLabels(dst, f)
	return nil
}

// prepare resolves the scene's defaults, builds the mesh and sets up the
// camera for a picture of size b.
func (r *renderer) prepare(b image.Rectangle, s *Scene) (*frame, error) {
	if s == nil {
		return nil, fmt.Errorf("render: nil scene")
	}
	st := resolve(s)
	m := &r.mesh
	switch s.View {
	case ViewSurface:
		if err := m.build(s, &st); err != nil {
			return nil, err
		}
	case ViewHeatmap:
		if err := m.measure(s, &st); err != nil {
			return nil, err
		}
	case ViewLines, ViewText: // drawLines checks the field itself; text has none
		f := &frame{scene: s, st: st, mesh: m, w: b.Dx(), h: b.Dy()}
		f.lay = layoutFor(f)
		return f, nil
	default:
		return nil, fmt.Errorf("render: unknown view %d", s.View)
	}
	f := &frame{scene: s, st: st, mesh: m, w: b.Dx(), h: b.Dy()}
	f.lay = layoutFor(f)
	ax, ay := (m.xmax-m.xmin)/2*m.sx, (m.ymax-m.ymin)/2*m.sy
	fit := fitTo(ax, ay, m.zscale, f.w, f.h, s.Camera.FOV, f.lay.region)
	f.view = s.Camera.viewFor(f.w, f.h, fit)
	return f, nil
}

// project maps a world point to pixel coordinates relative to the picture's
// top-left corner; ok is false behind the eye.
func (f *frame) project(p vec3) (x, y float64, ok bool) {
	c := f.view.mvp.apply(p)
	if c[3] <= 0 {
		return 0, 0, false
	}
	return (c[0]/c[3] + 1) * 0.5 * float64(f.w), (1 - c[1]/c[3]) * 0.5 * float64(f.h), true
}

// projectField maps field coordinates (x, y) at height z to pixels.
func (f *frame) projectField(x, y, z float64) (px, py float64, ok bool) {
	m := f.mesh
	return f.project(vec3{m.worldX(x), m.worldY(y), m.worldZ(z)})
}
