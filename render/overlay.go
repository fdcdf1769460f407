package render

import (
	"image"
	"image/color"
	"math"
)

// layout places the overlays: font sizes, margins and how far the surface
// moves to leave room for them.
type layout struct {
	fontSize  float64 // body text, pixels
	titleSize float64
	region    [4]float64 // where the 3D picture goes: x0, x1, y0, y1 in NDC
	top       float64    // pixels taken by the title
	right     float64    // pixels taken by the colour bar
	bar       *colorBar  // nil: none
}

func layoutFor(f *frame) layout {
	short := float64(min(f.w, f.h))
	l := layout{fontSize: math.Max(10, short/42)}
	l.titleSize = l.fontSize * 1.35
	l.region = [4]float64{-0.94, 0.94, -0.94, 0.94}
	if f.scene.Title != "" {
		l.top = 2.2 * l.titleSize
		l.region[3] = 1 - 2*l.top/float64(f.h)
	}
	if f.scene.Axes && f.scene.View == ViewSurface { // room for tick values and names
		mx, my := 2*4.5*l.fontSize/float64(f.w), 2*3.5*l.fontSize/float64(f.h)
		l.region[0] += mx
		l.region[1] -= mx
		l.region[2] += my
		l.region[3] -= 0.5 * my
	}
	if f.scene.ColorBar && f.scene.View != ViewLines && f.w > 0 {
		var cb colorBar
		var taken float64
		if f.scene.Categorical {
			cf := f.scene.Color
			if cf == nil {
				cf = f.scene.Field
			}
			cb, taken = placeClassBar(classList(cf), f.scene.Legend, f.w, f.h, l.fontSize, l.top)
		} else {
			cb, taken = placeColorBar(f.mesh.cmin, f.mesh.cmax, f.w, f.h, l.fontSize, l.top, float64(f.h))
		}
		l.bar = &cb
		l.right = taken
		l.region[1] = 1 - 2*taken/float64(f.w)
	}
	return l
}

// ink is the colour for text and lines on the frame's background.
func (f *frame) ink() color.RGBA {
	if f.st.dark {
		return color.RGBA{235, 235, 235, 255}
	}
	return color.RGBA{25, 25, 25, 255}
}

// drawOverlays draws the markers, the title and the colour bar over the
// finished picture.
func drawOverlays(dst *image.RGBA, f *frame) error {
	if len(f.scene.Markers) > 0 {
		switch {
		case f.plot != nil && f.scene.View == ViewLines:
			drawMarkers(dst, f, curveMarkers(f.plot))
		case f.plot != nil:
			drawMarkers(dst, f, planeMarkers(f.plot))
		default:
			g, err := surfaceMarkers(f)
			if err != nil {
				return err
			}
			drawMarkers(dst, f, g)
		}
	}
	b := dst.Bounds()
	if f.scene.Title != "" {
		fc := face(f.lay.titleSize)
		y := float64(b.Min.Y) + 0.6*f.lay.titleSize + ascent(fc)
		drawText(dst, fc, f.scene.Title, float64(b.Min.X)+float64(b.Dx())/2, y, alignCenter, f.ink())
	}
	if f.lay.bar != nil {
		f.lay.bar.draw(dst, f, f.scene.Label)
	}
	return nil
}
