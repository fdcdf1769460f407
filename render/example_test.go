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

func ExampleScene_lines() {
	// Two curves over λ ∈ [0, 1]: row j of the grid is curve j.
	g := &render.Grid{NX: 11, NY: 2, Values: make([]float64, 22), Xs: make([]float64, 11)}
	for i := 0; i < 11; i++ {
		l := float64(i) / 10
		g.Xs[i] = l
		g.Values[i], g.Values[11+i] = 1-l, l*l
	}
	s := &render.Scene{
		Field: g, View: render.ViewLines,
		Legend: []string{"class 7", "class 2"}, XLabel: "λ", YLabel: "logit",
		Markers: []render.Marker{{X: 0, Y: 1, Label: "x_i"}, {X: 1, Y: 1, Label: "x_j"}},
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	if err := render.NewCPU().Render(img, s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ok")
	// Output: ok
}

func ExampleScene_categorical() {
	// The predicted class over a plane, seen from above, with class names.
	g := &render.Grid{NX: 32, NY: 32, Values: make([]float64, 32*32)}
	for j := 0; j < 32; j++ {
		for i := 0; i < 32; i++ {
			g.Values[j*32+i] = float64((i/11 + j/11) % 3)
		}
	}
	s := &render.Scene{
		Field: g, View: render.ViewHeatmap, Categorical: true,
		ColorBar: true, Legend: []string{"zero", "one", "two"},
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	fmt.Println(render.NewCPU().Render(img, s))
	// Output: <nil>
}
