package vector

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
)

// Formats are the file formats Write writes, by their extensions.
var Formats = []string{"svg", "pdf"}

// pointsPerPixel converts picture pixels to points at 96 pixels per inch.
const pointsPerPixel = 0.75

// FormatOf returns the format of a file name by its extension ("svg" or "pdf"), or an error.
func FormatOf(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	for _, f := range Formats {
		if ext == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("vector: %s: want a .svg or .pdf file", path)
}

// Supported reports whether a scene has a vector form (every view but the 3D surface).
func Supported(s *render.Scene) bool {
	return s.View == render.ViewLines || s.View == render.ViewHeatmap || s.View == render.ViewText
}

// WriteFile writes the panels to path as Write does, in the format its extension names, with
// rec's provenance (a zero rec adds none): in an SVG a metadata element
// (provenance.InsertSVGMetadata), in a PDF the document information dictionary
// (provenance.AppendPDFInfo). It writes through a temporary file renamed into place.
func WriteFile(path string, rec provenance.Record, panels []*render.Scene, width, height int) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Write(&buf, format, panels, width, height); err != nil {
		return fmt.Errorf("vector: writing %s: %v", path, err)
	}
	doc := buf.Bytes()
	if format == "svg" {
		doc, err = provenance.InsertSVGMetadata(doc, rec)
	} else {
		doc, err = provenance.AppendPDFInfo(doc, rec)
	}
	if err != nil {
		return fmt.Errorf("vector: writing %s: %v", path, err)
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(doc); return err }); err != nil {
		return fmt.Errorf("vector: writing %s: %v", path, err)
	}
	return nil
}

// Write draws the panels side by side, equal in width, into a width×height pixel figure (96 per
// inch) and writes it to w as "svg" or "pdf". A 3D surface, an empty figure or a bad size is an
// error.
func Write(w io.Writer, format string, panels []*render.Scene, width, height int) error {
	if len(panels) == 0 {
		return fmt.Errorf("vector: no panels")
	}
	if width < 16 || height < 16 || width > 16384 || height > 16384 {
		return fmt.Errorf("vector: figure size %dx%d: want 16 to 16384 pixels a side", width, height)
	}
	for k, s := range panels {
		if s == nil || !Supported(s) {
			return fmt.Errorf("vector: panel %d is a 3D surface; SVG and PDF take line plots, heatmaps and text (choose the heatmap view)", k+1)
		}
	}
	wp, hp := vg.Length(float64(width)*pointsPerPixel), vg.Length(float64(height)*pointsPerPixel)
	var cw vg.CanvasWriterTo
	switch format {
	case "svg":
		cw = vgsvg.New(wp, hp)
	case "pdf":
		cw = pdfCanvas{vgpdf.New(wp, hp)}
	default:
		return fmt.Errorf("vector: format %q: want svg or pdf", format)
	}
	c := draw.New(cw)
	tile := (c.Max.X - c.Min.X) / vg.Length(len(panels))
	for k, s := range panels {
		pc := c
		pc.Min.X = c.Min.X + vg.Length(k)*tile
		pc.Max.X = pc.Min.X + tile
		if err := drawPanel(pc, s, float64(width)/float64(len(panels)), float64(height)); err != nil {
			return fmt.Errorf("vector: panel %d: %v", k+1, err)
		}
	}
	if format == "pdf" {
		_, err := cw.WriteTo(w)
		return err
	}
	// gonum/plot's SVG canvas (v0.17) labels its embedded PNG images "image/jpg" (viewers that
	// trust the label, as librsvg, then show nothing) and leaves SVG's default aspect-preserving
	// fit, which letterboxes an image whose pixels are not the shape of its rectangle (a colour
	// bar's 1×256 gradient, a heatmap's cells): every image here fills its rectangle.
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return err
	}
	out := bytes.ReplaceAll(buf.Bytes(), []byte("data:image/jpg;base64,"), []byte("data:image/png;base64,"))
	out = bytes.ReplaceAll(out, []byte("<image "), []byte(`<image preserveAspectRatio="none" `))
	_, err := w.Write(out)
	return err
}

// panel is a scene being drawn onto its part of the canvas.
type panel struct {
	c          draw.Canvas
	s          *render.Scene
	fs         vg.Length // body text size, points
	ink, muted color.Color
	dark       bool
	top        vg.Length // where the plot's top may reach (below title, caption and strip)
	strip      [2]vg.Length
	thumb      vg.Length
}

// drawPanel draws one scene into c, w×h pixels of the figure.
func drawPanel(c draw.Canvas, s *render.Scene, w, h float64) error {
	p := &panel{c: c, s: s, fs: vg.Length(math.Max(10, math.Min(w, h)/42) * pointsPerPixel)}
	bg := s.Background
	if bg == nil {
		bg = color.White
	}
	r, g, b, _ := bg.RGBA()
	p.dark = 0.2126*float64(r>>8)+0.7152*float64(g>>8)+0.0722*float64(b>>8) < 128
	p.ink, p.muted = color.RGBA{25, 25, 25, 255}, color.RGBA{85, 85, 85, 255}
	if p.dark {
		p.ink, p.muted = color.RGBA{235, 235, 235, 255}, color.RGBA{185, 185, 185, 255}
	}
	c.SetColor(bg)
	c.Fill(c.Rectangle.Path())
	p.header()
	switch s.View {
	case render.ViewLines:
		return p.lines()
	case render.ViewHeatmap:
		return p.heatmap()
	case render.ViewText:
		p.textPanel()
		return nil
	}
	return fmt.Errorf("view %d has no vector form", s.View)
}

// style returns a text style of the panel's font at size pt, aligned as given.
func (p *panel) style(size vg.Length, col color.Color, xa text.XAlignment, ya text.YAlignment) text.Style {
	return text.Style{Color: col, Font: font.Font{Typeface: "Liberation", Variant: "Sans", Size: size},
		XAlign: xa, YAlign: ya, Handler: plot.DefaultTextHandler}
}

// header draws the title and the caption and reserves the thumbnail strip.
func (p *panel) header() {
	fs, c := p.fs, p.c
	p.top = c.Max.Y
	if t := p.s.Title; t != "" {
		ts := 1.35 * fs
		c.FillText(p.style(ts, p.ink, draw.XCenter, draw.YTop), vg.Point{X: c.Center().X, Y: p.top - 0.6*ts}, t)
		p.top -= 2.2 * ts
	}
	if t := p.s.Caption; t != "" {
		c.FillText(p.style(0.9*fs, p.muted, draw.XCenter, draw.YTop), vg.Point{X: c.Center().X, Y: p.top - 0.3*fs}, t)
		p.top -= 1.6 * fs
	}
	for _, m := range p.s.Markers {
		if m.Image != nil {
			p.thumb = min(4.2*fs, 0.16*(c.Max.Y-c.Min.Y))
			p.strip = [2]vg.Length{p.top - 0.3*fs, p.top - 0.3*fs - p.thumb - 1.7*fs}
			p.top = p.strip[1] - 0.4*fs
			break
		}
	}
}

// newPlot returns a plot with the panel's axes: labels, ink colours, transparent background, the
// data range given.
func (p *panel) newPlot(x0, x1, y0, y1 float64) *plot.Plot {
	pl := plot.New()
	pl.BackgroundColor = nil
	pl.X.Min, pl.X.Max, pl.Y.Min, pl.Y.Max = x0, x1, y0, y1
	pl.X.Label.Text, pl.Y.Label.Text = p.s.XLabel, p.s.YLabel
	for _, a := range []*plot.Axis{&pl.X, &pl.Y} {
		a.Label.TextStyle.Font = font.Font{Typeface: "Liberation", Variant: "Sans", Size: p.fs}
		a.Label.TextStyle.Color = p.ink
		a.Tick.Label.Font = font.Font{Typeface: "Liberation", Variant: "Sans", Size: 0.9 * p.fs}
		a.Tick.Label.Color = p.ink
		a.LineStyle.Color, a.Tick.LineStyle.Color = p.ink, p.ink
		a.Padding = 0
	}
	return pl
}

// plotCanvas returns the part of the panel the plot may take: below the header, right of the
// margin, leaving right points free for the legend or colour bar.
func (p *panel) plotCanvas(right vg.Length) draw.Canvas {
	c := p.c
	c.Max.Y = p.top
	if p.s.ColorBar && p.s.View == render.ViewHeatmap && p.s.Label != "" {
		c.Max.Y -= 1.8 * p.fs // the colour bar's label goes above the plot
	}
	c.Max.X -= right
	c.Min.X += 0.8 * p.fs
	c.Min.Y += 0.8 * p.fs
	return c
}

// textPanel sets Scene.Text in Liberation Mono under the header, as large as fits.
func (p *panel) textPanel() {
	lines := strings.Split(strings.TrimRight(p.s.Text, "\n"), "\n")
	c := p.c
	margin := 1.5 * p.fs
	size := min(p.fs, (p.top-c.Min.Y-margin)/vg.Length(1.3*float64(len(lines))))
	mono := func(sz vg.Length) text.Style {
		st := p.style(sz, p.ink, draw.XLeft, draw.YTop)
		st.Font.Variant = "Mono"
		return st
	}
	for size > 4 {
		widest := vg.Length(0)
		for _, l := range lines {
			widest = max(widest, mono(size).Width(l))
		}
		if widest <= c.Max.X-c.Min.X-2*margin {
			break
		}
		size *= 0.95
	}
	st := mono(size)
	for k, l := range lines {
		c.FillText(st, vg.Point{X: c.Min.X + margin, Y: p.top - margin/2 - vg.Length(k)*1.3*size}, l)
	}
}
