package render

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// pngEncoder trades a little size for speed: BestSpeed encodes a 1024x768
// surface several times faster than the default level (see BenchmarkWritePNG).
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// WritePNG writes img to path as PNG through a temporary file in the same
// directory, renamed into place only when everything was written, so a
// reader never sees half a file.
func WritePNG(path string, img image.Image) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("render: %v", err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := pngEncoder.Encode(tmp, img); err != nil {
		tmp.Close()
		return fmt.Errorf("render: encoding %s: %v", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("render: writing %s: %v", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("render: %v", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("render: %v", err)
	}
	return nil
}
