package render_test

import (
	"fmt"
	"image"
	"math"

	"github.com/surfscope/surfscope/render"
)

func Example() {
	// A 64x64 grid of z = sin(x)·cos(y).
	g := &render.Grid{NX: 64, NY: 64, Values: make([]float64, 64*64)}
	for j := 0; j < 64; j++ {
		for i := 0; i < 64; i++ {
			g.Values[j*64+i] = math.Sin(float64(i)/10) * math.Cos(float64(j)/10)
		}
	}
	r := render.NewCPU() // or render.New() to use GL when available
	defer r.Close()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	s := &render.Scene{Field: g, Contours: 8, Title: "sin x cos y"}
	s.Camera.Orbit(0.3, 0) // turn a little from the default view
	if err := r.Render(img, s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Name(), img.Bounds().Size())
	// Output: cpu (320,240)
}
