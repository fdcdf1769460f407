package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// SceneOptions say how a sampled grid is drawn; zero values are the defaults.
type SceneOptions struct {
	Class      int              // logit shown as height
	View       render.View      // surface (default), heatmap or lines
	Contours   int              // contour lines; 0 means none
	Colormap   *render.Colormap // nil means viridis
	Background color.Color      // nil means white
	Samples    int              // antialiasing; 0 means the renderer's default
	Metric     string           // one of Metrics; "" means the logit
}

// Scene turns logit o.Class of a grid sampled on a probe over set into a picture: the surface
// (or heatmap, or the curves of a line) with the probe's anchor images marked by their thumbnails
// and labels, the triangle or segment between them, axes and a colour bar. It is shared by the app
// and `surfscope render`, so both draw the same thing.
func Scene(g *surface.Grid, set *dataset.Set, o SceneOptions) (render.Scene, error) {
	label := "logit " + strconv.Itoa(o.Class)
	if set != nil && set.ClassName(o.Class) != strconv.Itoa(o.Class) {
		label += " (" + set.ClassName(o.Class) + ")"
	}
	s := render.Scene{
		Field: g.Channel(o.Class), View: o.View, Contours: o.Contours, Colormap: o.Colormap,
		Background: o.Background, Samples: o.Samples,
		ColorBar: true, Label: label, Axes: true, ZLabel: label,
		XLabel: "s", YLabel: "t",
	}
	p := g.Probe
	if g.NY >= 2 {
		label := 0
		if p != nil && len(p.Anchors) > 0 && set != nil {
			if i, ok := anchorImage(p.Anchors[0].Name); ok && i < set.Len() {
				label = set.Labels[i]
			}
		}
		if err := metricScene(&s, o.Metric, g, o.Class, label, s.Label); err != nil {
			return s, err
		}
	}
	if p == nil {
		return s, nil
	}
	s.Title = fmt.Sprintf("%s on the %s", s.Label, probeTitle(p.Kind))
	switch p.Kind {
	case "mixup":
		s.XLabel = "λ"
	case "flip":
		s.XLabel, s.YLabel = "s (antisymmetric)", "t (symmetric)"
	}
	for _, a := range p.Anchors {
		m := render.Marker{X: a.S, Y: a.T, Label: a.Name}
		if i, ok := anchorImage(a.Name); ok && set != nil && i < set.Len() {
			m.Label += " " + set.ClassName(set.Labels[i])
			th := thumbnail(set, i)
			if a.Name != "#"+strconv.Itoa(i) { // "flip #i": show the mirrored image
				th = mirror(th)
			}
			m.Image = th
		}
		s.Markers = append(s.Markers, m)
	}
	s.MarkerEdges = len(p.Edges) > 0
	if g.NY < 2 { // a line: every logit as a curve over λ
		s.View = render.ViewLines
		s.Field = lineField(g)
		s.Legend = make([]string, g.K)
		for k := range s.Legend {
			s.Legend[k] = strconv.Itoa(k)
			if set != nil {
				s.Legend[k] = set.ClassName(k)
			}
		}
		s.Label = "logits"
		s.YLabel = "logit"
		s.ColorBar = false
		s.MarkerEdges = false
		for i := range s.Markers {
			s.Markers[i].Y = float64(g.Values[nearest(g.S, s.Markers[i].X)*g.K+o.Class])
		}
		s.Title = "logits on the " + probeTitle(p.Kind)
	}
	return s, nil
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

// lineField makes the K logits along a line the rows of a field: row k is logit k over λ.
func lineField(g *surface.Grid) *surface.Field {
	f := surface.NewField(g.NX, g.K, g.S, nil)
	for i := 0; i < g.NX; i++ {
		for k := 0; k < g.K; k++ {
			f.Values[k*g.NX+i] = g.Values[i*g.K+k]
		}
	}
	return f
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
