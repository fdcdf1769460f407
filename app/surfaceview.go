package app

import (
	"image"
	"image/color"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/render"
)

// SurfaceView shows a render.Scene as an interactive 3D surface: drag orbits, scroll zooms,
// secondary-drag (or shift-drag) pans and a double tap resets the camera. Frames are drawn off
// the UI thread by the renderer into an *image.RGBA that a canvas.Raster shows; while dragging a
// coarser mesh without antialiasing keeps the interaction smooth.
type SurfaceView struct {
	widget.BaseWidget

	r      render.Renderer
	raster *canvas.Raster

	mu        sync.Mutex
	scene     render.Scene // Camera is ignored: cam is the view's own
	hasScene  bool
	cam       render.Camera
	dragging  bool
	size      image.Point // pixels wanted by the raster
	frame     *image.RGBA // latest finished frame
	frameSize image.Point
	wake      chan struct{}
	stopped   chan struct{} // closed when loop returns
	closed    bool

	// OnError receives rendering errors (on the UI thread).
	OnError func(error)
	// OnCamera is called on the UI thread when the user moves the camera (to link views).
	OnCamera func(render.Camera)
	// OnFrame, when set, is called (off the UI thread) after each frame, for tests and timing.
	OnFrame func()
}

// NewSurfaceView returns a view drawing with r; it starts empty.
func NewSurfaceView(r render.Renderer) *SurfaceView {
	v := &SurfaceView{r: r, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	v.raster = canvas.NewRaster(v.generate)
	v.ExtendBaseWidget(v)
	go v.loop()
	return v
}

// CreateRenderer implements fyne.Widget.
func (v *SurfaceView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.raster) }

// MinSize keeps the view usable in any layout.
func (v *SurfaceView) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// SetScene replaces what is drawn, keeping the user's camera.
func (v *SurfaceView) SetScene(s render.Scene) {
	v.mu.Lock()
	v.scene, v.hasScene = s, true
	v.mu.Unlock()
	v.request()
}

// SetBackground redraws the scene on another background (the theme changed).
func (v *SurfaceView) SetBackground(c color.Color) {
	v.mu.Lock()
	v.scene.Background = c
	v.mu.Unlock()
	v.request()
}

// Camera returns the current camera.
func (v *SurfaceView) Camera() render.Camera {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.cam
}

// SetCamera moves the camera (for linked views and tests).
func (v *SurfaceView) SetCamera(c render.Camera) {
	v.mu.Lock()
	v.cam = c
	v.mu.Unlock()
	v.request()
}

// Scene returns the scene with the current camera, for full-resolution screenshots.
func (v *SurfaceView) Scene() (render.Scene, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s := v.scene
	s.Camera = v.cam
	return s, v.hasScene
}

// Frame returns the latest drawn frame (nil before the first).
func (v *SurfaceView) Frame() *image.RGBA {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.frame
}

// Dragged orbits the camera (or pans with the secondary button).
func (v *SurfaceView) Dragged(e *fyne.DragEvent) {
	v.mu.Lock()
	v.dragging = true
	h := math.Max(float64(v.Size().Height), 1)
	v.cam.Orbit(-float64(e.Dragged.DX)/h*math.Pi, float64(e.Dragged.DY)/h*math.Pi)
	v.mu.Unlock()
	v.cameraMoved()
}

// cameraMoved redraws and tells OnCamera.
func (v *SurfaceView) cameraMoved() {
	v.request()
	if v.OnCamera != nil {
		v.OnCamera(v.Camera())
	}
}

// DragEnd redraws at full quality.
func (v *SurfaceView) DragEnd() {
	v.mu.Lock()
	v.dragging = false
	v.mu.Unlock()
	v.request()
}

// Scrolled zooms: scrolling up moves closer.
func (v *SurfaceView) Scrolled(e *fyne.ScrollEvent) {
	v.mu.Lock()
	v.cam.Zoom(math.Pow(1.0015, -float64(e.Scrolled.DY)))
	v.mu.Unlock()
	v.cameraMoved()
}

// DoubleTapped resets the camera.
func (v *SurfaceView) DoubleTapped(*fyne.PointEvent) {
	v.mu.Lock()
	v.cam.Reset()
	v.mu.Unlock()
	v.cameraMoved()
}

// Close stops the drawing goroutine and waits for the frame in progress, so that the renderer
// may be closed after it. It may be called more than once.
func (v *SurfaceView) Close() {
	v.mu.Lock()
	if !v.closed {
		v.closed = true
		close(v.wake)
	}
	v.mu.Unlock()
	<-v.stopped
}

// generate runs on the UI thread: it never draws, it returns the latest frame and asks for a new
// one when the size changed.
func (v *SurfaceView) generate(w, h int) image.Image {
	v.mu.Lock()
	want := image.Pt(w, h)
	changed := v.size != want
	v.size = want
	f := v.frame
	v.mu.Unlock()
	if changed {
		v.request()
	}
	if f == nil {
		return image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	}
	return f
}

func (v *SurfaceView) request() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	select {
	case v.wake <- struct{}{}:
	default: // a frame is already pending; it will see the newest state
	}
}

// loop draws frames as they are asked for. While dragging it draws a coarser mesh without
// antialiasing; a still frame is drawn first at full detail without antialiasing (fast, so the view
// answers at once) and then, unless another request came in meanwhile, refined with antialiasing.
func (v *SurfaceView) loop() {
	defer close(v.stopped)
	for range v.wake {
		v.mu.Lock()
		s, has, size, dragging := v.scene, v.hasScene, v.size, v.dragging
		s.Camera = v.cam
		v.mu.Unlock()
		if !has || size.X <= 0 || size.Y <= 0 {
			continue
		}
		if dragging {
			nx, _ := s.Field.Dims()
			s.Step = max(1, nx/96)
			s.Samples = 1
			v.draw(s, size)
			continue
		}
		final := s.Samples
		if final != 1 {
			s.Samples = 1
			if !v.draw(s, size) || len(v.wake) > 0 {
				continue // superseded: draw the newest state instead of refining this one
			}
			s.Samples = final
		}
		v.draw(s, size)
	}
}

// draw renders s at size and shows it; it reports whether it succeeded.
func (v *SurfaceView) draw(s render.Scene, size image.Point) bool {
	img := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	if err := v.r.Render(img, &s); err != nil {
		if v.OnError != nil {
			v.post(func() { v.OnError(err) })
		}
		return false
	}
	v.mu.Lock()
	v.frame, v.frameSize = img, size
	v.mu.Unlock()
	v.post(v.raster.Refresh)
	if v.OnFrame != nil {
		v.OnFrame()
	}
	return true
}

// post runs fn on the UI thread unless the view has been closed by the time it gets there.
func (v *SurfaceView) post(fn func()) {
	fyne.Do(func() {
		v.mu.Lock()
		closed := v.closed
		v.mu.Unlock()
		if !closed {
			fn()
		}
	})
}
