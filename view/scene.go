package view

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// SceneOptions say how a sampled grid is drawn, in the renderer's terms; zero values are the
// defaults. State.SceneOptions makes them from a picture's description.
type SceneOptions struct {
	Class      int              // logit shown as height
	View       render.View      // surface (default), heatmap or lines
	Contours   int              // contour lines; 0 means none
	Colormap   *render.Colormap // nil means the metric's (DefaultColormap)
	Background color.Color      // nil means white
	Samples    int              // antialiasing; 0 means the renderer's default
	Metric     string           // one of Metrics; "" means the logit
	Min, Max   float64          // colour range; both zero means the automatic range (ColorClip, Symmetric)
	ColorClip  float64          // automatic colour range: percent left out at each end (0: full range)
	Symmetric  bool             // automatic colour range symmetric about zero
	// ZMin and ZMax fix the height range; both zero means the heights' own, clipped at Tukey's
	// far-out fences when HeightClip is set (HeightScale).
	ZMin, ZMax float64
	HeightClip bool
	Camera     render.Camera // the zero value is the default view
	Caption    string        // under the title: the model, data and probe (State.Caption)
}

// Scene turns logit o.Class of a grid sampled on a probe over set into a picture: the surface
// (or heatmap) of the chosen metric, or for a line the metric's curves (lineScene), with the
// probe's anchor images marked by their thumbnails and labels, the triangle or segment between
// them, axes and a colour bar. It is shared by the app and `surfscope render`, so both draw the
// same thing.
func Scene(g *surface.Grid, set *dataset.Set, o SceneOptions) (render.Scene, error) {
	label := "logit " + strconv.Itoa(o.Class)
	if set != nil && set.ClassName(o.Class) != strconv.Itoa(o.Class) {
		label += " (" + set.ClassName(o.Class) + ")"
	}
	if o.Colormap == nil {
		o.Colormap, _ = render.ColormapByName(DefaultColormap(o.Metric))
	}
	s := render.Scene{
		Field: g.Channel(o.Class), View: o.View, Contours: o.Contours, Colormap: o.Colormap,
		Background: o.Background, Samples: o.Samples, Min: o.Min, Max: o.Max, Camera: o.Camera,
		ColorBar: true, Label: label, Axes: true, ZLabel: label, Caption: o.Caption,
		XLabel: "s", YLabel: "t",
	}
	p := g.Probe
	labels := anchorLabels(p, set)
	if g.NY < 2 {
		return lineScene(s, g, set, o, labels)
	}
	label0 := 0
	if len(labels) > 0 && labels[0] >= 0 {
		label0 = labels[0]
	}
	if err := metricScene(&s, o.Metric, g, o.Class, label0, s.Label); err != nil {
		return s, err
	}
	if note := applyScales(&s, o, anchorHeights(s.Field, g)); note != "" {
		s.Caption = strings.TrimPrefix(s.Caption+" · "+note, " · ")
	}
	if p == nil {
		return s, nil
	}
	s.Title = fmt.Sprintf("%s on the %s", s.Label, probeTitle(p.Kind))
	if p.Kind == "flip" {
		s.XLabel, s.YLabel = "s (antisymmetric)", "t (symmetric)"
	}
	s.Markers = anchorMarkers(p, set)
	s.MarkerEdges = len(p.Edges) > 0
	return s, nil
}

// anchorHeights returns the heights of f at the grid points nearest to the anchors of g's probe.
func anchorHeights(f render.Field, g *surface.Grid) []float64 {
	if g.Probe == nil {
		return nil
	}
	var out []float64
	for _, a := range g.Probe.Anchors {
		out = append(out, f.Z(nearest(g.S, a.S), nearest(g.T, a.T)))
	}
	return out
}

// anchorLabels returns the label of each anchor image of probe p in set (−1 for an anchor that is
// not an image of set).
func anchorLabels(p *projection.Probe, set *dataset.Set) []int {
	if p == nil {
		return nil
	}
	out := make([]int, len(p.Anchors))
	for k, a := range p.Anchors {
		out[k] = -1
		if i, ok := anchorImage(a.Name); ok && set != nil && i < set.Len() {
			out[k] = set.Labels[i]
		}
	}
	return out
}

// anchorMarkers marks the anchors of p at their coordinates, with their images (mirrored for the
// flipped image of a flip plane) and labels "#i class".
func anchorMarkers(p *projection.Probe, set *dataset.Set) []render.Marker {
	var ms []render.Marker
	for _, a := range p.Anchors {
		m := render.Marker{X: a.S, Y: a.T, Label: a.Name}
		if i, ok := anchorImage(a.Name); ok && set != nil && i < set.Len() {
			m.Label += " " + set.ClassName(set.Labels[i])
			th := Thumbnail(set, i)
			if a.Name != "#"+strconv.Itoa(i) { // "flip #i": show the mirrored image
				th = mirror(th)
			}
			m.Image = th
		}
		ms = append(ms, m)
	}
	return ms
}

func probeTitle(kind string) string {
	switch kind {
	case "data":
		return "data plane"
	case "mixup":
		return "mixup line"
	case "flip":
		return "flip plane"
	case "random":
		return "random plane"
	}
	return kind + " probe"
}

// anchorImage reads the image index from an anchor name such as "#17" or "flip #17".
func anchorImage(name string) (int, bool) {
	for k := 0; k < len(name); k++ {
		if name[k] == '#' {
			i, err := strconv.Atoi(name[k+1:])
			return i, err == nil
		}
	}
	return 0, false
}

// nearest returns the index of the value in xs closest to x.
func nearest(xs []float64, x float64) int {
	best := 0
	for i, v := range xs {
		if math.Abs(v-x) < math.Abs(xs[best]-x) {
			best = i
		}
	}
	return best
}

// mirror returns img reversed left to right.
func mirror(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetRGBA(b.Max.X-1-(x-b.Min.X), y, img.RGBAAt(x, y))
		}
	}
	return out
}

// Thumbnail returns image i of set as a picture, one pixel per image pixel (grey for one channel,
// RGB for three or more). It panics if i is out of range.
func Thumbnail(set *dataset.Set, i int) *image.RGBA {
	x := set.Image(i)
	out := image.NewRGBA(image.Rect(0, 0, set.W, set.H))
	plane := set.H * set.W
	for p := 0; p < plane; p++ {
		var c color.RGBA
		if set.C >= 3 {
			c = color.RGBA{byte255(x[p]), byte255(x[plane+p]), byte255(x[2*plane+p]), 255}
		} else {
			v := byte255(x[p])
			c = color.RGBA{v, v, v, 255}
		}
		out.SetRGBA(p%set.W, p/set.W, c)
	}
	return out
}

// byte255 maps a pixel value in [0,1] to a byte, clamping what lies outside.
func byte255(v float32) uint8 {
	switch {
	case !(v > 0):
		return 0
	case v >= 1:
		return 255
	}
	return uint8(v*255 + 0.5)
}
