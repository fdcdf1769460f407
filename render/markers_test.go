package render

import (
	"image"
	"image/color"
	"testing"
)

// Marker dots sit at their coordinates, in their colour, in both views;
// edges are drawn between them; thumbnails appear.
func TestMarkers(t *testing.T) {
	red := color.RGBA{220, 20, 20, 255}
	blue := color.RGBA{20, 20, 220, 255}
	ms := []Marker{{X: -1, Y: -1, Color: red, Label: "a"}, {X: 1.5, Y: -0.5, Color: blue}, {X: 0, Y: 1.8, Image: digit(2), Label: "c"}}
	for _, view := range []View{ViewSurface, ViewHeatmap} {
		s := &Scene{Field: waves(64), View: view, Markers: ms, MarkerEdges: true, Samples: 1}
		r := NewCPU().(*renderer)
		img := image.NewRGBA(image.Rect(0, 0, 400, 300))
		if err := r.Render(img, s); err != nil {
			t.Fatal(err)
		}
		f, _ := r.prepare(img.Bounds(), s)
		var g markerGeometry
		if view == ViewHeatmap {
			drawHeatmap(image.NewRGBA(img.Bounds()), f) // lays out f.plot
			g = planeMarkers(f.plot)
		} else {
			var err error
			if g, err = surfaceMarkers(f); err != nil {
				t.Fatal(err)
			}
		}
		for k, want := range []color.RGBA{red, blue} {
			p, ok := g.at(ms[k].X, ms[k].Y)
			if !ok {
				t.Fatalf("view %d: marker %d not projected", view, k)
			}
			if got := img.RGBAAt(int(p.x), int(p.y)); colorDist(got, want) > 3 {
				t.Errorf("view %d: marker %d shows %v, want %v", view, k, got, want)
			}
		}
		// The middle of the first edge is dark (the line).
		path := g.edge(ms[0], ms[1])
		mid := path[len(path)/2]
		if len(path) == 2 {
			mid = pt{(path[0].x + path[1].x) / 2, (path[0].y + path[1].y) / 2}
		}
		if c := img.RGBAAt(int(mid.x), int(mid.y)); int(c.R)+int(c.G)+int(c.B) > 200 {
			t.Errorf("view %d: edge midpoint %v is not dark", view, c)
		}
		// Without the thumbnail the picture changes.
		s2 := *s
		s2.Markers = append([]Marker(nil), ms...)
		s2.Markers[2].Image = nil
		img2 := image.NewRGBA(img.Bounds())
		if err := r.Render(img2, &s2); err != nil {
			t.Fatal(err)
		}
		if _, frac := imageDiff(img, img2, 100); frac < 0.005 {
			t.Errorf("view %d: the thumbnail changed only %.3f%% of pixels", view, 100*frac)
		}
	}
}

// Thumbnails never cover the data: they sit in the strip above the plot, joined to their markers
// by leader lines, in the heatmap and line views alike, side by side even when their markers are
// close.
func TestThumbnailsStayOffThePlot(t *testing.T) {
	magenta := color.RGBA{255, 0, 255, 255}
	swatch := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := 0; i < len(swatch.Pix); i += 4 {
		copy(swatch.Pix[i:], []uint8{255, 0, 255, 255})
	}
	ms := []Marker{{X: 0, Y: 0.2, Image: swatch, Label: "a"}, {X: 0.05, Y: 0.3, Image: swatch, Label: "b"}, {X: 1, Y: -0.4, Image: swatch}}
	for _, s := range []*Scene{
		{Field: waves(48), View: ViewHeatmap, ColorBar: true, Title: "t", Caption: "c", Markers: ms, Samples: 1},
		{Field: mixup(), View: ViewLines, Legend: []string{"0", "1"}, Title: "t", Markers: ms, Samples: 1},
	} {
		r := NewCPU().(*renderer)
		img := image.NewRGBA(image.Rect(0, 0, 480, 320))
		f, err := r.prepare(img.Bounds(), s)
		if err != nil {
			t.Fatal(err)
		}
		if s.View == ViewHeatmap {
			err = drawHeatmap(img, f)
		} else {
			err = drawLines(img, f)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := drawOverlays(img, f); err != nil {
			t.Fatal(err)
		}
		a := f.plot
		inside, above := 0, 0
		for y := 0; y < img.Bounds().Dy(); y++ {
			for x := 0; x < img.Bounds().Dx(); x++ {
				if img.RGBAAt(x, y) != magenta {
					continue
				}
				if float64(x) >= a.x0 && float64(x) <= a.x1 && float64(y) >= a.y0 && float64(y) <= a.y1 {
					inside++
				} else if float64(y) < a.y0 {
					above++
				}
			}
		}
		if inside > 0 || above < 3*100 {
			t.Errorf("view %d: %d thumbnail pixels inside the plot, %d above it", s.View, inside, above)
		}
	}
}
