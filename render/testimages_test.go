package render

import (
	"image"
	"image/color"
	"math"
)

// digit is a 28x28 grey test thumbnail: a ring, a bar or a cross.
func digit(kind int) image.Image {
	g := image.NewGray(image.Rect(0, 0, 28, 28))
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			dx, dy := float64(x)-13.5, float64(y)-13.5
			var on bool
			switch kind {
			case 0:
				r := math.Hypot(dx/0.8, dy)
				on = r > 6 && r < 10
			case 1:
				on = math.Abs(dx+dy*0.2) < 2.2 && math.Abs(dy) < 10
			default:
				on = (math.Abs(dx-dy) < 2.5 || math.Abs(dx+dy) < 2.5) && math.Abs(dx) < 9
			}
			if on {
				g.SetGray(x, y, color.Gray{255})
			}
		}
	}
	return g
}

func triangleMarkers(thumbs bool) []Marker {
	ms := []Marker{{X: -2, Y: -1.5, Label: "x1 (7)"}, {X: 2, Y: -1, Label: "x2 (2)"}, {X: 0.3, Y: 2, Label: "x3 (1)"}}
	if thumbs {
		for k := range ms {
			ms[k].Image = digit(k)
		}
	}
	return ms
}

// mixup is a line field: 5 logit curves over λ in [−0.25, 1.25].
func mixup() *funcField {
	return &funcField{nx: 121, ny: 5, x0: -0.25, x1: 1.25, y0: 0, y1: 4, f: func(x, y float64) float64 {
		k := y
		return (k-2)*(x-0.5)*3 + math.Sin(3*x*(k+1))
	}}
}

// regions is a field of classes 0..3 over [−3,3]²: the argmax of four
// smooth scores, like the predicted class over a data plane.
func regions(n int) *funcField {
	return &funcField{nx: n, ny: n, x0: -3, x1: 3, y0: -3, y1: 3, f: func(x, y float64) float64 {
		s := []float64{math.Sin(x) + 0.3*y, math.Cos(y) - 0.2*x, x * y / 3, -0.5 + 0.1*x*x}
		best := 0
		for k := range s {
			if s[k] > s[best] {
				best = k
			}
		}
		return float64(best)
	}}
}
