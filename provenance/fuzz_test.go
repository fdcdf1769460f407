package provenance

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color/palette"
	"image/gif"
	"path/filepath"
	"testing"
)

// FuzzReadFormat feeds arbitrary bytes to the reader behind `surfscope provenance FILE` and the
// app's provenance checks, as Read does (the format found from the first bytes): every format —
// PNG text chunks, GIF comments, SVG, VTK XML, PDF, JSON, CSV, checkpoints, training states, an
// NPY without its sidecar — returns a record or an error, never a panic, and never allocates what
// a length field claims before the data is there. The seeds are files surfscope writes and the
// hostile ones: a PNG chunk claiming 4 GB, a zTXt chunk inflating past its limit, a checkpoint
// and a training state whose header lengths claim 64 MiB in a few bytes.
func FuzzReadFormat(f *testing.F) {
	r := sample()
	f.Add(testPNG(f, r))
	var gifb, csv, vts bytes.Buffer
	gw := NewGIFWriter(&gifb, r)
	gif.Encode(gw, image.NewPaletted(image.Rect(0, 0, 1, 1), palette.Plan9), nil)
	gw.Close()
	f.Add(gifb.Bytes())
	csv.WriteString("s,logit_0\n")
	WriteCSVComments(&csv, r)
	csv.WriteString("0,1\n")
	f.Add(csv.Bytes())
	vts.WriteString("<?xml version=\"1.0\"?>\n<VTKFile type=\"StructuredGrid\">\n  <StructuredGrid WholeExtent=\"0 1 0 0 0 0\">\n")
	WriteVTKFieldData(&vts, r, "    ")
	vts.WriteString("    <Piece Extent=\"0 1 0 0 0 0\"></Piece>\n  </StructuredGrid>\n</VTKFile>\n")
	f.Add(vts.Bytes())
	js, _ := MarshalJSON(r, map[string]int{"a": 1})
	f.Add(js)
	if pdf, err := AppendPDFInfo(minimalPDF(), r); err == nil {
		f.Add(pdf)
	}
	if svg, err := InsertSVGMetadata([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>`), r); err == nil {
		f.Add(svg)
	}
	st := safetensorsFile(map[string]string{MetaKey: r.JSON()})
	f.Add(st)
	f.Add(append([]byte(trainStateMagic+"1\n\x02\x00\x00\x00\x00\x00\x00\x00{}"), st...))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	// Hostile: lengths that claim what is not there, a compressed text chunk that inflates too far.
	huge := append([]byte(pngSignature), 0xff, 0xff, 0xff, 0xf0, 'I', 'D', 'A', 'T')
	f.Add(huge)
	ztxt := append([]byte("surfscope\x00\x00"), zlibOf(string(make([]byte, maxTextChunk+10)))...)
	var z bytes.Buffer
	z.WriteString(pngSignature)
	writeChunk(&z, "zTXt", ztxt)
	writeChunk(&z, "IEND", nil)
	f.Add(z.Bytes())
	f.Add(append(binary.LittleEndian.AppendUint64(nil, maxSafetensorsHeader), '{'))
	f.Add(append([]byte(trainStateMagic+"1\n"), binary.LittleEndian.AppendUint64(nil, maxSafetensorsHeader)...))
	npy := filepath.Join(f.TempDir(), "x.npy") // no sidecar beside it
	f.Fuzz(func(t *testing.T, data []byte) {
		head := data[:min(len(data), peekBytes)]
		rec, where, err := readFormat(npy, head, bytes.NewReader(data))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if where == "" {
			t.Fatalf("a record without where it was found: %+v", rec)
		}
		rec.Fields() // a record read back can be listed
	})
}
