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
	top       float64    // pixels taken by the title, the caption and the thumbnail strip
	titleY    float64    // baselines of the title and the caption
	captionY  float64
	strip     [2]float64 // the thumbnail strip's top and bottom; equal when there is none
	thumb     float64    // thumbnail size in the strip
	right     float64    // pixels taken by the colour bar
	bar       *colorBar  // nil: none
}

// hasThumbnails reports whether a scene's markers carry images.
func hasThumbnails(s *Scene) bool {
	for _, m := range s.Markers {
		if m.Image != nil {
			return true
		}
	}
	return false
}

func layoutFor(f *frame) layout {
	short := float64(min(f.w, f.h))
	l := layout{fontSize: math.Max(10, short/42)}
	fs := l.fontSize
	l.titleSize = fs * 1.35
	l.region = [4]float64{-0.94, 0.94, -0.94, 0.94}
	if f.scene.Title != "" {
		l.titleY = 0.6*l.titleSize + ascent(face(l.titleSize))
		l.top = 2.2 * l.titleSize
	}
	if f.scene.Caption != "" && f.h >= 240 { // small pictures keep their room for the data
		l.captionY = l.top + 0.3*fs + ascent(face(0.9*fs))
		if f.scene.Title == "" {
			l.captionY += 0.4 * fs
		}
		l.top = l.captionY + 0.8*fs
	}
	if thumb := math.Min(4.2*fs, 0.12*float64(f.h)); hasThumbnails(f.scene) && thumb >= 24 { // else too small to read
		l.thumb = thumb
		l.strip = [2]float64{l.top + 0.3*fs, l.top + 0.3*fs + l.thumb + 1.7*fs}
		l.top = l.strip[1] + 0.4*fs
	}
	if l.top > 0 {
		l.region[3] = 1 - 2*l.top/float64(f.h)
	}
	if f.scene.Axes && f.scene.View == ViewSurface { // room for tick values and names
		mx, my := 2*4.5*fs/float64(f.w), 2*3.5*fs/float64(f.h)
		l.region[0] += mx
		l.region[1] -= mx
		l.region[2] += my
		l.region[3] -= 0.5 * my
	}
	if f.scene.ColorBar && f.scene.View != ViewLines && f.scene.View != ViewText && f.w > 0 {
		var cb colorBar
		var taken float64
		if f.scene.Categorical {
			cf := f.scene.Color
			if cf == nil {
				cf = f.scene.Field
			}
			cb, taken = placeClassBar(classList(cf), f.scene.Legend, f.w, f.h, fs, l.top)
		} else {
			m := f.mesh
			cb, taken = placeColorBar(m.cmin, m.cmax, f.w, f.h, fs, l.top, float64(f.h))
			cb.extendLo, cb.extendHi = m.clo < m.cmin-1e-9*math.Abs(m.cmin), m.chi > m.cmax+1e-9*math.Abs(m.cmax)
			cb.fit(cb.y0, cb.y1, fs)
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
		drawText(dst, fc, f.scene.Title, float64(b.Min.X)+float64(b.Dx())/2, float64(b.Min.Y)+f.lay.titleY, alignCenter, f.ink())
	}
	if f.scene.Caption != "" && f.h >= 240 { // small pictures keep their room for the data
		fc := face(0.9 * f.lay.fontSize)
		drawText(dst, fc, f.scene.Caption, float64(b.Min.X)+float64(b.Dx())/2, float64(b.Min.Y)+f.lay.captionY, alignCenter, f.muted())
	}
	if f.lay.bar != nil {
		f.lay.bar.draw(dst, f, f.scene.Label)
	}
	return nil
}

// muted is the colour of secondary text (the caption) on the frame's
// background.
func (f *frame) muted() color.RGBA {
	if f.st.dark {
		return color.RGBA{185, 185, 185, 255}
	}
	return color.RGBA{85, 85, 85, 255}
}
