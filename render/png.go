package render

import (
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
)

// pngEncoder trades a little size for speed: BestSpeed encodes a 1024x768
// surface several times faster than the default level (see BenchmarkWritePNG).
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// WritePNG writes img to path as PNG with rec's provenance as text chunks
// after IHDR (provenance.PNGWriter; a zero rec, for test pictures and
// assets, adds none), through a temporary file in the same directory,
// renamed into place only when everything was written, so a reader never
// sees half a file.
func WritePNG(path string, img image.Image, rec provenance.Record) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		pw := provenance.NewPNGWriter(w, rec)
		if err := pngEncoder.Encode(pw, img); err != nil {
			return err
		}
		return pw.Close()
	})
	if err != nil {
		return fmt.Errorf("render: writing %w", err) // the error begins with path
	}
	return nil
}
