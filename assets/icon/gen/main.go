// Command gen draws surfscope's icon: the surface z = sin(x)·cos(y)·exp(−r²/8), rendered by the
// CPU renderer on a transparent-looking white tile.
package main

import (
	"flag"
	"image"
	"log"
	"math"

	"github.com/surfscope/surfscope/render"
)

func main() {
	out := flag.String("out", "icon.png", "PNG to write")
	flag.Parse()
	const n = 64
	g := &render.Grid{NX: n, NY: n, Values: make([]float64, n*n)}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x, y := 6*float64(i)/(n-1)-3, 6*float64(j)/(n-1)-3
			g.Values[j*n+i] = math.Sin(1.3*x) * math.Cos(1.1*y) * math.Exp(-(x*x+y*y)/8)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, 512, 512))
	cam := render.Camera{}
	cam.Zoom(0.92)
	if err := render.NewCPU().Render(img, &render.Scene{Field: g, Contours: 8, Camera: cam, ZScale: 0.45, Samples: 16}); err != nil {
		log.Fatal(err)
	}
	if err := render.WritePNG(*out, img); err != nil {
		log.Fatal(err)
	}
}
