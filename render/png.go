package render

import (
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/surfscope/surfscope/internal/atomicfile"
)

// pngEncoder trades a little size for speed: BestSpeed encodes a 1024x768
// surface several times faster than the default level (see BenchmarkWritePNG).
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// WritePNG writes img to path as PNG through a temporary file in the same
// directory, renamed into place only when everything was written, so a
// reader never sees half a file.
func WritePNG(path string, img image.Image) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return pngEncoder.Encode(w, img) }); err != nil {
		return fmt.Errorf("render: writing %w", err)
	}
	return nil
}
