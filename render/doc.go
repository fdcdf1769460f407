// Package render turns a grid of numbers into pictures: shaded 3D surfaces
// with colormaps, contour lines and a wireframe, drawn offscreen into an
// *image.RGBA.
//
// It draws any Field (Dims and Z, optionally X and Y coordinates) and never
// learns where the numbers came from. A Scene says what to draw; a Renderer
// draws it. Two backends make the same picture:
//
//   - NewGL: OpenGL 3.3 core through EGL without any window or display
//     (Mesa's surfaceless platform works headless); all GL calls live in
//     render/internal/gl on one locked OS thread.
//   - NewCPU: a software z-buffer rasteriser with the same projection and
//     shading arithmetic, for machines without EGL.
//
// New picks GL when it can and falls back to the CPU. Renderers may be used
// from any goroutine; WritePNG saves a picture atomically.
package render
