package surface

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzDecodeNPY: any bytes decode to an array whose size matches its shape, or an error, never a
// panic; what decodes encodes back to bytes that decode to the same array.
func FuzzDecodeNPY(f *testing.F) {
	for _, a := range []struct {
		shape []int
		data  []float32
	}{{[]int{2, 3}, []float32{1, 2, 3, 4, 5, 6}}, {[]int{0}, nil}, {[]int{1, 1, 2}, []float32{-0, 3.5}}} {
		var buf bytes.Buffer
		if err := EncodeNPY(&buf, a.shape, a.data); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte("\x93NUMPY\x01\x00\x20\x00{'descr': '<f4', 'shape': (99999999,), }"))
	f.Fuzz(func(t *testing.T, b []byte) {
		shape, data, err := DecodeNPY(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		if n != len(data) {
			t.Fatalf("shape %v with %d values", shape, len(data))
		}
		var buf bytes.Buffer
		if err := EncodeNPY(&buf, shape, data); err != nil {
			t.Fatal(err)
		}
		shape2, data2, err := DecodeNPY(&buf)
		if err != nil || !slices.Equal(shape, shape2) || len(data) != len(data2) {
			t.Fatalf("round trip: %v %v, %v", shape2, len(data2), err)
		}
	})
}
