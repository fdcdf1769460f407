package dataset

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// WriteIDXImages writes the images of s to w as an uncompressed IDX image file (magic 0x00000803),
// each pixel as round(255·v). Wrap w in a gzip.Writer for a .gz file. s must have one channel and pixels
// in [0,1]; for such a set, ReadIDXImages gives back exactly the pixels of an IDX file it was read from.
func WriteIDXImages(w io.Writer, s *Set) error {
	if s.C != 1 {
		return fmt.Errorf("dataset: %s: IDX images need 1 channel, have %d", s.Name, s.C)
	}
	if len(s.Images) != s.N*s.ImageSize() {
		return fmt.Errorf("dataset: %s: %d pixel values for %d images of %d×%d", s.Name, len(s.Images), s.N, s.H, s.W)
	}
	if uint64(s.N) > math.MaxUint32 || s.H > maxIDXSide || s.W > maxIDXSide {
		return fmt.Errorf("dataset: %s: shape %d×%d×%d does not fit an IDX header", s.Name, s.N, s.H, s.W)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var hdr [16]byte
	binary.BigEndian.PutUint32(hdr[0:], idxImagesMagic)
	binary.BigEndian.PutUint32(hdr[4:], uint32(s.N))
	binary.BigEndian.PutUint32(hdr[8:], uint32(s.H))
	binary.BigEndian.PutUint32(hdr[12:], uint32(s.W))
	bw.Write(hdr[:]) // bufio.Writer keeps the first error; Flush returns it
	for i, v := range s.Images {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("dataset: %s: image %d: pixel value %v outside [0,1]", s.Name, i/s.ImageSize(), v)
		}
		bw.WriteByte(byte(math.Round(float64(v) * 255)))
	}
	return bw.Flush()
}

// WriteIDXLabels writes the labels of s to w as an uncompressed IDX label file (magic 0x00000801).
// Every label must fit a byte.
func WriteIDXLabels(w io.Writer, s *Set) error {
	if uint64(len(s.Labels)) > math.MaxUint32 {
		return fmt.Errorf("dataset: %s: %d labels do not fit an IDX header", s.Name, len(s.Labels))
	}
	buf := make([]byte, 8+len(s.Labels))
	binary.BigEndian.PutUint32(buf[0:], idxLabelsMagic)
	binary.BigEndian.PutUint32(buf[4:], uint32(len(s.Labels)))
	for i, l := range s.Labels {
		if l < 0 || l > 255 {
			return fmt.Errorf("dataset: %s: label %d of image %d does not fit an IDX byte", s.Name, l, i)
		}
		buf[8+i] = byte(l)
	}
	_, err := w.Write(buf)
	return err
}
