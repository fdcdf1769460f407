package main

import (
	"encoding/binary"
	"fmt"
	"image"
	"io"

	"github.com/surfscope/surfscope/internal/atomicfile"
)

// writeICO writes square pictures of at most 256 pixels as a Windows icon file. Each entry is a
// 32-bit device-independent bitmap, the form every Windows version reads: a BITMAPINFOHEADER whose
// height counts the colour rows and the mask rows, BGRA rows bottom-up, then the 1-bit AND mask
// (all zero: the alpha channel says what is opaque).
func writeICO(path string, imgs []*image.RGBA) error {
	le := binary.LittleEndian
	dibs := make([][]byte, len(imgs))
	for i, img := range imgs {
		n := img.Bounds().Dx()
		if img.Bounds().Dy() != n || n < 1 || n > 256 {
			return fmt.Errorf("icon: %s: picture %d is %v, want square, 1 to 256 pixels", path, i, img.Bounds().Size())
		}
		maskRow := (n + 31) / 32 * 4
		d := le.AppendUint32(nil, 40) // BITMAPINFOHEADER size
		d = le.AppendUint32(d, uint32(n))
		d = le.AppendUint32(d, uint32(2*n))
		d = le.AppendUint16(le.AppendUint16(d, 1), 32) // planes, bits per pixel
		d = le.AppendUint32(d, 0)                      // BI_RGB
		d = le.AppendUint32(d, uint32(4*n*n+maskRow*n))
		d = append(d, make([]byte, 16)...) // resolution, palette sizes: unused
		b := img.Bounds()
		for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := img.RGBAAt(x, y)
				d = append(d, c.B, c.G, c.R, c.A)
			}
		}
		dibs[i] = append(d, make([]byte, maskRow*n)...)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		head := le.AppendUint16(le.AppendUint16(le.AppendUint16(nil, 0), 1), uint16(len(imgs))) // reserved, 1 = icon, count
		offset := len(head) + 16*len(imgs)
		for i, img := range imgs {
			side := byte(img.Bounds().Dx())                      // 256 is written as 0
			head = append(head, side, side, 0, 0)                // width, height, no palette, reserved
			head = le.AppendUint16(le.AppendUint16(head, 1), 32) // colour planes, bits per pixel
			head = le.AppendUint32(le.AppendUint32(head, uint32(len(dibs[i]))), uint32(offset))
			offset += len(dibs[i])
		}
		if _, err := w.Write(head); err != nil {
			return err
		}
		for _, d := range dibs {
			if _, err := w.Write(d); err != nil {
				return err
			}
		}
		return nil
	})
}
