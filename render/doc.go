// Package render turns a grid of numbers into pictures, offscreen, into an
// *image.RGBA: for the app's canvas and for headless screenshots.
//
// It draws any Field (Dims and Z, optionally X and Y coordinates) and never
// learns where the numbers came from. A Scene says what to draw:
//
//   - ViewSurface: a shaded 3D surface (Blinn-Phong lighting, a colormap by
//     height or by a second field, contour lines, wireframe, NaN/Inf as
//     holes), seen through an orbiting Camera, optionally with 3D axes;
//   - ViewHeatmap: the field from above with contours and 2D axes;
//   - ViewLines: each row of the field as a curve, with a legend;
//
// with a title, a colour bar, categorical colouring by class with class
// boundaries, and markers (labels, thumbnails, edges) for anchor points.
//
// A Renderer draws scenes. Two backends make the same picture:
//
//   - NewGL: OpenGL 3.3 core through EGL without any window or display
//     (Mesa's surfaceless platform works headless); all GL calls live in
//     render/internal/gl on one locked OS thread; multisampled framebuffers.
//   - NewCPU: a software z-buffer rasteriser with the same projection and
//     shading arithmetic, supersampled, for machines without EGL: the one
//     that draws on Windows and macOS, where render/internal/gl is not built.
//
// New picks GL when it can and falls back to the CPU. The 2D views, text
// and overlays are drawn in Go by both. Renderers may be used from any
// goroutine. WritePNG saves a picture atomically and fast.
package render
