package vector

import (
	"image"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas mends two habits of gonum/plot's PDF canvas (v0.17): it draws images upside down
// (they are placed through its y-flipped page transform), and it sets text in the cp1252 code
// page but hands it the string's UTF-8 bytes, so "·" comes out as "Â·" and "λ" as two wrong
// letters. Images are flipped before they are drawn, and text is transcribed to cp1252, with the
// letters cp1252 lacks spelled out (pdfSpelling).
type pdfCanvas struct{ *vgpdf.Canvas }

// DrawImage draws img, flipped top to bottom so that it lands the right way up.
func (c pdfCanvas) DrawImage(rect vg.Rectangle, img image.Image) {
	b := img.Bounds()
	flipped := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			flipped.Set(x, b.Dy()-1-y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	c.Canvas.DrawImage(rect, flipped)
}

// FillString sets str in cp1252, as the canvas's fonts are encoded.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, str string) {
	c.Canvas.FillString(f, pt, cp1252(str))
}

// pdfSpelling spells out the characters of surfscope's labels that cp1252 lacks.
var pdfSpelling = strings.NewReplacer(
	"λ", "lambda", "α", "alpha", "β", "beta", "θ", "theta", "η", "eta", "δ", "delta", "σ", "sigma",
	"−", "-", "‖", "||", "∇", "grad ", "∂", "d", "≤", "<=", "≥", ">=", "≈", "~", "→", "->",
	"₀", "0", "₁", "1", "₂", "2", "₃", "3", "ₓ", "x", "ᵢ", "i", "ⱼ", "j", "ₖ", "k", "̃", "~",
	"Σ", "sum ", "∑", "sum ", "∈", "in", "▸", ">", "√", "sqrt",
)

// cp1252 returns s as cp1252 bytes in a Go string (what the PDF canvas's fonts expect), after
// pdfSpelling; anything still outside cp1252 becomes "?".
func cp1252(s string) string {
	s = pdfSpelling.Replace(s)
	enc := charmap.Windows1252.NewEncoder()
	var b strings.Builder
	for _, r := range s {
		out, err := enc.String(string(r))
		if err != nil {
			out = "?"
		}
		b.WriteString(out)
	}
	return b.String()
}
