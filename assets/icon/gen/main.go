// Command gen draws surfscope's icon: the surface z = sin(x)·cos(y)·exp(−r²/8), rendered by the
// CPU renderer on a transparent-looking white tile, as a 512x512 PNG and as a Windows ICO holding
// the sizes Windows shows (each drawn at its size, not scaled down).
package main

import (
	"flag"
	"image"
	"log"
	"math"

	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/render"
)

func main() {
	out := flag.String("out", "icon.png", "512x512 PNG to write (\"\": none)")
	ico := flag.String("ico", "", "Windows icon to write, 16 to 256 pixels (\"\": none); packaging makes it")
	flag.Parse()
	if *out != "" {
		if err := render.WritePNG(*out, draw(512), provenance.Record{}); err != nil { // an asset, not a result: no provenance
			log.Fatal(err)
		}
	}
	if *ico == "" {
		return
	}
	var imgs []*image.RGBA
	for _, n := range []int{16, 24, 32, 48, 64, 256} {
		imgs = append(imgs, draw(n))
	}
	if err := writeICO(*ico, imgs); err != nil {
		log.Fatal(err)
	}
}

// draw renders the icon at size×size pixels; below 48 pixels without contour lines, which would
// only blur the surface there.
func draw(size int) *image.RGBA {
	const n = 64
	g := &render.Grid{NX: n, NY: n, Values: make([]float64, n*n)}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x, y := 6*float64(i)/(n-1)-3, 6*float64(j)/(n-1)-3
			g.Values[j*n+i] = math.Sin(1.3*x) * math.Cos(1.1*y) * math.Exp(-(x*x+y*y)/8)
		}
	}
	contours := 8
	if size < 48 {
		contours = 0
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	cam := render.Camera{}
	cam.Zoom(0.92)
	if err := render.NewCPU().Render(img, &render.Scene{Field: g, Contours: contours, Camera: cam, ZScale: 0.45, Samples: 16}); err != nil {
		log.Fatal(err)
	}
	return img
}
