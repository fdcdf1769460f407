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
