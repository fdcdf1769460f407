package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
)

// Builders of small data files for tests. Pixel bytes follow a known pattern so tests can predict
// every value: pixel p of image i is byte(i*7 + p).

func pixelByte(i, p int) byte { return byte(i*7 + p) }

// idxImages returns an IDX image file of n images of rows×cols, with the given count in the header.
func idxImages(count uint32, n, rows, cols int) []byte {
	b := make([]byte, 16, 16+n*rows*cols)
	binary.BigEndian.PutUint32(b[0:], idxImagesMagic)
	binary.BigEndian.PutUint32(b[4:], count)
	binary.BigEndian.PutUint32(b[8:], uint32(rows))
	binary.BigEndian.PutUint32(b[12:], uint32(cols))
	for i := range n {
		for p := range rows * cols {
			b = append(b, pixelByte(i, p))
		}
	}
	return b
}

// idxLabels returns an IDX label file holding labels, with the given count in the header.
func idxLabels(count uint32, labels ...byte) []byte {
	b := make([]byte, 8, 8+len(labels))
	binary.BigEndian.PutUint32(b[0:], idxLabelsMagic)
	binary.BigEndian.PutUint32(b[4:], count)
	return append(b, labels...)
}

// cifarRecords returns CIFAR records with the given label bytes per record (one byte for CIFAR-10, two
// for CIFAR-100); pixels follow pixelByte.
func cifarRecords(labels ...[]byte) []byte {
	var b []byte
	for i, l := range labels {
		b = append(b, l...)
		for p := range cifarPixels {
			b = append(b, pixelByte(i, p))
		}
	}
	return b
}

func gzipped(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}
