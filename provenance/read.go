package provenance

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Read returns the provenance of a file surfscope wrote, whatever its format (found from its
// first bytes, not its name): PNG, SVG, PDF, GIF, NPY (from its sidecar, checked against the
// file), VTK XML, JSON, CSV, a safetensors checkpoint or a training-state file. where says where the record was found. A file without
// provenance — from another program or an older surfscope — is an error naming the file.
func Read(path string) (r Record, where string, err error) {
	f, err := openRegular(path)
	if err != nil {
		return Record{}, "", err
	}
	defer f.Close() // read-only
	br := bufio.NewReaderSize(f, peekBytes)
	head, _ := br.Peek(peekBytes) // less for a smaller file
	r, where, err = readFormat(path, head, br)
	if err != nil {
		return Record{}, "", fmt.Errorf("%s: %v", path, err)
	}
	if r.IsZero() {
		return Record{}, "", fmt.Errorf("%s: no surfscope provenance in its %s (written by another program or an older surfscope)", path, where)
	}
	return r, where, nil
}

// trainStateMagic starts the training-state files of train --resume (models/train.SaveState): then
// an 8-byte little-endian header length, the JSON header, and the net as a checkpoint.
const trainStateMagic = "surfscope-train-state/"

// readTrainState reads the provenance of the checkpoint inside a training-state file.
func readTrainState(r io.Reader) (Record, error) {
	br := bufio.NewReader(r)
	if _, err := br.ReadString('\n'); err != nil {
		return Record{}, fmt.Errorf("truncated training state")
	}
	var n uint64
	if err := binary.Read(br, binary.LittleEndian, &n); err != nil || n > maxSafetensorsHeader {
		return Record{}, fmt.Errorf("training state: bad header length")
	}
	if _, err := br.Discard(int(n)); err != nil {
		return Record{}, fmt.Errorf("truncated training state")
	}
	return ReadSafetensors(br)
}

// peekBytes is how much of a file Read looks at to find its format: enough for the column names
// of a CSV file of a 1,000-class grid.
const peekBytes = 64 << 10

// readFormat reads the record from a file that starts with head, read through br.
func readFormat(path string, head []byte, br io.Reader) (Record, string, error) {
	trimmed := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte(pngSignature)):
		r, err := ReadPNG(br)
		return r, "PNG text chunks", err
	case bytes.HasPrefix(head, []byte("GIF87a")) || bytes.HasPrefix(head, []byte("GIF89a")):
		r, err := ReadGIF(br)
		return r, "GIF comment", err
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		sc, err := ReadSidecar(path)
		if err != nil {
			return Record{}, "", err
		}
		return sc.Provenance, "sidecar " + SidecarPath(path) + " (the NPY's SHA-256 matches)", nil
	case bytes.HasPrefix(trimmed, []byte("<")) && xmlRoot(head) == "svg":
		r, err := ReadSVG(br)
		return r, "SVG metadata", err
	case bytes.HasPrefix(trimmed, []byte("<")):
		r, err := ReadVTK(br)
		return r, "VTK FieldData", err
	case bytes.HasPrefix(head, []byte("%PDF-")):
		r, err := ReadPDF(br)
		return r, "PDF document information", err
	case bytes.HasPrefix(trimmed, []byte("{")) || bytes.HasPrefix(trimmed, []byte("[")):
		r, err := ReadJSON(br)
		return r, "JSON provenance block", err
	case isCSVWithComments(head):
		r, err := ReadCSV(br)
		return r, "CSV comment lines", err
	case len(head) >= 9 && head[8] == '{' && binary.LittleEndian.Uint64(head) <= maxSafetensorsHeader:
		r, err := ReadSafetensors(br)
		return r, "checkpoint metadata", err
	case bytes.HasPrefix(head, []byte(trainStateMagic)):
		r, err := readTrainState(br)
		return r, "training state's checkpoint metadata", err
	}
	return Record{}, "", fmt.Errorf("not a file surfscope writes (PNG, SVG, PDF, GIF, NPY, VTK, JSON, CSV or a safetensors checkpoint)")
}
