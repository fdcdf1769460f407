package render

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
)

// Palette sizes of AnimationPalette: the colormap sampled at paletteHues points, each at the
// paletteShades brightnesses the lit surface spans (Blinn–Phong with the material above: ambient
// 0.38 up to ambient + diffuse ≈ 1), then paletteGreys greys for text, axes, contours and
// greyscale thumbnails, and the class palette.
const (
	paletteHues  = 44
	paletteGreys = 40
)

var paletteShades = []float64{0.42, 0.6, 0.78, 1}

// AnimationPalette returns the colours of a GIF of pictures drawn with colormap cm (nil: viridis):
// the colormap at the brightnesses of the lit surface, a grey ramp, the class palette (Tab10) and
// the extra colours given (backgrounds, UI colours), at most 256 in all. Every frame of an
// animation uses it, so colours do not flicker from frame to frame as a per-frame palette would.
func AnimationPalette(cm *Colormap, extra ...color.Color) color.Palette {
	if cm == nil {
		cm = Viridis
	}
	var p color.Palette
	for _, c := range extra {
		p = append(p, color.NRGBAModel.Convert(c))
	}
	for _, c := range Tab10 {
		p = append(p, c)
	}
	for i := 0; i < paletteGreys; i++ {
		v := uint8(i * 255 / (paletteGreys - 1))
		p = append(p, color.RGBA{R: v, G: v, B: v, A: 255})
	}
	for _, shade := range paletteShades {
		for i := 0; i < paletteHues; i++ {
			c := cm.At(float64(i) / (paletteHues - 1))
			p = append(p, color.RGBA{R: scale8(c.R, shade), G: scale8(c.G, shade), B: scale8(c.B, shade), A: 255})
		}
	}
	if len(p) > 256 {
		p = p[:256]
	}
	return p
}

func scale8(v uint8, f float64) uint8 { return uint8(float64(v)*f + 0.5) }

// Paletted converts img to palette p with Floyd–Steinberg error diffusion (R. W. Floyd and
// L. Steinberg, "An adaptive algorithm for spatial greyscale", 1976), which keeps the smooth
// shading of a surface from banding in a 256-colour GIF.
func Paletted(img image.Image, p color.Palette) *image.Paletted {
	out := image.NewPaletted(img.Bounds(), p)
	draw.FloydSteinberg.Draw(out, img.Bounds(), img, img.Bounds().Min)
	return out
}

// GIFOptions say how WriteGIF plays the frames.
type GIFOptions struct {
	FPS      float64 // frames per second; 0 means 4
	HoldLast int     // extra frames' time the last frame stays before the loop starts again
}

// WriteGIF writes frames (all the same size, converted to one palette with Paletted) to path as
// an animated GIF that loops forever, with rec's provenance as a comment extension
// (provenance.GIFWriter), through a temporary file renamed into place when complete.
func WriteGIF(path string, frames []*image.Paletted, o GIFOptions, rec provenance.Record) error {
	if len(frames) == 0 {
		return fmt.Errorf("render: %s: an animation needs at least one frame", path)
	}
	fps := o.FPS
	if fps == 0 {
		fps = 4
	}
	if !(fps > 0 && fps <= 100) {
		return fmt.Errorf("render: %s: %g frames per second: want more than 0 and at most 100", path, fps)
	}
	delay := max(int(100/fps+0.5), 1) // hundredths of a second
	a := &gif.GIF{Image: frames, Delay: make([]int, len(frames)), Config: image.Config{
		ColorModel: frames[0].Palette, Width: frames[0].Rect.Dx(), Height: frames[0].Rect.Dy()}}
	for i, f := range frames {
		if f.Rect != frames[0].Rect {
			return fmt.Errorf("render: %s: frame %d is %v, frame 0 %v: frames must have one size", path, i, f.Rect, frames[0].Rect)
		}
		a.Delay[i] = delay
	}
	a.Delay[len(frames)-1] += o.HoldLast * delay
	err := atomicfile.Write(path, func(w io.Writer) error {
		gw := provenance.NewGIFWriter(w, rec)
		if err := gif.EncodeAll(gw, a); err != nil {
			return err
		}
		return gw.Close()
	})
	if err != nil {
		return fmt.Errorf("render: writing %w", err) // the error begins with path
	}
	return nil
}
