package gl

import "errors"

// ErrClosed is returned by a Context used after Close.
var ErrClosed = errors.New("gl: context closed")

// VertexFloats is the number of float32 values per vertex in Frame.Vertices:
// position (3), normal (3), colour in [0,1], contour parameter in [0,1], and
// the two grid coordinates that wireframe lines follow.
const VertexFloats = 10

// Frame is one picture to draw.
type Frame struct {
	Width, Height int
	Samples       int // multisampling: 1 = off; clamped to GL_MAX_SAMPLES

	Vertices []float32 // VertexFloats per vertex
	Indices  []uint32  // three per triangle

	MVP      [16]float32 // column-major model-view-projection, OpenGL clip conventions
	Eye      [3]float32  // camera position, world
	Light    [3]float32  // unit vector towards the light, world
	Material [4]float32  // ambient, diffuse, specular, shininess

	Contours     float32    // number of contour levels; 0 = none
	ContourStyle [4]float32 // rgb in [0,1], strength
	WireStyle    [4]float32 // rgb in [0,1], strength; 0 = no wireframe
	WireStep     float32    // wire lines every WireStep columns and rows (≥ 1)
	LineWidth    [3]float32 // half widths in pixels: contour, wire and class boundary lines

	// Classes, when not nil, colours the surface by class instead of by
	// the colormap: ClassesW x ClassesH class indices (row-major, one per
	// field point, looked up at the nearest point of the vertices' field
	// coordinates), coloured by Palette (256 RGBA entries, index mod 256),
	// with boundary lines between points of different classes.
	Classes            []float32
	ClassesW, ClassesH int
	Palette            []byte
	BoundaryStyle      [4]float32

	LUT        []byte     // 256 RGBA colormap entries
	Background [4]float32 // clear colour, rgba in [0,1]
}
