package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// View is how a scene's field is shown.
type View int

const (
	// ViewSurface is the shaded 3D surface, seen through the Camera.
	ViewSurface View = iota
	// ViewHeatmap is the field seen from above as a colour image with
	// contour lines and axes (x to the right, y up).
	ViewHeatmap
	// ViewLines draws each row j of the field as a curve Z(i, j) over X(i),
	// e.g. the logits along a mixup line; Min and Max, when set, fix the
	// value axis, Legend names the curves, Curves styles them and Markers
	// mark points.
	ViewLines
	// ViewText sets Text in a monospaced font under the title, e.g. a
	// table of statistics; it needs no Field.
	ViewText
)

// CurveStyle is how the line view draws one curve. The zero value is a
// solid line of the default width in the curve's series colour.
type CurveStyle struct {
	Color  color.Color // nil means the series colour (Tab10, or the Colormap sampled)
	Width  float64     // relative to the default width; 0 means 1
	Dashed bool        // dashes, e.g. for a reference line
}

// Scene is what to draw. The zero value of every field but Field is a
// sensible default.
type Scene struct {
	// Field gives the heights of the surface; required, at least 2x2.
	Field Field
	// View chooses the kind of picture; the zero value is the 3D surface.
	View View
	// Color, when not nil, colours the surface by its values instead of by
	// height; it must have the same dimensions as Field.
	Color Field
	// Colormap maps colour values to colours; nil means Viridis.
	Colormap *Colormap
	// Min and Max are the colour range. Both zero, or either NaN, means the
	// finite range of the colour values (symmetric about zero for a
	// diverging colormap). Values outside the range take the colour of its
	// nearer end, and the colour bar then ends in a triangle on that side.
	// In ViewLines they fix the value axis instead.
	Min, Max float64
	// Categorical colours by class instead: the colour values (Color, or
	// the heights) rounded to integers index Palette (nil means Tab10,
	// cycling), each field point's cell takes its class colour, and lines
	// mark the boundaries between classes — e.g. the predicted class over
	// a data plane. The colour bar then lists the classes, named by Legend
	// when given.
	Categorical bool
	Palette     []color.Color
	// Contours is the number of contour lines of height, evenly spaced
	// between the lowest and highest finite height; 0 means none.
	Contours int
	// Wireframe draws the mesh lines over the surface.
	Wireframe bool
	// Camera is the viewpoint; the zero value is the default view.
	Camera Camera
	// Title is drawn centred above the picture when not empty, and Caption
	// under it in smaller type (what the picture shows: the model, the data,
	// the probe).
	Title, Caption string
	// ColorBar draws the colour scale at the right, with Label (the metric's
	// name, e.g. "logit 3") above it.
	ColorBar bool
	Label    string
	// Markers annotate points of the plane (labels, thumbnails); in the 3D
	// view they sit on the surface and are drawn over it. Thumbnails and
	// their labels go in a strip above the plot, joined to their markers by
	// leader lines, so that they never cover the data. MarkerEdges joins
	// the markers in order into a closed polygon (a triangle for a data
	// plane's three images), following the surface in 3D.
	Markers     []Marker
	MarkerEdges bool
	// Legend names the curves of the line view, in row order; a curve with
	// an empty name is not listed (e.g. all but the first of several muted
	// curves named once as a group). Curves styles them, in row order.
	Legend []string
	Curves []CurveStyle
	// Text is what ViewText shows, line by line.
	Text string
	// Axes draws, in the 3D view, the floor and back walls of the box with
	// grid lines, tick values along its edges and the axis names.
	Axes bool
	// XLabel, YLabel and ZLabel name the axes (ZLabel: the 3D view's height).
	XLabel, YLabel, ZLabel string
	// Background fills the picture; nil means white. Text and axes are drawn
	// dark on light backgrounds and light on dark ones.
	Background color.Color
	// ZScale is the height of the surface relative to its longer horizontal
	// side; 0 means 0.5. Heights are normalised to the height range.
	ZScale float64
	// ZMin and ZMax are the height range: the heights drawn at the floor and
	// the top of the box, and the range of the height axis's ticks. Both
	// zero, or either NaN, means the field's own finite range; heights
	// outside the range are drawn at its ends (flat), as are the contour
	// lines. Several pictures given the same range share one height scale
	// (side-by-side comparisons); a robust range cuts off outliers.
	ZMin, ZMax float64
	// Stretch draws the field square whatever its x and y extents; otherwise
	// the longer side spans the picture and the other keeps its proportion.
	Stretch bool
	// Samples is the antialiasing: samples per pixel, 0 means 4, 1 means
	// none. The CPU backend, and GL on a software rasteriser, supersample
	// round(√Samples)² times (CPU: fewer for pictures over 64M samples);
	// GL on a GPU multisamples (up to GL_MAX_SAMPLES). Antialiasing costs
	// about 3x on llvmpipe: interactive views use 1.
	Samples int
	// Step draws every Step-th grid line only (a coarser mesh for fast
	// interaction); 0 or 1 means every line.
	Step int
}

// Renderer draws scenes into images. Implementations may be called from any
// goroutine; concurrent calls are serialised.
type Renderer interface {
	// Render draws s into dst, filling dst.Bounds(). The error reports a
	// scene that cannot be drawn (no field, mismatched dimensions, bad
	// coordinates or colour range) or a backend failure.
	Render(dst *image.RGBA, s *Scene) error
	// Name says which backend draws: "cpu" or "gl (<GL_RENDERER>)".
	Name() string
	// Close releases the backend; the Renderer cannot be used afterwards.
	Close() error
}

// settings are a scene's defaults resolved.
type settings struct {
	cmap    *Colormap
	bg      color.RGBA
	dark    bool // background is dark: draw text and lines light
	zscale  float64
	samples int
	step    int
}

func resolve(s *Scene) settings {
	st := settings{cmap: s.Colormap, zscale: s.ZScale, samples: s.Samples, step: s.Step}
	if st.cmap == nil {
		st.cmap = Viridis
	}
	st.bg = color.RGBA{255, 255, 255, 255}
	if s.Background != nil {
		r, g, b, _ := s.Background.RGBA()
		st.bg = color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
	}
	st.dark = 0.2126*float64(st.bg.R)+0.7152*float64(st.bg.G)+0.0722*float64(st.bg.B) < 128
	if !(st.zscale > 0) || math.IsInf(st.zscale, 0) {
		st.zscale = 0.5
	}
	if st.samples <= 0 {
		st.samples = 4
	}
	if st.samples > 16 {
		st.samples = 16
	}
	if st.step < 1 {
		st.step = 1
	}
	return st
}

// checkDst rejects destinations that cannot be drawn into.
func checkDst(dst *image.RGBA) error {
	if dst == nil {
		return fmt.Errorf("render: nil destination image")
	}
	if b := dst.Bounds(); b.Dx() <= 0 || b.Dy() <= 0 {
		return fmt.Errorf("render: empty destination image %v", b)
	}
	return nil
}
